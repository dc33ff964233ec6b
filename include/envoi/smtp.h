/* envoi — the SMTP session: connect, secure, authenticate, send.
 *
 * Typical use:
 *
 *     envoi_smtp *s = envoi_smtp_new();
 *     envoi_smtp_set_server(s, "smtp.example.org", 587);
 *     envoi_smtp_set_security(s, ENVOI_SECURITY_STARTTLS);
 *     envoi_smtp_set_login(s, "user", "secret");
 *     if (envoi_smtp_send(s, msg) < 0)
 *         fprintf(stderr, "%s\n", envoi_smtp_error(s)->text);
 *     envoi_smtp_quit(s);
 *     envoi_smtp_free(s);
 *
 * envoi_smtp_send connects on first use, and several messages can be sent in
 * one session. A session belongs to one thread at a time. */
#ifndef ENVOI_SMTP_H
#define ENVOI_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim.h"
#include "error.h"
#include "message.h"
#include "oauth.h"
#include "tls.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_smtp envoi_smtp;

/* Extensions the server announced in its EHLO reply. */
enum envoi_smtp_ext {
    ENVOI_SMTP_EXT_SIZE = 1 << 0,
    ENVOI_SMTP_EXT_PIPELINING = 1 << 1,
    ENVOI_SMTP_EXT_8BITMIME = 1 << 2,
    ENVOI_SMTP_EXT_SMTPUTF8 = 1 << 3,
    ENVOI_SMTP_EXT_DSN = 1 << 4,
    ENVOI_SMTP_EXT_CHUNKING = 1 << 5,
    ENVOI_SMTP_EXT_STARTTLS = 1 << 6,
    ENVOI_SMTP_EXT_AUTH = 1 << 7,
    ENVOI_SMTP_EXT_ENHANCEDSTATUSCODES = 1 << 8,
    ENVOI_SMTP_EXT_BINARYMIME = 1 << 9,
};

/* DSN (RFC 3461) NOTIFY conditions; 0 leaves NOTIFY out. */
enum envoi_dsn_notify {
    ENVOI_DSN_NEVER = 1 << 0,
    ENVOI_DSN_SUCCESS = 1 << 1,
    ENVOI_DSN_FAILURE = 1 << 2,
    ENVOI_DSN_DELAY = 1 << 3,
};

typedef enum envoi_dsn_ret {
    ENVOI_DSN_RET_DEFAULT = 0,
    ENVOI_DSN_RET_FULL,
    ENVOI_DSN_RET_HDRS,
} envoi_dsn_ret;

/* What became of one recipient of the last message sent. */
typedef struct envoi_rcpt_status {
    const char *address;  /* as given */
    int reply_code;       /* RCPT TO reply, e.g. 250 or 550; 0 when not sent */
    const char *enhanced; /* "2.1.5", "" when none */
    const char *text;     /* the server's words */
    bool accepted;        /* RCPT accepted and the message then accepted */
} envoi_rcpt_status;

envoi_smtp *envoi_smtp_new(void);
/* Closes the connection if still open (without QUIT) and wipes secrets. */
void envoi_smtp_free(envoi_smtp *s);

/* Server and port; port 0 means 25, or 465 with ENVOI_SECURITY_TLS, or 587
 * with ENVOI_SECURITY_STARTTLS when a login is set. */
int envoi_smtp_set_server(envoi_smtp *s, const char *host, unsigned port);
int envoi_smtp_set_security(envoi_smtp *s, envoi_security security);
/* User and password for AUTH. The password is copied and wiped on free. */
int envoi_smtp_set_login(envoi_smtp *s, const char *user, const char *password);
/* OAuth 2.0 bearer token for XOAUTH2 / OAUTHBEARER, with the user. */
int envoi_smtp_set_oauth_token(envoi_smtp *s, const char *user, const char *token);
/* OAuth 2.0 with a token provider (envoi/oauth.h): each login asks it for a
 * token; when the server refuses one, it is invalidated and the login tried
 * once more with a fresh token. The provider is borrowed: it must outlive
 * the session. Replaces a password or token set before (and is replaced by
 * them). */
int envoi_smtp_set_oauth(envoi_smtp *s, const char *user, envoi_oauth *o);
/* Force a SASL mechanism ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2",
 * "OAUTHBEARER"); NULL picks the strongest both sides have. */
int envoi_smtp_set_auth_mechanism(envoi_smtp *s, const char *mechanism);
/* Allow AUTH over an unencrypted connection (refused by default). */
int envoi_smtp_set_allow_plaintext_auth(envoi_smtp *s, bool allow);
int envoi_smtp_set_ca_file(envoi_smtp *s, const char *path);
int envoi_smtp_set_crl_file(envoi_smtp *s, const char *path);
/* ENVOI_IGNORE_CERT_... flags. */
int envoi_smtp_set_ignore_cert(envoi_smtp *s, int flags);
/* Timeouts in milliseconds: connecting, and waiting for each reply or write
 * (default 10 minutes, as RFC 5321 suggests for DATA). */
int envoi_smtp_set_connect_timeout(envoi_smtp *s, int ms);
int envoi_smtp_set_timeout(envoi_smtp *s, int ms);
/* Name given in EHLO/HELO (default: this host's name). */
int envoi_smtp_set_helo_name(envoi_smtp *s, const char *name);
/* Send to the accepted recipients when some are refused (default: fail the
 * message when any recipient is refused). */
int envoi_smtp_set_partial_send(envoi_smtp *s, bool partial);
/* DSN parameters for the next messages: NOTIFY flags, RET, ENVID (may be
 * NULL). ORCPT is sent for each recipient when any NOTIFY flag is set. */
int envoi_smtp_set_dsn(envoi_smtp *s, int notify, envoi_dsn_ret ret, const char *envid);
/* Protocol trace: every line sent and received (AUTH payloads masked). */
int envoi_smtp_set_trace(envoi_smtp *s, void (*trace)(void *ctx, bool sent, const char *line),
                         void *ctx);

/* DKIM (envoi/dkim.h): from now on every message sent through the session
 * (composed, file, data, and in the asynchronous mode what the submitter
 * gets) is signed with k, its DKIM-Signature field put before the
 * message's first header field. What is signed is what goes out: line ends
 * are made CRLF first (bare LF and bare CR alike), dot-stuffing comes after.
 * k is borrowed (it must live while the session sends; a configured signer
 * may serve several sessions at once); one signer per session, a second
 * call replaces the first; NULL stops signing. A message that cannot be
 * signed (no From field, or several) fails with ENVOI_EHEADER before
 * anything of it is sent. */
int envoi_smtp_set_dkim(envoi_smtp *s, envoi_dkim_signer *k);

/* Connect, read the greeting, EHLO (HELO fallback), STARTTLS, AUTH. Called by
 * the send functions when not connected yet. */
int envoi_smtp_connect(envoi_smtp *s);
/* ENVOI_SMTP_EXT_... flags announced by the server (after connect). */
int envoi_smtp_extensions(const envoi_smtp *s);
/* The SIZE limit announced, 0 when none. */
unsigned long envoi_smtp_size_limit(const envoi_smtp *s);
/* The AUTH mechanisms announced, space separated ("" when none). */
const char *envoi_smtp_auth_mechanisms(const envoi_smtp *s);
/* The whole EHLO reply's lines after the greeting line, '\n' separated. */
const char *envoi_smtp_ehlo_lines(const envoi_smtp *s);
/* True when the connection is encrypted. */
bool envoi_smtp_is_encrypted(const envoi_smtp *s);
/* True while a connection is open (after connect, until QUIT, close or a
 * failure that ended it): the next send reuses it. */
bool envoi_smtp_is_connected(const envoi_smtp *s);

/* Send a composed message to its To, Cc and Bcc recipients. */
int envoi_smtp_send(envoi_smtp *s, envoi_message *msg);
/* Send with an explicit envelope (from may be "" for the null sender). */
int envoi_smtp_send_envelope(envoi_smtp *s, envoi_message *msg, const char *from,
                             const char *const *rcpts, size_t nrcpts);
/* Send an existing message file as is (its line ends normalized to CRLF). */
int envoi_smtp_send_file(envoi_smtp *s, const char *path, const char *from,
                         const char *const *rcpts, size_t nrcpts);
/* Send a message held in memory as is. */
int envoi_smtp_send_data(envoi_smtp *s, const void *data, size_t len, const char *from,
                         const char *const *rcpts, size_t nrcpts);

/* Per-recipient results of the last send; owned by the session, valid until
 * the next send or free. */
const envoi_rcpt_status *envoi_smtp_recipients(const envoi_smtp *s, size_t *count);
/* The server's final reply to the last message ("250 2.0.0 Ok: queued as X"). */
const char *envoi_smtp_last_reply(const envoi_smtp *s);

/* Asynchronous mode: a submitter takes each message in place of the
 * server (envoi_spool_attach sets one that queues it in a spool). It gets
 * the whole source (a composed message serialized, a file read whole, data
 * as given) with its envelope, returns 0 once it has taken the message,
 * writing its id into id (NUL-terminated, shorter than
 * ENVOI_SMTP_ID_SIZE), or a negative ENVOI_E... code with err filled. */
#define ENVOI_SMTP_ID_SIZE 64
typedef int (*envoi_smtp_submit_fn)(void *ctx, const void *data, size_t len, const char *from,
                                    const char *const *rcpts, size_t nrcpts,
                                    char id[ENVOI_SMTP_ID_SIZE], envoi_error *err);
/* While a submitter is set, the send functions hand their message to fn
 * and never connect; envoi_smtp_recipients then reports no recipient and
 * envoi_smtp_last_reply is "". The server, login, DSN and partial-send
 * settings do not apply to those messages (whoever delivers them later
 * decides). NULL fn returns to sending directly. */
int envoi_smtp_set_submitter(envoi_smtp *s, envoi_smtp_submit_fn fn, void *ctx);
/* The id the submitter gave the last message sent, "" when none (no
 * submitter, or the last send failed). */
const char *envoi_smtp_last_id(const envoi_smtp *s);

/* QUIT and close. */
int envoi_smtp_quit(envoi_smtp *s);
/* Details of the last failure. Never NULL. */
const envoi_error *envoi_smtp_error(const envoi_smtp *s);

#ifdef __cplusplus
}
#endif
#endif
