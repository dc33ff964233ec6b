/* envoi — the IMAP session: connect, secure, log in, manage folders, search,
 * fetch, flag, copy, move, append and wait for new mail (IMAP4rev1, with the
 * extensions servers commonly offer: LITERAL+, SASL-IR, UIDPLUS, MOVE,
 * SPECIAL-USE, IDLE, ID).
 *
 * Typical use, reading the messages of INBOX one after the other:
 *
 *     envoi_imap *s = envoi_imap_new();
 *     envoi_imap_set_server(s, "imap.example.org", 0);
 *     envoi_imap_set_security(s, ENVOI_SECURITY_TLS);
 *     envoi_imap_set_login(s, "user", "secret");
 *     envoi_imap_select(s, "INBOX", true);
 *     envoi_message *msg;
 *     int rc = envoi_imap_read_first(s, ENVOI_IMAP_WHOLE, &msg);
 *     while (rc == 0 && !envoi_imap_is_out(s)) {
 *         ... use msg ...
 *         envoi_message_free(msg);
 *         rc = envoi_imap_read_next(s, ENVOI_IMAP_WHOLE, &msg);
 *     }
 *     envoi_imap_logout(s);
 *     envoi_imap_free(s);
 *
 * Every call connects on first use (greeting, CAPABILITY, STARTTLS, login);
 * after a broken connection the next call connects again, with no folder
 * selected.
 * Messages are named by UID in the selected folder. Message bodies are
 * streamed to callbacks as they arrive, in bounded memory whatever their
 * size (when a server names the UID only after the body, a body fetched
 * with others is held up to the literal limit); other literals from the
 * server are held up to a limit (envoi_imap_set_max_literal).
 *
 * Errors: the envoi_error of the session holds the server's words; its
 * `enhanced` field holds the response code in brackets when the server gave
 * one ("TRYCREATE", "NONEXISTENT", "AUTHENTICATIONFAILED"; cut to the
 * field's 31 characters). A tagged NO is
 * ENVOI_EPERMFAIL ([UNAVAILABLE], [INUSE], [LIMIT]: ENVOI_ETEMPFAIL); a NO
 * to the login or [AUTHENTICATIONFAILED] ENVOI_EAUTH; BAD ENVOI_EPROTOCOL;
 * a BYE while a command is under way ENVOI_ECLOSED. A session belongs to
 * one thread at a time. */
#ifndef ENVOI_IMAP_H
#define ENVOI_IMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"
#include "message.h"
#include "oauth.h"
#include "tls.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_imap envoi_imap;

/* What to retrieve of a message: all of it (BODY.PEEK[]) or its header
 * block (BODY.PEEK[HEADER]: the fields and the blank line after them). */
typedef enum envoi_imap_mode {
    ENVOI_IMAP_WHOLE = 0,
    ENVOI_IMAP_HEADERS,
} envoi_imap_mode;

/* Message flags (system flags; keywords are strings). */
enum envoi_imap_flag {
    ENVOI_IMAP_SEEN = 1 << 0,
    ENVOI_IMAP_ANSWERED = 1 << 1,
    ENVOI_IMAP_FLAGGED = 1 << 2,
    ENVOI_IMAP_DELETED = 1 << 3,
    ENVOI_IMAP_DRAFT = 1 << 4,
    ENVOI_IMAP_RECENT = 1 << 5, /* read only */
};

/* Folder attributes from LIST (RFC 3501, RFC 6154 special use). */
enum envoi_imap_folder_attr {
    ENVOI_IMAP_NOSELECT = 1 << 0,
    ENVOI_IMAP_NOINFERIORS = 1 << 1,
    ENVOI_IMAP_HASCHILDREN = 1 << 2,
    ENVOI_IMAP_HASNOCHILDREN = 1 << 3,
    ENVOI_IMAP_MARKED = 1 << 4,
    ENVOI_IMAP_UNMARKED = 1 << 5,
    ENVOI_IMAP_SUBSCRIBED = 1 << 6,
    ENVOI_IMAP_NONEXISTENT = 1 << 7,
    ENVOI_IMAP_SENT = 1 << 8,
    ENVOI_IMAP_TRASH = 1 << 9,
    ENVOI_IMAP_DRAFTS = 1 << 10,
    ENVOI_IMAP_JUNK = 1 << 11,
    ENVOI_IMAP_ARCHIVE = 1 << 12,
    ENVOI_IMAP_ALL = 1 << 13,
    ENVOI_IMAP_FLAGGED_FOLDER = 1 << 14,
};

/* One folder as LIST describes it. */
typedef struct envoi_imap_folder {
    const char *name; /* UTF-8 (decoded from modified UTF-7) */
    const char *wire; /* as the server names it on the wire */
    char delimiter;   /* hierarchy delimiter, '\0' when flat */
    int attrs;        /* ENVOI_IMAP_... folder attributes */
} envoi_imap_folder;

/* STATUS of a folder (fields the server did not give are 0). */
typedef struct envoi_imap_status {
    uint32_t messages, recent, uidnext, uidvalidity, unseen;
} envoi_imap_status;

/* The selected folder, as SELECT / EXAMINE and later untagged data say. */
typedef struct envoi_imap_mailbox {
    const char *name; /* UTF-8 */
    uint32_t exists, recent, uidvalidity, uidnext, unseen;
    unsigned flags;          /* ENVOI_IMAP_... system flags the folder knows */
    unsigned permanentflags; /* those that can be changed for good */
    bool read_only;
} envoi_imap_mailbox;

/* One message of the selected folder. */
typedef struct envoi_imap_entry {
    uint32_t uid;
    uint64_t size;          /* RFC822.SIZE */
    unsigned flags;         /* ENVOI_IMAP_... flags */
    const char *keywords;   /* other flags, space separated ("" when none) */
    time_t internal_date;   /* UTC seconds, 0 when unknown */
    const char *from;       /* first From address: "Name <a@b>" or "a@b" (UTF-8), "" */
    const char *subject;    /* decoded to UTF-8, "" when none */
    const char *date;       /* the Date field as written, "" when none */
    const char *message_id; /* with its angle brackets, "" when none */
} envoi_imap_entry;

/* A new session with no server set; NULL when out of memory. */
envoi_imap *envoi_imap_new(void);
/* Close the connection (without LOGOUT), wipe the secrets and free. NULL is
 * fine. */
void envoi_imap_free(envoi_imap *s);

/* ---- settings (strings are copied) --------------------------------------- */

/* Server and port; port 0 means 143, or 993 with ENVOI_SECURITY_TLS. */
int envoi_imap_set_server(envoi_imap *s, const char *host, unsigned port);
/* NONE, STARTTLS (required: ENVOI_ENOTLS when the server does not offer it,
 * never a silent fall back to plain text) or TLS (implicit). */
int envoi_imap_set_security(envoi_imap *s, envoi_security security);
/* User and password; the password is copied and wiped on free. */
int envoi_imap_set_login(envoi_imap *s, const char *user, const char *password);
/* OAuth 2.0 bearer token for SASL XOAUTH2 / OAUTHBEARER, with the user. */
int envoi_imap_set_oauth_token(envoi_imap *s, const char *user, const char *token);
/* OAuth 2.0 with a token provider (envoi/oauth.h): each login asks it for a
 * token; when the server refuses one, it is invalidated and the login tried
 * once more with a fresh token. The provider is borrowed: it must outlive
 * the session. Replaces a password or token set before (and is replaced by
 * them). */
int envoi_imap_set_oauth(envoi_imap *s, const char *user, envoi_oauth *o);
/* Force a login method: "LOGIN-COMMAND" (the IMAP LOGIN command) or a SASL
 * mechanism for AUTHENTICATE ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2",
 * "OAUTHBEARER"). NULL (the default) picks the strongest SASL mechanism both
 * sides have (OAUTHBEARER or XOAUTH2 with a token; else CRAM-MD5, PLAIN,
 * LOGIN), else the LOGIN command unless the server says LOGINDISABLED.
 * ENVOI_ENOMECH at connect when the forced method is not offered. */
int envoi_imap_set_auth_mechanism(envoi_imap *s, const char *mechanism);
/* Allow logging in over an unencrypted connection (refused by default with
 * ENVOI_EAUTHPLAIN). */
int envoi_imap_set_allow_plaintext_auth(envoi_imap *s, bool allow);
int envoi_imap_set_ca_file(envoi_imap *s, const char *path);
int envoi_imap_set_crl_file(envoi_imap *s, const char *path);
/* ENVOI_IGNORE_CERT_... flags. */
int envoi_imap_set_ignore_cert(envoi_imap *s, int flags);
/* Timeouts in milliseconds: connecting (default 30 s), and waiting for each
 * response or write (default 2 minutes). */
int envoi_imap_set_connect_timeout(envoi_imap *s, int ms);
int envoi_imap_set_timeout(envoi_imap *s, int ms);
/* Most commands in flight at once (default 8; 1 turns pipelining off). */
int envoi_imap_set_pipeline_depth(envoi_imap *s, unsigned depth);
/* Largest literal held in memory (default 64 MiB); message bodies streamed
 * to a callback are not bounded by it. A larger literal is ENVOI_EPROTOCOL. */
int envoi_imap_set_max_literal(envoi_imap *s, uint64_t bytes);
/* Protocol trace: every command and response line (passwords and SASL
 * payloads masked; literal data shown as its size only). */
int envoi_imap_set_trace(envoi_imap *s, void (*trace)(void *ctx, bool sent, const char *line),
                         void *ctx);
/* Send ID (RFC 2971) with this name and version after login when the server
 * offers it; NULL (the default) sends none. */
int envoi_imap_set_client_id(envoi_imap *s, const char *name, const char *version);

/* ---- the session --------------------------------------------------------- */

/* Connect, read the greeting, CAPABILITY, STARTTLS, log in. Called by the
 * other calls when not connected yet. */
int envoi_imap_connect(envoi_imap *s);
/* The capabilities announced last (after login), space separated. */
const char *envoi_imap_capabilities(const envoi_imap *s);
/* True when the server announced cap ("MOVE", "AUTH=PLAIN"; any case). */
bool envoi_imap_has_capability(const envoi_imap *s, const char *cap);
/* The login method used ("LOGIN-COMMAND", "PLAIN"...; "PREAUTH"), "" when none. */
const char *envoi_imap_auth_method(const envoi_imap *s);
/* The greeting's text. */
const char *envoi_imap_greeting(const envoi_imap *s);
bool envoi_imap_is_encrypted(const envoi_imap *s);
/* The text of the last tagged response. */
const char *envoi_imap_last_reply(const envoi_imap *s);
/* The [ALERT] texts the server sent so far in this session, one per line
 * ("" when none): they are meant to be shown to the user. */
const char *envoi_imap_alerts(const envoi_imap *s);
/* Details of the last failure. Never NULL. */
const envoi_error *envoi_imap_error(const envoi_imap *s);
int envoi_imap_noop(envoi_imap *s);
/* LOGOUT and close. 0 when not connected. */
int envoi_imap_logout(envoi_imap *s);

/* ---- folders (names in UTF-8) -------------------------------------------- */

/* LIST "" "*": every folder. The array belongs to the session and stays
 * valid until the next envoi_imap_list or free. */
int envoi_imap_list(envoi_imap *s, const envoi_imap_folder **folders, size_t *count);
/* The first folder with a special-use attribute (ENVOI_IMAP_SENT, _TRASH,
 * _DRAFTS, _JUNK, _ARCHIVE...), from the last LIST (made now when none was):
 * its UTF-8 name, valid as envoi_imap_list's array; NULL when no folder
 * has it (or the LIST failed: see envoi_imap_error). */
const char *envoi_imap_special_folder(envoi_imap *s, int attr);
/* The personal namespace (RFC 2342): the prefix new top-level folders take
 * ("" on most servers, "INBOX." on some) and its delimiter ('\0' when
 * flat). Without NAMESPACE: "" and the delimiter LIST gives for INBOX.
 * *prefix belongs to the session. */
int envoi_imap_namespace(envoi_imap *s, const char **prefix, char *delimiter);
int envoi_imap_create(envoi_imap *s, const char *name);
int envoi_imap_delete(envoi_imap *s, const char *name);
int envoi_imap_rename(envoi_imap *s, const char *from, const char *to);
int envoi_imap_subscribe(envoi_imap *s, const char *name);
int envoi_imap_unsubscribe(envoi_imap *s, const char *name);
/* STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN; recent stays 0: IMAP4rev2
 * servers no longer count it). */
int envoi_imap_status_of(envoi_imap *s, const char *name, envoi_imap_status *out);
/* SELECT (read_only false) or EXAMINE (true). */
int envoi_imap_select(envoi_imap *s, const char *name, bool read_only);
/* Leave the selected folder: CLOSE (which also removes the messages
 * flagged \Deleted) when expunge is true, else UNSELECT (RFC 3691; without
 * it, ENVOI_EUNSUPPORTED and the folder stays selected). 0 when none is
 * selected. */
int envoi_imap_unselect(envoi_imap *s, bool expunge);
/* The selected folder; NULL when none. Updated by EXISTS / EXPUNGE. */
const envoi_imap_mailbox *envoi_imap_selected(const envoi_imap *s);

/* ---- messages of the selected folder, by UID ------------------------------ */

/* Search criteria: each set field narrows the search (all are ANDed); an
 * empty criteria matches every message. */
typedef struct envoi_imap_criteria {
    bool unseen;
    bool flagged;
    bool deleted;
    const char *from, *to, *subject, *text; /* substring, UTF-8 */
    time_t since, before;                   /* by internal date (day), 0: none */
} envoi_imap_criteria;

/* UID SEARCH: the UIDs found, ascending, in *uids (malloc'd, free()). */
int envoi_imap_search(envoi_imap *s, const envoi_imap_criteria *c, uint32_t **uids, size_t *count);
/* UID SEARCH with criteria as written in IMAP ("UNSEEN FROM \"x\""), ASCII
 * only, no line break, balanced parentheses and quotes (ENVOI_EINVAL). */
int envoi_imap_search_raw(envoi_imap *s, const char *criteria, uint32_t **uids, size_t *count);

/* The UIDs above `after` (new mail since a UID seen before), ascending:
 * UID SEARCH UID after+1:*, without the highest UID servers add to such a
 * range even when it is not above `after`. */
int envoi_imap_uids_after(envoi_imap *s, uint32_t after, uint32_t **uids, size_t *count);

/* The messages of the selected folder (uids NULL: all of them; else those
 * UIDs) with UID, size, flags, internal date and envelope, batched and
 * pipelined, ordered by UID. A snapshot: flag changes the server reports
 * are followed, new messages are not (list again). The array belongs to the
 * session and stays valid until the next listing, select, move, expunge or
 * free (the reading position then starts over). */
int envoi_imap_list_messages(envoi_imap *s, const uint32_t *uids, size_t n,
                             const envoi_imap_entry **entries, size_t *count);
/* Every message of the selected folder with UID, size and flags only (from,
 * subject, date and message_id "", internal_date 0): about a tenth of the
 * data, for callers that retrieve the messages anyway. The reading model
 * lists again with envelopes when it is used afterwards. */
int envoi_imap_list_brief(envoi_imap *s, const envoi_imap_entry **entries, size_t *count);

/* One message (or its header block) passed to write as it arrives.
 * ENVOI_EPERMFAIL when no message has this UID. */
int envoi_imap_retrieve(envoi_imap *s, uint32_t uid, envoi_imap_mode mode, envoi_write_fn write,
                        void *ctx);
/* One part: BODY.PEEK[section] ("1", "1.2", "2.HEADER", "TEXT"...), as the
 * server sends it (still in its transfer encoding). */
int envoi_imap_fetch_part(envoi_imap *s, uint32_t uid, const char *section, envoi_write_fn write,
                          void *ctx);

/* Callbacks of envoi_imap_retrieve_many, each returning 0 to go on or a
 * negative code to stop. begin comes before a message's data, with its size;
 * end once per message begun: status 0 when it arrived whole, else the
 * failure (the bytes received must then not be treated as the message). A
 * UID the server has not (any more) gets begin with size 0 and end with
 * ENVOI_EPERMFAIL. Any callback may be NULL. */
typedef struct envoi_imap_retrieve_cb {
    int (*begin)(void *ctx, uint32_t uid, uint64_t size);
    int (*data)(void *ctx, const void *data, size_t len);
    int (*end)(void *ctx, uint32_t uid, int status);
} envoi_imap_retrieve_cb;

/* Retrieve many messages in ascending UID order, many per UID FETCH and
 * several commands in flight. A callback's failure stops the retrieval (what
 * is in flight is still read, so the session stays usable) and is returned;
 * otherwise the first message missing is returned (ENVOI_EPERMFAIL) after
 * all the others. */
int envoi_imap_retrieve_many(envoi_imap *s, const uint32_t *uids, size_t count,
                             envoi_imap_mode mode, const envoi_imap_retrieve_cb *cb, void *ctx);

/* ---- reading one after the other ----------------------------------------- */

/* Read the first / next / previous / last message of the selected folder
 * (by UID, from envoi_imap_list_messages, listed on first use) parsed with
 * envoi_message_parse; *out belongs to the caller. Moving past either end
 * gives 0 with *out NULL and envoi_imap_is_out true. Messages are fetched
 * with BODY.PEEK: reading does not set \Seen. */
int envoi_imap_read_first(envoi_imap *s, envoi_imap_mode mode, envoi_message **out);
int envoi_imap_read_next(envoi_imap *s, envoi_imap_mode mode, envoi_message **out);
int envoi_imap_read_previous(envoi_imap *s, envoi_imap_mode mode, envoi_message **out);
int envoi_imap_read_last(envoi_imap *s, envoi_imap_mode mode, envoi_message **out);
bool envoi_imap_is_out(const envoi_imap *s);
/* The entry of the message last read; NULL when out of range. */
const envoi_imap_entry *envoi_imap_current(const envoi_imap *s);

/* envoi_imap_get_all flags. */
enum envoi_imap_get_flags {
    ENVOI_IMAP_UNSEEN_ONLY = 1 << 0, /* only messages without \Seen */
};
typedef int (*envoi_imap_progress_fn)(void *ctx, size_t done, size_t total,
                                      unsigned long long bytes);
/* One message of envoi_imap_get_all, parsed; freed when the callback
 * returns unless it sets *keep (then the callback owns it). */
typedef int (*envoi_imap_message_fn)(void *ctx, const envoi_imap_entry *entry, envoi_message *msg,
                                     bool *keep);
/* Retrieve every message of the selected folder (or those without \Seen),
 * pipelined, each parsed and handed over in UID order; progress (may be
 * NULL) after each. Nothing is flagged \Seen. */
int envoi_imap_get_all(envoi_imap *s, envoi_imap_mode mode, int flags,
                       envoi_imap_progress_fn progress, envoi_imap_message_fn on_message,
                       void *ctx);

/* ---- changing messages ----------------------------------------------------- */

/* UID STORE +FLAGS.SILENT (add) or -FLAGS.SILENT: ENVOI_IMAP_... flags and
 * keywords (space separated atoms, may be NULL). */
int envoi_imap_store_flags(envoi_imap *s, const uint32_t *uids, size_t n, bool add, unsigned flags,
                           const char *keywords);
/* UID COPY / UID MOVE to a folder. Without MOVE: COPY, then \Deleted and
 * UID EXPUNGE of those UIDs when the server has UIDPLUS, else EXPUNGE (which
 * also removes other messages already marked \Deleted). */
int envoi_imap_copy(envoi_imap *s, const uint32_t *uids, size_t n, const char *folder);
int envoi_imap_move(envoi_imap *s, const uint32_t *uids, size_t n, const char *folder);
/* EXPUNGE (uids NULL) or UID EXPUNGE of those UIDs (needs UIDPLUS). */
int envoi_imap_expunge(envoi_imap *s, const uint32_t *uids, size_t n);
/* APPEND a message source (CRLF line ends) with flags and internal date
 * (0: the server's now). *uid (may be NULL) gets the new UID when the
 * server says it (APPENDUID), else 0. */
int envoi_imap_append(envoi_imap *s, const char *folder, const void *data, size_t len,
                      unsigned flags, time_t date, uint32_t *uid);
/* APPEND a message built with envoi (serialized first). */
int envoi_imap_append_message(envoi_imap *s, const char *folder, envoi_message *msg, unsigned flags,
                              time_t date, uint32_t *uid);

/* ---- waiting for changes ----------------------------------------------------- */

typedef enum envoi_imap_event_kind {
    ENVOI_IMAP_EVENT_EXISTS,  /* number: the new message count */
    ENVOI_IMAP_EVENT_EXPUNGE, /* number: the sequence number removed */
    ENVOI_IMAP_EVENT_FLAGS,   /* number: a sequence number; uid, flags when given */
    ENVOI_IMAP_EVENT_TICK,    /* nothing came for about a second (lets the
                                 callback stop the wait: a signal, a deadline) */
} envoi_imap_event_kind;

typedef struct envoi_imap_event {
    envoi_imap_event_kind kind;
    uint32_t number;
    uint32_t uid;
    unsigned flags;
} envoi_imap_event;

/* IDLE (RFC 2177) until on_event returns nonzero (a negative code is
 * returned as is, a positive value ends with 0) or timeout_ms passes (0
 * returned); the caller calls again to go on waiting (servers end an IDLE
 * after 30 minutes: keep timeout_ms below that). While nothing comes,
 * on_event gets ENVOI_IMAP_EVENT_TICK about every second. ENVOI_ESTATE
 * when no folder is selected, ENVOI_EUNSUPPORTED when the server has no
 * IDLE. */
int envoi_imap_idle(envoi_imap *s, int timeout_ms,
                    int (*on_event)(void *ctx, const envoi_imap_event *ev), void *ctx);

#ifdef __cplusplus
}
#endif
#endif
