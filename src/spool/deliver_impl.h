/* The insides of the delivery pool, shared by deliver*.c: relays with their
 * token buckets and connection slots, workers with their sessions. */
#ifndef ENVOI_SPOOL_DELIVER_IMPL_H
#define ENVOI_SPOOL_DELIVER_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "envoi/smtp.h"
#include "spool/deliver.h"

typedef struct dlv_relay {
    spool_relay cfg;
    char label[300];
    pthread_mutex_t mu;
    double tokens;     /* rate limit: messages that may go now */
    int64_t refill_ms; /* when tokens were last refilled */
    unsigned open;     /* connections open over all workers */
} dlv_relay;

typedef struct dlv_conn {
    envoi_smtp *s;
    bool connected;    /* a connection is (believed) open */
    bool slot;         /* holds one of the relay's connection slots */
    int64_t used_ms;   /* last message sent over it */
    unsigned messages; /* messages sent over the current connection */
} dlv_conn;

typedef struct dlv_worker {
    struct spool_delivery *d;
    pthread_t thread;
    bool started;
    char owner[96];
    dlv_conn *conns; /* one per relay */
    /* The next batch, leased in the transaction that recorded the last. */
    spool_lease *next;
    size_t next_count;
} dlv_worker;

struct spool_delivery {
    spool_queue *q;
    dlv_relay *relays;
    size_t nrelays;
    dlv_worker *workers;
    unsigned nworkers;
    char *capture_dir;
    char *hostname;
    spool_log_fn log;
    void *log_ctx;
    size_t batch;
    int64_t lease_ms;
    unsigned max_sleep_ms;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
    uint64_t wakes;
    spool_delivery_stats stats;
};

int64_t dlv_now_ms(void);
void dlv_log(struct spool_delivery *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sleep up to ms, or until woken or stopping; true when stopping. */
bool dlv_wait(struct spool_delivery *d, int64_t ms, uint64_t seen_wakes);
bool dlv_stopping(struct spool_delivery *d);
void dlv_count(struct spool_delivery *d, uint64_t *counter);

/* One message of a leased batch once tried: its outcome per recipient and
 * the relay it went through, kept until the batch is recorded. */
typedef struct dlv_try {
    bool tried;         /* false: not tried (given back, or not reached) */
    spool_outcomes o;   /* when tried */
    const dlv_relay *r; /* NULL: capture, or no relay */
    const char *label;
} dlv_try;

/* deliver_send.c: try the leased messages in order, from relay choice to
 * the outcome in tries[k] (tries[k].tried), not yet recorded; the runs of
 * messages for the same relay go pipelined over the worker's connection to
 * it (smtp/batch.h). Returns how many were handled; *given_back when the
 * last of those went back untried (no connection slot free, or stopping):
 * the rest of the batch goes back too. A message given back for want of
 * memory is handled with tries[k].tried false. */
size_t dlv_attempt_many(dlv_worker *w, spool_lease *leases, dlv_try *tries, size_t count,
                        bool *given_back);
/* deliver_record.c: record the outcomes of every tried message of a batch
 * in one transaction, log each attempt, queue the notifications. With
 * lease_next, the same transaction leases the worker's next batch into
 * w->next (one commit per batch instead of two). */
void dlv_record_batch(dlv_worker *w, spool_lease *leases, dlv_try *tries, size_t count,
                      bool lease_next);
/* Close connections unused longer than their relay's idle time (all when
 * force). */
void dlv_close_idle(dlv_worker *w, bool force);

/* deliver_rate.c: take one token of the relay's bucket, waiting for it;
 * false when stopping. Connection slots: take one (waiting at most
 * wait_ms), give it back. */
bool dlv_rate_take(struct spool_delivery *d, dlv_relay *r);
bool dlv_slot_take(struct spool_delivery *d, dlv_relay *r, int64_t wait_ms);
void dlv_slot_give(dlv_relay *r);

#endif
