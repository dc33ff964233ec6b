/* Several messages over one SMTP session with the next message's envelope
 * written right after each message's end of data, before its reply
 * (RFC 2920 lets the data be followed by the next transaction's commands):
 * one round trip per message instead of two. For senders that hold many
 * messages at once, such as the spool's delivery workers. */
#ifndef ENVOI_SMTP_BATCH_H
#define ENVOI_SMTP_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/smtp.h"

typedef struct smtp_batch_item {
    const void *data; /* the source, as envoi_smtp_send_data takes it */
    size_t len;
    const char *from;
    const char *const *rcpts;
    size_t nrcpts;
} smtp_batch_item;

typedef struct smtp_batch_ops {
    /* Before item i is started (its envelope written): false stops the
     * batch there, i and the rest untried. May be NULL. */
    bool (*may_send)(void *ctx, size_t i);
    /* Item i is done: rc as envoi_smtp_send_data would return it; while
     * this runs, envoi_smtp_recipients, envoi_smtp_error and
     * envoi_smtp_last_reply describe item i. Items are done in order. */
    void (*done)(void *ctx, size_t i, int rc);
    /* The batch opened a connection (none was open, or one broke). May be
     * NULL. */
    void (*connected)(void *ctx);
    void *ctx;
} smtp_batch_ops;

/* Send items[0..n) over s, connecting when needed, in order. A connection
 * that breaks before an item got any reply to its recipients is opened
 * again once for that item (its data never went out). Each item is done
 * exactly once, unless may_send stopped the batch. Returns how many items
 * were done (those after are untried). Without PIPELINING from the server
 * (or in the asynchronous mode), items go one by one. */
size_t smtp_send_batch(envoi_smtp *s, const smtp_batch_item *items, size_t n,
                       const smtp_batch_ops *ops);

#endif
