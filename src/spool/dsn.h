/* Delivery status notifications (RFC 3464): the multipart/report a spooler
 * sends back to a message's sender, with the null sender, when recipients
 * failed (or are delayed): a human-readable part, a message/delivery-status
 * part with one block per recipient, and the original message's headers. */
#ifndef ENVOI_SPOOL_DSN_H
#define ENVOI_SPOOL_DSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

typedef struct spool_dsn_rcpt {
    const char *recipient; /* addr-spec */
    bool delayed;          /* Action: delayed (still being retried) instead of failed */
    bool expired;          /* failed because it kept failing until the queue gave up */
    int reply_code;        /* the relay's reply code, 0 when there was none */
    const char *reply;     /* "550 5.1.1 words" as the relay said it, or the local cause */
} spool_dsn_rcpt;

typedef struct spool_dsn {
    const char *reporting_mta; /* this host's name; NULL: gethostname() */
    const char *remote_mta;    /* the relay's host name, NULL when unknown */
    const char *sender;        /* the original envelope sender: the DSN goes to it */
    const char *queue_id;      /* the message's spool id, NULL when none */
    int64_t arrival_ms;        /* when it was submitted (Unix ms) */
    int64_t last_attempt_ms;   /* when it was last tried, 0: now */
    const void *source;        /* the original message: its headers are returned */
    size_t source_len;
    const spool_dsn_rcpt *rcpts;
    size_t rcpt_count; /* at least one */
} spool_dsn;

/* False for the null sender ("" or "<>"): a notification is never sent
 * about a notification (no bounce loops). */
bool spool_dsn_wanted(const char *sender);

/* The RFC 3463 status of a recipient: the enhanced code at the start of the
 * reply when its class agrees with the action, else 5.4.7 for an expired
 * one, 5.0.0 for a failed one and 4.0.0 for a delayed one. out gets at
 * least 16 bytes. */
void spool_dsn_status(const spool_dsn_rcpt *r, char *out, size_t size);

/* This host's name for Reporting-MTA and MAILER-DAEMON@: gethostname()
 * when it is a plain DNS name, else "localhost". */
void spool_dsn_hostname(char *out, size_t size);

/* Append the whole notification (header, CRLF line ends) to out:
 * From: MAILER-DAEMON@<host>, To: the sender, Auto-Submitted: auto-replied,
 * multipart/report; report-type=delivery-status with a random boundary.
 * 0, ENVOI_EINVAL (no sender or recipient, or the null sender) or
 * ENVOI_ENOMEM. */
int spool_dsn_build(const spool_dsn *d, envoi_buf *out);

#endif
