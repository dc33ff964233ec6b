/* A run of messages over one session. While the reply to one message's end
 * of data is awaited, the next message's transaction is begun aside (its
 * envelope written at once) and swapped in once the reply is read: the
 * state machine of client.c then goes on with it as with any pipelined
 * envelope. */
#include "smtp/batch.h"

#include <string.h>

#include "smtp/session.h"
#include "util/err.h"

typedef struct batch {
    envoi_smtp *s;
    const smtp_batch_item *items;
    size_t n;
    const smtp_batch_ops *ops;
    size_t granted;      /* items below this one were allowed by may_send */
    bool close_after;    /* a write of the next envelope failed: start afresh */
    smtp_body bodies[2]; /* the current item's and the next one's */
} batch;

static smtp_body *body_of(batch *b, size_t i)
{
    return &b->bodies[i % 2];
}

static bool may_send(batch *b, size_t i)
{
    if (i < b->granted)
        return true;
    if (b->ops->may_send && !b->ops->may_send(b->ops->ctx, i))
        return false;
    b->granted = i + 1;
    return true;
}

/* Item i's body, measured; its transaction begun in s->t. */
static int begin_txn(batch *b, size_t i)
{
    const smtp_batch_item *it = &b->items[i];
    smtp_body *body = body_of(b, i);
    *body = (smtp_body){
        .kind = SMTP_BODY_MEM, .data = it->data ? it->data : "", .len = it->len, .fd = -1};
    int rc = smtp_body_prepare(b->s, body);
    return rc < 0 ? rc : smtp_txn_begin(b->s, body, it->from, it->rcpts, it->nrcpts);
}

/* Start item i the ordinary way: connect when needed, envelope out.
 * *at_connect is set when the connection could not be opened. */
static int start_item(batch *b, size_t i, bool *at_connect)
{
    envoi_smtp *s = b->s;
    smtp_txn_clear(s);
    envoi_buf_clear(&s->last_reply);
    bool was_open = s->state != SMTP_DISCONNECTED;
    int rc = envoi_smtp_connect(s);
    *at_connect = rc < 0;
    if (rc < 0)
        return rc;
    if (!was_open && b->ops->connected)
        b->ops->connected(b->ops->ctx);
    envoi_err_clear(&s->err);
    rc = begin_txn(b, i);
    if (rc == 0)
        rc = smtp_enter(s, SMTP_MAIL);
    if (rc < 0 && s->state == SMTP_MAIL)
        smtp_close(s, false);
    return rc;
}

/* Free a transaction held aside. */
static void drop_txn(batch *b, struct smtp_txn *t, size_t i)
{
    struct smtp_txn keep = b->s->t;
    b->s->t = *t;
    smtp_txn_clear(b->s);
    envoi_buf_free(&b->s->t.from_wire);
    b->s->t = keep;
    smtp_body_release(body_of(b, i));
}

/* While item i's end of data awaits its reply: begin item j = i + 1 aside
 * and write its envelope. True when *next holds it. */
static bool send_next_early(batch *b, size_t j, struct smtp_txn *next)
{
    envoi_smtp *s = b->s;
    if (j >= b->n || !s->t.pipelined || s->t.aborting || !may_send(b, j))
        return false;
    struct smtp_txn cur = s->t;
    envoi_error err = s->err;
    memset(&s->t, 0, sizeof s->t);
    int rc = begin_txn(b, j);
    bool written = false;
    if (rc == 0) {
        written = true;
        rc = smtp_send_envelope(s);
    }
    *next = s->t;
    s->t = cur;
    s->err = err; /* item i's, whatever happened to j */
    if (rc == 0)
        return true;
    /* Not begun (it fails again, and is reported, when started in turn), or
     * half written: the connection is then no longer in step. */
    b->close_after = written;
    drop_txn(b, next, j);
    return false;
}

/* Item i is over: report it, free its transaction. */
static void finish_item(batch *b, size_t i, int rc)
{
    envoi_smtp *s = b->s;
    if (s->t.txn_rc) {
        rc = s->t.txn_rc;
        s->err = s->t.txn_err;
    }
    smtp_txn_end(s, rc);
    b->ops->done(b->ops->ctx, i, rc);
    smtp_body_release(body_of(b, i));
    smtp_txn_clear(s);
}

/* The connection broke before any recipient of item i had an answer: its
 * data never went out, it may go again on a new connection. */
static bool worth_again(const envoi_smtp *s, int rc)
{
    return (rc == ENVOI_ECLOSED || rc == ENVOI_EIO) && s->state == SMTP_DISCONNECTED &&
           s->t.rcpt_done == 0;
}

/* One by one, for the asynchronous mode. */
static size_t send_each(batch *b)
{
    size_t i = 0;
    for (; i < b->n && may_send(b, i); i++) {
        const smtp_batch_item *it = &b->items[i];
        int rc = envoi_smtp_send_data(b->s, it->data, it->len, it->from, it->rcpts, it->nrcpts);
        b->ops->done(b->ops->ctx, i, rc);
    }
    return i;
}

/* The rest of the batch when the relay cannot be reached: each item gets
 * the same failure, without a connection attempt each. */
static size_t fail_rest(batch *b, size_t i, int rc)
{
    envoi_error err = b->s->err;
    for (; i < b->n && may_send(b, i); i++) {
        b->s->err = err;
        b->ops->done(b->ops->ctx, i, rc);
    }
    return i;
}

size_t smtp_send_batch(envoi_smtp *s, const smtp_batch_item *items, size_t n,
                       const smtp_batch_ops *ops)
{
    batch b = {.s = s, .items = items, .n = n, .ops = ops};
    if (s->submit)
        return send_each(&b);
    size_t i = 0;
    bool started = false; /* item i is in s->t, its envelope out */
    bool again = false;   /* item i already went again on a new connection */
    while (i < n) {
        if (!started) {
            bool at_connect = false;
            if (!may_send(&b, i))
                break;
            int rc = start_item(&b, i, &at_connect);
            if (at_connect && !again)
                return fail_rest(&b, i, rc);
            if (rc < 0) {
                finish_item(&b, i++, rc);
                again = false;
                continue;
            }
        }
        started = false;
        struct smtp_txn next;
        bool have_next = false;
        int rc = smtp_run_either(s, SMTP_BODY, SMTP_READY);
        if (rc == 0 && s->state == SMTP_BODY) {
            have_next = send_next_early(&b, i + 1, &next);
            rc = smtp_run(s, SMTP_READY);
        }
        if (!again && worth_again(s, rc)) {
            if (have_next)
                drop_txn(&b, &next, i + 1);
            smtp_body_release(body_of(&b, i));
            again = true;
            continue;
        }
        finish_item(&b, i++, rc);
        again = false;
        if (b.close_after && s->state != SMTP_DISCONNECTED)
            smtp_close(s, false);
        b.close_after = false;
        if (have_next && s->state == SMTP_READY) {
            envoi_buf_free(&s->t.from_wire); /* cleared, still allocated */
            s->t = next;
            s->state = SMTP_MAIL;
            started = true;
        } else if (have_next) {
            drop_txn(&b, &next, i); /* its envelope died with the connection */
        }
    }
    return i;
}
