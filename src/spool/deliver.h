/* Delivery workers: a pool of threads that lease due messages from the
 * queue in batches, send each through its relay over a connection kept open
 * and reused for many messages, record the outcomes per recipient of the
 * whole batch in one transaction, and queue a delivery status notification
 * to the sender of a message that failed. With no relay configured,
 * messages go to a capture maildir instead.
 *
 * Delivered twice? A message is recorded sent only after the relay accepted
 * it, and the outcomes of a batch are committed together once the batch has
 * been sent. A crash (or power loss) after the relay accepted a message and
 * before that commit leaves it pending, leased until its lease ends: it is
 * then sent again. That window covers the messages of one batch per worker
 * (at most lease_batch each); nothing acknowledged is ever lost. */
#ifndef ENVOI_SPOOL_DELIVER_H
#define ENVOI_SPOOL_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "spool/queue.h"
#include "spool/relay.h"

typedef struct spool_delivery spool_delivery;

/* One line per delivery attempt ("id=... relay=... result=... reply=..."),
 * and the workers' own troubles; never a secret. Called from the workers'
 * threads (serialize in the callee if needed). */
typedef void (*spool_log_fn)(void *ctx, const char *line);

typedef struct spool_delivery_opts {
    const char *capture_dir; /* maildir of the capture relay (used when there is no relay);
                                NULL: deliveries with no relay are deferred */
    spool_log_fn log;        /* NULL: no log */
    void *log_ctx;
    const char *hostname;  /* for notifications' Reporting-MTA; NULL: this host's name */
    size_t lease_batch;    /* most messages leased, sent and recorded at a time per worker
                              (each takes at most due / workers + 1); 0: 128 */
    int64_t lease_ms;      /* how long a lease lasts; 0: 15 minutes */
    unsigned max_sleep_ms; /* longest sleep between looks at the queue; 0: 1000 */
} spool_delivery_opts;

/* Start `workers` threads (0: one) named owner-1, owner-2... (owner NULL:
 * "envoid") delivering from q through relays[0..n) (copied: the caller's
 * strings may go). A message asks for a relay by name (spool_lease.relay);
 * NULL takes relays[0]; a name not configured defers it with that reason.
 * n == 0 delivers everything to opts->capture_dir. opts may be NULL. Each
 * worker first takes back the leases its name still holds (left by a
 * process that died holding them): no other live pool on the same queue may
 * use the same owner. 0, or ENVOI_EINVAL / ENVOI_ENOMEM (nothing started). */
int spool_delivery_start(spool_queue *q, const spool_relay *relays, size_t n, unsigned workers,
                         const char *owner, const spool_delivery_opts *opts, spool_delivery **out);

/* New mail was submitted: workers asleep look at the queue at once. */
void spool_delivery_wake(spool_delivery *d);

/* Graceful stop: each worker finishes the message in hand, gives its other
 * leased messages back (spool_queue_release), says QUIT, and ends; then
 * everything is freed (passwords wiped). NULL is fine. */
void spool_delivery_stop(spool_delivery *d);

/* Counters for tests and the dashboard. */
typedef struct spool_delivery_stats {
    uint64_t attempts;    /* messages tried (sent, deferred or failed) */
    uint64_t connections; /* SMTP connections opened */
    uint64_t dsn_queued;  /* notifications submitted */
} spool_delivery_stats;
void spool_delivery_get_stats(spool_delivery *d, spool_delivery_stats *out);

/* Write one message into a maildir (dir/tmp, then dir/new, both fsynced),
 * with Return-Path and X-Envoi-Envelope-To lines first; the name is
 * returned in name (may be NULL). 0 or ENVOI_EFILE with err filled. */
int spool_capture_write(const char *dir, const char *id, const char *from, const char *const *rcpts,
                        size_t n, const void *source, size_t len, char *name, size_t name_size,
                        envoi_error *err);

#endif
