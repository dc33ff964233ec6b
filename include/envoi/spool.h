/* envoi — the spool: hand messages to a durable queue and ask later what
 * became of each one.
 *
 * A spool is either a directory (the queue opened in this process: the same
 * DIR/queue.db that `envoid --spool-dir DIR` delivers from) or the URL of a
 * running envoid ("http://127.0.0.1:8025"), reached over its HTTP API.
 *
 *     envoi_spool *sp = envoi_spool_open("http://127.0.0.1:8025", &err);
 *     char id[ENVOI_SPOOL_ID_SIZE];
 *     if (envoi_spool_submit(sp, msg, id) < 0)
 *         fprintf(stderr, "%s\n", envoi_spool_error(sp)->text);
 *     ...
 *     envoi_spool_state st;
 *     if (envoi_spool_status(sp, id, &st) == 0 && st.status == ENVOI_SPOOL_SENT)
 *         printf("sent: %s\n", st.reason);
 *     envoi_spool_close(sp);
 *
 * A submission returns only once the message is durable: committed and
 * synced to disk, in this process (directory) or in envoid (URL). Delivery
 * is done by envoid's workers; a directory spool nobody delivers from keeps
 * its mail pending. envoid watches the queue (inotify), so mail queued by
 * another process sharing the directory starts on its way at once (where
 * inotify is unavailable, within a second: the workers look at the queue
 * at least once a second).
 *
 * A handle may be used by several threads at once for submissions and
 * status (in directory mode their submissions share commits); settings and
 * close must not race with other calls. */
#ifndef ENVOI_SPOOL_H
#define ENVOI_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "message.h"
#include "smtp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A message id: [0-9a-z] only, NUL-terminated, shorter than this. */
#define ENVOI_SPOOL_ID_SIZE 32

typedef struct envoi_spool envoi_spool;

typedef enum envoi_spool_msg_status {
    ENVOI_SPOOL_PENDING = 0, /* waiting for its first or next try (or being tried) */
    ENVOI_SPOOL_SENT,        /* every recipient accepted by the relay */
    ENVOI_SPOOL_ERROR,       /* failed for good (5xx, or expired); reason says why */
    ENVOI_SPOOL_CANCELLED,   /* cancelled before it was sent */
} envoi_spool_msg_status;

/* What the spool knows of a message. Everything is inside the struct:
 * nothing to free. Times are Unix milliseconds, 0 when not applicable. */
typedef struct envoi_spool_state {
    envoi_spool_msg_status status;
    unsigned attempts;    /* delivery tries made so far */
    int64_t submitted_ms; /* when it was queued */
    int64_t next_try_ms;  /* pending: when it is tried next; else 0 */
    int64_t done_ms;      /* sent, error, cancelled: when; else 0 */
    char reason[1024];    /* sent: the relay's reply ("250 2.0.0 Ok: queued as ...");
                             error: why; else "" (cut at a character boundary) */
} envoi_spool_state;

/* Open a spool. where is a directory (created mode 0700 when missing) or
 * "http://HOST[:PORT][/PREFIX]" (port 80 when not given; IPv6 hosts in
 * brackets). A URL is only parsed here: the first request connects.
 * NULL on failure with err filled (err may be NULL). */
envoi_spool *envoi_spool_open(const char *where, envoi_error *err);
/* Close (directory: after the pending commits are done) and free; the
 * token is wiped. NULL is fine. */
void envoi_spool_close(envoi_spool *sp);
/* Bearer token sent with every HTTP request (copied; wiped on close or
 * replacement; NULL removes it). Ignored by directory spools. */
int envoi_spool_set_token(envoi_spool *sp, const char *token);
/* Details of the last failure. Never NULL. With several threads, the last
 * failure of any of them. */
const envoi_error *envoi_spool_error(const envoi_spool *sp);

/* Queue a composed message for its From (else Sender) address and every
 * To, Cc and Bcc recipient. The stored source is the message as
 * envoi_message_write writes it: Bcc is not in it (unless
 * envoi_message_set_write_bcc asked for it) but its recipients are in the
 * envelope. Returns once durable; id gets the message's id ("" on failure).
 * Errors: ENVOI_EADDRESS (no From, empty recipient), ENVOI_EINVAL (no
 * recipient, empty source), ENVOI_EHEADER (CR or LF in the envelope),
 * ENVOI_ETOOBIG (over the spool's size limit), ENVOI_ESTATE ("the spooler
 * is paused"), ENVOI_EFILE (the disk refused the write, e.g. full);
 * URL spools add ENVOI_ECONNECT (envoid not running), ENVOI_EAUTH (token
 * missing or wrong: 401), ENVOI_ETEMPFAIL (envoid failed: 500),
 * ENVOI_ETIMEDOUT, ENVOI_EPROTOCOL (an answer that is not envoid's); the
 * HTTP status is in the error's reply_code. Envelope addresses may be
 * mailboxes ("Name <a@b>"): the addr-spec is kept. */
int envoi_spool_submit(envoi_spool *sp, envoi_message *msg, char id[ENVOI_SPOOL_ID_SIZE]);
/* The same with an explicit envelope (from may be "" for the null sender). */
int envoi_spool_submit_envelope(envoi_spool *sp, envoi_message *msg, const char *from,
                                const char *const *rcpts, size_t nrcpts,
                                char id[ENVOI_SPOOL_ID_SIZE]);
/* Queue a message source held in memory, stored as is (CRLF line ends
 * expected; delivery normalizes them). */
int envoi_spool_submit_raw(envoi_spool *sp, const char *from, const char *const *rcpts,
                           size_t nrcpts, const void *data, size_t len,
                           char id[ENVOI_SPOOL_ID_SIZE]);

/* The state of message id. ENVOI_ENOTFOUND for an unknown id. */
int envoi_spool_status(envoi_spool *sp, const char *id, envoi_spool_state *out);
/* "pending", "sent", "error", "cancelled". Never NULL. */
const char *envoi_spool_status_name(envoi_spool_msg_status status);

/* The SMTP session's asynchronous mode: from now on envoi_smtp_send,
 * envoi_smtp_send_envelope, envoi_smtp_send_file and envoi_smtp_send_data
 * on s queue their message in sp instead of connecting (returning once it
 * is durable), and envoi_smtp_last_id(s) gives its id. sp must outlive
 * that use of s; envoi_smtp_set_submitter(s, NULL, NULL) detaches. */
int envoi_spool_attach(envoi_spool *sp, envoi_smtp *s);

#ifdef __cplusplus
}
#endif
#endif
