/* envoi — the POP3 session: connect, secure, log in, list, retrieve, delete.
 *
 * Typical use, reading the messages one after the other:
 *
 *     envoi_pop3 *s = envoi_pop3_new();
 *     envoi_pop3_set_server(s, "pop.example.org", 0);
 *     envoi_pop3_set_security(s, ENVOI_SECURITY_TLS);
 *     envoi_pop3_set_login(s, "user", "secret");
 *     envoi_message *msg;
 *     int rc = envoi_pop3_read_first(s, ENVOI_POP3_WHOLE, &msg);
 *     while (rc == 0 && !envoi_pop3_is_out(s)) {
 *         ... use msg ...
 *         envoi_message_free(msg);
 *         rc = envoi_pop3_read_next(s, ENVOI_POP3_WHOLE, &msg);
 *     }
 *     if (rc < 0)
 *         fprintf(stderr, "%s\n", envoi_pop3_error(s)->text);
 *     envoi_pop3_quit(s);
 *     envoi_pop3_free(s);
 *
 * Every call connects on first use (greeting, CAPA, STLS, login). Deletions
 * (envoi_pop3_delete) take effect only when envoi_pop3_quit ends the session
 * with the server's agreement; a session freed or broken without QUIT
 * deletes nothing. Message bodies are passed on un-dot-stuffed, with line
 * ends as the server sent them, in bounded memory whatever their size.
 *
 * Errors: the envoi_error of the session holds the server's words; its
 * `enhanced` field holds the POP3 response code (RFC 2449) when the server
 * gave one ("AUTH", "IN-USE", "SYS/TEMP", "SYS/PERM", "LOGIN-DELAY").
 * [AUTH] gives ENVOI_EAUTH; [IN-USE], [LOGIN-DELAY] and [SYS/TEMP]
 * ENVOI_ETEMPFAIL; [SYS/PERM] ENVOI_EPERMFAIL. A session belongs to one
 * thread at a time. */
#ifndef ENVOI_POP3_H
#define ENVOI_POP3_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "message.h"
#include "oauth.h"
#include "tls.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_pop3 envoi_pop3;

/* Capabilities the server announced in its CAPA reply (RFC 2449), and
 * ENVOI_POP3_CAPA_APOP when its greeting carries an APOP timestamp. */
enum envoi_pop3_capa {
    ENVOI_POP3_CAPA_TOP = 1 << 0,
    ENVOI_POP3_CAPA_UIDL = 1 << 1,
    ENVOI_POP3_CAPA_USER = 1 << 2,
    ENVOI_POP3_CAPA_SASL = 1 << 3,
    ENVOI_POP3_CAPA_STLS = 1 << 4,
    ENVOI_POP3_CAPA_PIPELINING = 1 << 5,
    ENVOI_POP3_CAPA_RESP_CODES = 1 << 6,
    ENVOI_POP3_CAPA_AUTH_RESP_CODE = 1 << 7,
    ENVOI_POP3_CAPA_EXPIRE = 1 << 8,
    ENVOI_POP3_CAPA_LOGIN_DELAY = 1 << 9,
    ENVOI_POP3_CAPA_UTF8 = 1 << 10,
    ENVOI_POP3_CAPA_APOP = 1 << 11,
};

/* What to retrieve of a message: all of it (RETR), or its header block only
 * (TOP n 0: the header fields and the blank line after them). */
typedef enum envoi_pop3_mode {
    ENVOI_POP3_WHOLE = 0,
    ENVOI_POP3_HEADERS,
} envoi_pop3_mode;

/* One message of the maildrop, as LIST and UIDL describe it. */
typedef struct envoi_pop3_entry {
    unsigned number;  /* message number in this session, from 1 */
    size_t size;      /* size in octets as LIST says (with CRLF line ends) */
    const char *uidl; /* unique id (UIDL), "" when the server gives none */
    bool deleted;     /* marked for deletion in this session */
} envoi_pop3_entry;

/* A new session with no server set; NULL when out of memory. */
envoi_pop3 *envoi_pop3_new(void);
/* Close the connection without QUIT (nothing marked is deleted), wipe the
 * secrets and free the session. The seen file is not written: call
 * envoi_pop3_save_seen or envoi_pop3_quit for that. NULL is fine. */
void envoi_pop3_free(envoi_pop3 *s);

/* ---- settings (strings are copied) --------------------------------------- */

/* Server and port; port 0 means 110, or 995 with ENVOI_SECURITY_TLS. */
int envoi_pop3_set_server(envoi_pop3 *s, const char *host, unsigned port);
/* NONE, STARTTLS (STLS, required: ENVOI_ENOTLS when the server does not
 * offer it, never a silent fall back to plain text) or TLS (implicit). */
int envoi_pop3_set_security(envoi_pop3 *s, envoi_security security);
/* User and password (USER/PASS, APOP, or SASL). The password is copied and
 * wiped on free. */
int envoi_pop3_set_login(envoi_pop3 *s, const char *user, const char *password);
/* OAuth 2.0 bearer token for SASL XOAUTH2 / OAUTHBEARER, with the user. */
int envoi_pop3_set_oauth_token(envoi_pop3 *s, const char *user, const char *token);
/* OAuth 2.0 with a token provider (envoi/oauth.h): each login asks it for a
 * token; when the server refuses one, it is invalidated and the login tried
 * once more with a fresh token. The provider is borrowed: it must outlive
 * the session. Replaces a password or token set before (and is replaced by
 * them). */
int envoi_pop3_set_oauth(envoi_pop3 *s, const char *user, envoi_oauth *o);
/* Force a login method: "USER", "APOP", or a SASL mechanism ("PLAIN",
 * "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"). NULL (the default) picks
 * the strongest both sides have: OAUTHBEARER or XOAUTH2 when a token is set,
 * else CRAM-MD5, APOP, PLAIN, LOGIN, then USER/PASS. ENVOI_ENOMECH at connect
 * when the forced method is not offered. */
int envoi_pop3_set_auth_mechanism(envoi_pop3 *s, const char *mechanism);
/* Allow logging in over an unencrypted connection (refused by default with
 * ENVOI_EAUTHPLAIN, whatever the method). */
int envoi_pop3_set_allow_plaintext_auth(envoi_pop3 *s, bool allow);
int envoi_pop3_set_ca_file(envoi_pop3 *s, const char *path);
int envoi_pop3_set_crl_file(envoi_pop3 *s, const char *path);
/* ENVOI_IGNORE_CERT_... flags. */
int envoi_pop3_set_ignore_cert(envoi_pop3 *s, int flags);
/* Timeouts in milliseconds: connecting (default 30 s), and waiting for each
 * reply or write (default 2 minutes). */
int envoi_pop3_set_connect_timeout(envoi_pop3 *s, int ms);
int envoi_pop3_set_timeout(envoi_pop3 *s, int ms);
/* Most commands in flight at once when the server offers PIPELINING
 * (default 16; 1 turns pipelining off). */
int envoi_pop3_set_pipeline_depth(envoi_pop3 *s, unsigned depth);
/* Protocol trace: every command and status line sent and received (PASS,
 * APOP digests and SASL payloads masked; message bodies and listings are not
 * traced line by line). */
int envoi_pop3_set_trace(envoi_pop3 *s, void (*trace)(void *ctx, bool sent, const char *line),
                         void *ctx);

/* ---- the session --------------------------------------------------------- */

/* Connect, read the greeting, CAPA, STLS, log in (when a login is set).
 * Called by the other calls when not connected yet. */
int envoi_pop3_connect(envoi_pop3 *s);
/* ENVOI_POP3_CAPA_... flags (after connect). */
int envoi_pop3_capabilities(const envoi_pop3 *s);
/* The CAPA reply's lines, '\n' separated ("" when CAPA was refused). */
const char *envoi_pop3_capa_lines(const envoi_pop3 *s);
/* The SASL mechanisms announced, space separated ("" when none). */
const char *envoi_pop3_auth_mechanisms(const envoi_pop3 *s);
/* The login method used ("USER", "APOP", "PLAIN"...), "" when none. */
const char *envoi_pop3_auth_method(const envoi_pop3 *s);
/* The greeting's text after "+OK ". */
const char *envoi_pop3_greeting(const envoi_pop3 *s);
/* True when the connection is encrypted. */
bool envoi_pop3_is_encrypted(const envoi_pop3 *s);
/* The text of the server's last status line (after "+OK " / "-ERR "). */
const char *envoi_pop3_last_reply(const envoi_pop3 *s);

/* ---- commands ------------------------------------------------------------ */

/* STAT: number of messages and their total size in octets. */
int envoi_pop3_stat(envoi_pop3 *s, size_t *count, size_t *octets);
/* Every message with its number, size and unique id (LIST and UIDL, both in
 * one round trip when the server offers PIPELINING). Read once per session
 * and kept: the array belongs to the session and stays valid until it is
 * freed. */
int envoi_pop3_list(envoi_pop3 *s, const envoi_pop3_entry **entries, size_t *count);
/* RETR: the message passed to write as it arrives (un-dot-stuffed, line ends
 * as received). ENVOI_ECLOSED when the connection ended before the message
 * did: what write received is then incomplete. When write fails, the rest of
 * the message is read and dropped, and write's code is returned. */
int envoi_pop3_retrieve(envoi_pop3 *s, unsigned number, envoi_write_fn write, void *ctx);
/* TOP: the header block and the first `lines` lines of the body. */
int envoi_pop3_top(envoi_pop3 *s, unsigned number, unsigned lines, envoi_write_fn write, void *ctx);

/* Callbacks of envoi_pop3_retrieve_many; each returns 0 to go on or a
 * negative code to stop. begin comes when the server accepted the command,
 * before any data (uidl "" when the server gives none, size as LIST said); end comes once per
 * message begun: status 0 when the message arrived whole (its end line read),
 * else the failure (the bytes received are then incomplete and must not be
 * treated as the message). Any callback may be NULL. */
typedef struct envoi_pop3_retrieve_cb {
    int (*begin)(void *ctx, unsigned number, const char *uidl, size_t size);
    int (*data)(void *ctx, const void *data, size_t len);
    int (*end)(void *ctx, unsigned number, int status);
} envoi_pop3_retrieve_cb;

/* Retrieve many messages by number (the maildrop is listed first when it
 * was not yet), in that order, with up to the pipeline
 * depth of RETR (or TOP n 0) commands in flight when the server offers
 * PIPELINING. A message the server refuses (-ERR) gets end with its failure
 * and the others go on; the first such failure is returned at the end. A
 * callback's failure stops the retrieval (the commands in flight are still
 * read, so the session stays usable) and is returned. A broken connection
 * ends everything with its code. */
int envoi_pop3_retrieve_many(envoi_pop3 *s, const unsigned *numbers, size_t count,
                             envoi_pop3_mode mode, const envoi_pop3_retrieve_cb *cb, void *ctx);
/* DELE: mark a message for deletion when the session ends with QUIT. */
int envoi_pop3_delete(envoi_pop3 *s, unsigned number);
/* RSET: unmark every message marked for deletion. */
int envoi_pop3_reset(envoi_pop3 *s);
int envoi_pop3_noop(envoi_pop3 *s);
/* Write the seen file when it changed, then QUIT (the server then removes
 * the messages marked for deletion) and close. ENVOI_ETEMPFAIL or
 * ENVOI_EPERMFAIL when the server says it could not remove them. 0 when not
 * connected. */
int envoi_pop3_quit(envoi_pop3 *s);
/* Details of the last failure. Never NULL. */
const envoi_error *envoi_pop3_error(const envoi_pop3 *s);

/* ---- reading one after the other ----------------------------------------- */

/* Read the first / next / previous / last message not marked for deletion
 * and hand it back parsed (envoi_message_parse; the root part's
 * envoi_part_raw gives its source as received). *out belongs to the caller
 * (envoi_message_free). Moving before the first or after the last puts the
 * session out of range: 0 is returned with *out NULL and envoi_pop3_is_out
 * true; next from before the first reads the first, previous from after the
 * last reads the last. */
int envoi_pop3_read_first(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out);
int envoi_pop3_read_next(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out);
int envoi_pop3_read_previous(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out);
int envoi_pop3_read_last(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out);
/* True when the last read went out of range (or nothing was read yet). */
bool envoi_pop3_is_out(const envoi_pop3 *s);
/* The entry of the message last read; NULL when out of range. Valid as the
 * array of envoi_pop3_list. */
const envoi_pop3_entry *envoi_pop3_current(const envoi_pop3 *s);

/* envoi_pop3_get_all flags. */
enum envoi_pop3_get_flags {
    ENVOI_POP3_UNSEEN = 1 << 0, /* only messages whose UIDL is not in the seen file */
};

/* Progress of a long retrieval: messages done of total, message bytes so
 * far. Returns 0 to go on or a negative code to stop. */
typedef int (*envoi_pop3_progress_fn)(void *ctx, size_t done, size_t total,
                                      unsigned long long bytes);
/* One message of envoi_pop3_get_all, parsed. The message belongs to the
 * session and is freed when the callback returns, unless the callback sets
 * *keep to true (it then frees it with envoi_message_free). Returns 0 to go
 * on or a negative code to stop. */
typedef int (*envoi_pop3_message_fn)(void *ctx, const envoi_pop3_entry *entry, envoi_message *msg,
                                     bool *keep);

/* Retrieve every message not marked for deletion (ENVOI_POP3_UNSEEN: not
 * seen before; ENVOI_EUNSUPPORTED when the server has no UIDL), pipelined,
 * each parsed and handed to on_message in order; progress (may be NULL)
 * after each. A message is held in memory only while it is parsed and
 * handed over. Nothing is marked seen: call envoi_pop3_mark_seen once a
 * message is saved. */
int envoi_pop3_get_all(envoi_pop3 *s, envoi_pop3_mode mode, int flags,
                       envoi_pop3_progress_fn progress, envoi_pop3_message_fn on_message,
                       void *ctx);

/* ---- messages seen before, by UIDL --------------------------------------- */

/* Remember seen UIDLs in this file (one per line; read now when it exists,
 * written by envoi_pop3_save_seen and envoi_pop3_quit). ENVOI_EFILE when
 * it exists but cannot be read. */
int envoi_pop3_set_seen_file(envoi_pop3 *s, const char *path);
/* True when uidl is in the seen set. */
bool envoi_pop3_is_seen(const envoi_pop3 *s, const char *uidl);
/* Add uidl to the seen set (in memory; call it only once the message is
 * saved for good, so that nothing counts as seen that was not kept). */
int envoi_pop3_mark_seen(envoi_pop3 *s, const char *uidl);
/* Write the seen set to the seen file when it changed, atomically (a
 * temporary file in the same folder, fsync, rename, fsync of the folder).
 * UIDLs the server no longer lists are dropped when this session listed the
 * maildrop. 0 when no seen file is set. */
int envoi_pop3_save_seen(envoi_pop3 *s);

#ifdef __cplusplus
}
#endif
#endif
