/* Where envoid's delivery workers plug in. The daemon starts the pool once
 * the queue is open and before the HTTP API listens, and stops it after the
 * API has stopped and before the queue closes. A pool leases messages from
 * the queue (spool_queue_lease), delivers them through the relay of the
 * settings (an [account] of the config; none: the capture mailbox under the
 * spool directory) and records each attempt (spool_queue_record). */
#ifndef ENVOI_DAEMON_WORKERS_H
#define ENVOI_DAEMON_WORKERS_H

#include "cli/config.h"
#include "daemon/settings.h"
#include "envoi/error.h"
#include "spool/queue.h"

/* What a pool is given; valid until its stop returns. */
typedef struct envoid_workers_ctx {
    spool_queue *queue;
    const envoid_settings *settings; /* relay, workers (pool size), dir */
    const envoi_config *config;      /* NULL when no config file was read */
} envoid_workers_ctx;

typedef struct envoid_workers_ops {
    const char *name; /* for the log */
    /* Start the pool: 0 with *state set (handed to stop), or a negative
     * ENVOI_E... code with err filled (envoid then exits without serving). */
    int (*start)(const envoid_workers_ctx *ctx, void **state, envoi_error *err);
    /* New mail was submitted: wake workers asleep (may be NULL). */
    void (*wake)(void *state);
    /* Stop the pool: finish the attempts under way or give their leases back
     * (spool_queue_release), join its threads, free state. */
    void (*stop)(void *state);
} envoid_workers_ops;

/* The delivery workers built into envoid; NULL while there are none (the
 * queue then only accepts and keeps messages: they stay pending). */
const envoid_workers_ops *envoid_workers_builtin(void);

#endif
