/* What a delivery worker needs to reach a relay (filled by the daemon from
 * the config), and how an SMTP attempt's outcome becomes one spool_outcome
 * per recipient: 2xx sent; 4xx, timeouts, broken connections deferred; 5xx
 * failed; a 5xx to MAIL FROM or to the message fails everyone, a 4xx there
 * defers everyone. */
#ifndef ENVOI_SPOOL_RELAY_H
#define ENVOI_SPOOL_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/dkim.h"
#include "envoi/oauth.h"
#include "envoi/smtp.h"
#include "envoi/tls.h"
#include "spool/queue.h"

typedef struct spool_relay {
    const char *name; /* account name messages ask for (spool_lease.relay); NULL: "" */
    const char *host; /* server */
    unsigned port;    /* 0: the usual port for the security */
    envoi_security security;
    const char *user;         /* login, NULL: none */
    const char *password;     /* password, or NULL */
    const char *token;        /* OAuth bearer token instead of a password, or NULL */
    const char *ca_file;      /* NULL: system store */
    int ignore_cert;          /* ENVOI_IGNORE_CERT_... */
    int connect_timeout_ms;   /* 0: 30 s */
    int timeout_ms;           /* per reply or write; 0: 5 min */
    int idle_ms;              /* close a connection unused this long; 0: 30 s */
    const char *helo;         /* EHLO name; NULL: this host's name */
    unsigned max_connections; /* connections open at once over all workers; 0: one per worker */
    double rate;              /* messages per second over all workers; 0: no limit */
    envoi_dkim_signer *dkim;  /* DKIM-signs each message sent; NULL: none. Borrowed (not
                                 copied): shared read-only by the workers, it must live until
                                 the delivery has stopped */
    envoi_oauth *oauth;       /* gives the login's tokens instead of password/token; NULL:
                                 none. Borrowed and shared by the workers like dkim */
} spool_relay;

/* A deep copy of r into out (strings duplicated; free with
 * spool_relay_clear, which wipes the password and token). */
int spool_relay_copy(spool_relay *out, const spool_relay *r);
void spool_relay_clear(spool_relay *r);

/* Apply the relay's settings to a new SMTP session (partial sending on: the
 * accepted recipients get the message when others are refused). */
int spool_relay_configure(const spool_relay *r, envoi_smtp *s);

/* "name (host:port)" for logs; never the login's secret. */
int spool_relay_label(const spool_relay *r, char *out, size_t size);

/* The outcome of one attempt, per recipient: results[i] points into texts
 * owned by this record. summary is one line for the log and the history:
 * the relay's reply to the message, or the cause of the failure. */
typedef struct spool_outcomes {
    spool_rcpt_result *results;
    size_t n;
    char **texts; /* n strings the results' reply fields point to */
    char *summary;
    int reply_code; /* of the summary, 0 when none */
    size_t sent, deferred, failed;
} spool_outcomes;
void spool_outcomes_free(spool_outcomes *o);

/* Classify an attempt from what the SMTP session reported: rc returned by
 * the send, err its error (envoi_smtp_error), st/count its recipients
 * (envoi_smtp_recipients: may be NULL/0 when the send stopped before the
 * envelope), last_reply its reply to the message. rcpts/n are the
 * recipients tried, in order. 0 or ENVOI_ENOMEM. */
int spool_classify(int rc, const envoi_error *err, const envoi_rcpt_status *st, size_t count,
                   const char *last_reply, const char *const *rcpts, size_t n, spool_outcomes *out);
/* The same straight from a session after envoi_smtp_send_data returned rc. */
int spool_classify_session(const envoi_smtp *s, int rc, const char *const *rcpts, size_t n,
                           spool_outcomes *out);
/* Every recipient given the same outcome and words (local causes: no relay,
 * capture mailbox written, unknown relay name). */
int spool_outcomes_all(spool_outcome outcome, int reply_code, const char *reply,
                       const char *const *rcpts, size_t n, spool_outcomes *out);

#endif
