/* The IMAP session's insides, shared by the files of src/imap/ that make the
 * client: settings, the connection and its state, the tagged command engine,
 * the selected folder, the message listing and the reading position. */
#ifndef ENVOI_IMAP_SESSION_H
#define ENVOI_IMAP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "envoi/imap.h"
#include "imap/response.h"
#include "net/conn.h"
#include "proto/endpoint.h"
#include "proto/pp.h"
#include "util/buf.h"

enum imap_state {
    IMAP_DISCONNECTED,
    IMAP_NOT_AUTHENTICATED,
    IMAP_AUTHENTICATED,
    IMAP_SELECTED,
};

/* Where the data of a FETCH body literal goes while it arrives. begin is
 * asked when a BODY[...] literal starts, with the item's name as the server
 * wrote it (uid 0 when the server has not said it yet in that response): 1
 * to stream it to data (a negative code: stream it nowhere and fail), 0 to
 * keep it in the response like any literal. */
typedef struct imap_sink {
    int (*begin)(void *ctx, uint32_t seq, uint32_t uid, const char *item, size_t item_len,
                 uint64_t size);
    int (*data)(void *ctx, const void *data, size_t len);
    void *ctx;
} imap_sink;

/* Called for each untagged response while a command runs (after the
 * session's own bookkeeping); returns 0 or a negative code, which becomes
 * the command's result once its tagged response is read. */
typedef int (*imap_untagged_fn)(void *ctx, const imap_response *r, bool streamed);

/* One argument of a command being built: text as is, or a string/literal. */
typedef struct imap_part {
    const char *data;
    size_t len;
    bool literal; /* sent as {n} (or {n+}) then the bytes */
    bool secret;  /* masked in the trace */
} imap_part;

typedef struct imap_cmd {
    envoi_buf text; /* all parts' bytes (quoted strings already quoted) */
    imap_part parts[16];
    size_t offs[16]; /* offsets of parts that point into text */
    bool in_text[16];
    size_t nparts;
    int rc; /* the first failure while building */
} imap_cmd;

/* A command sent and not yet answered. */
typedef struct imap_pending {
    unsigned tag;
    char verb[24]; /* the command's name, for error texts */
    int rc;        /* its result once answered */
    bool done;
} imap_pending;

struct envoi_imap {
    /* settings */
    proto_endpoint ep;
    unsigned depth;
    uint64_t max_literal;
    char *id_name, *id_version;

    /* connection */
    enum imap_state state;
    envoi_conn *conn;
    envoi_trace_fn trace_fn;
    void *trace_ctx;
    envoi_error err;
    envoi_buf caps;  /* " CAP1 CAP2 ... " upper-cased, spaces around each */
    bool caps_fresh; /* set each time the server lists its capabilities */
    envoi_buf greeting;
    envoi_buf last;   /* text of the last tagged response */
    envoi_buf alerts; /* [ALERT] texts */
    char method[24];
    unsigned next_tag;
    imap_pending pending[64];
    size_t npending;
    bool bye; /* the server said BYE */
    envoi_buf bye_text;
    envoi_buf resp;  /* the response being read */
    envoi_buf trace; /* a trace line */
    imap_sink *sink;
    bool soft_timeout;  /* a timeout before a response starts keeps the connection (IDLE) */
    uint32_t appenduid; /* from the last [APPENDUID v uid] */
    bool streamed;      /* a literal of the last response went to the sink */
    int sink_rc;        /* the first failure of the sink in this response */

    /* selected folder */
    envoi_imap_mailbox mbox;
    char *mbox_name;

    /* personal namespace: prefix (UTF-8) and delimiter */
    char *ns_prefix;
    char ns_delim;

    /* folder list */
    envoi_imap_folder *folders;
    size_t nfolders;

    /* message listing of the selected folder and the reading position:
     * 0 before the first, nentries + 1 after the last */
    envoi_imap_entry *entries;
    size_t nentries, entries_cap;
    bool listed;
    size_t pos;
};

/* client.c: connecting, greeting, capabilities, STARTTLS, login. */
int imap_ready(envoi_imap *s);
void imap_close(envoi_imap *s);
bool imap_has_cap(const envoi_imap *s, const char *cap);

/* command.c: building and sending commands; the trace. */
void imap_trace_add(envoi_imap *s, const char *data, size_t len, bool secret);
void imap_trace_end(envoi_imap *s, bool sent);
void imap_cmd_init(imap_cmd *c);
void imap_cmd_free(imap_cmd *c);
/* Append text as is (atoms, numbers, sequence sets). */
void imap_cmd_add(imap_cmd *c, const char *text);
void imap_cmd_addf(imap_cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append text as is, masked in the trace (a SASL initial response). */
void imap_cmd_secret(imap_cmd *c, const char *text, size_t len);
/* Append a string argument: quoted when it can be, else a literal. */
void imap_cmd_string(imap_cmd *c, const char *data, size_t len, bool secret);
/* Append a literal (caller's bytes, kept by pointer until sent). */
void imap_cmd_literal(imap_cmd *c, const void *data, size_t len);
/* Send a command with a new tag (pipelined: no wait); *tag gets it. A
 * synchronizing literal waits for the server's "+"; when the server ends
 * the command instead, the rest is not sent and 0 is returned (imap_wait
 * then gives the result). */
int imap_send(envoi_imap *s, imap_cmd *c, unsigned *tag);
/* engine.c: the commands in flight. */
imap_pending *imap_find_pending(envoi_imap *s, unsigned tag);
/* A tagged response: its command is done, with its result kept for
 * imap_wait (ENVOI_EPROTOCOL, connection closed, for an unknown tag). */
int imap_note_tagged(envoi_imap *s, const imap_response *r);
/* Read responses until the tagged one for tag arrives; untagged ones go to
 * fn (may be NULL). Returns the command's result: 0 for OK, the class of a
 * NO/BAD with the session's error filled. */
int imap_wait(envoi_imap *s, unsigned tag, imap_untagged_fn fn, void *ctx);
/* imap_wait, but a continuation request ("+ ...") for the command is
 * handed back in *cont (the caller frees it) with 1; 0 when the command
 * ended instead (its result is then kept for imap_wait). */
int imap_wait_cont(envoi_imap *s, unsigned tag, imap_response *cont);
/* imap_send then imap_wait. */
int imap_run(envoi_imap *s, imap_cmd *c, imap_untagged_fn fn, void *ctx);
/* A command of plain text (no strings) run to its end. */
int imap_simple(envoi_imap *s, const char *text, imap_untagged_fn fn, void *ctx);
/* reader.c: read one response into *r (the caller frees it); the session's own
 * bookkeeping (EXISTS, EXPUNGE, BYE, ALERT, CAPABILITY) is done. */
int imap_read_response(envoi_imap *s, imap_response *r);
/* Record a tagged NO/BAD as the failure of `what`. */
int imap_fail_tagged(envoi_imap *s, const imap_response *r, const char *what, bool login);
/* The connection failed: describe, close, return rc. */
int imap_broken(envoi_imap *s, int rc);
/* Send raw bytes (a SASL answer, DONE): traced (masked when secret), flushed. */
int imap_send_line(envoi_imap *s, const char *line, size_t len, bool secret);

/* seqset.c: sorted unique UIDs to "1:5,7,9:12" in chunks. */
int imap_uid_sort(const uint32_t *uids, size_t n, uint32_t **out, size_t *count);
/* The sequence set of at most max UIDs from uids[*at..n), *at moved on. */
int imap_seqset(envoi_buf *out, const uint32_t *uids, size_t n, size_t *at, size_t max);

/* mailbox.c */
void imap_folders_free(envoi_imap *s);
void imap_mailbox_reset(envoi_imap *s);
int imap_need_selected(envoi_imap *s);

/* messages.c */
void imap_entries_free(envoi_imap *s);
int imap_ensure_listed(envoi_imap *s);
unsigned imap_flags_of(const imap_value *v);
/* Run verb over uids[0..n) in batches of `batch` UIDs, several commands in
 * flight: "verb SET[ tail][ folder]". The first failure is returned after
 * every command sent was answered. */
int imap_pipeline(envoi_imap *s, const uint32_t *uids, size_t n, size_t batch, const char *verb,
                  const char *tail, const char *folder, imap_untagged_fn fn, void *ctx);
/* Add a folder name (UTF-8) encoded to modified UTF-7 as a string. */
int imap_add_folder(envoi_imap *s, imap_cmd *c, const char *name);
/* A FETCH with UID and FLAGS (an answer or news from the server): the
 * listing's entry, when there is one, takes the new flags. */
void imap_note_flags(envoi_imap *s, const imap_response *r);
/* Find the entry of a UID in the sorted listing; NULL when absent. */
envoi_imap_entry *imap_entry_of(envoi_imap *s, uint32_t uid);

#endif
