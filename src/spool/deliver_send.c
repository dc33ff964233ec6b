/* One leased message: choose its relay and send it over the worker's open
 * connection (or to the capture maildir), keeping the outcome per recipient
 * for the batch's record (deliver_record.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/batch.h"
#include "spool/deliver_impl.h"
#include "util/buf.h"

enum { DEFAULT_IDLE_MS = 30 * 1000, SLOT_WAIT_MS = 1000 };

static int64_t idle_ms(const dlv_relay *r)
{
    return r->cfg.idle_ms > 0 ? r->cfg.idle_ms : DEFAULT_IDLE_MS;
}

/* QUIT when still connected; the connection slot is kept. */
static void drop_conn(dlv_conn *c)
{
    if (c->s && envoi_smtp_is_connected(c->s))
        envoi_smtp_quit(c->s);
    c->messages = 0;
}

/* Drop the connection and give its slot back. */
static void close_conn(dlv_relay *r, dlv_conn *c)
{
    drop_conn(c);
    if (c->slot)
        dlv_slot_give(r);
    c->slot = false;
}

void dlv_close_idle(dlv_worker *w, bool force)
{
    int64_t now = dlv_now_ms();
    for (size_t i = 0; i < w->d->nrelays; i++) {
        dlv_conn *c = &w->conns[i];
        dlv_relay *r = &w->d->relays[i];
        bool open = c->s && envoi_smtp_is_connected(c->s);
        if (force || (open && now - c->used_ms > idle_ms(r)) || (!open && c->slot))
            close_conn(r, c);
    }
}

static dlv_relay *pick_relay(spool_delivery *d, const char *name, size_t *idx)
{
    if (!name || !*name) {
        *idx = 0;
        return &d->relays[0];
    }
    for (size_t i = 0; i < d->nrelays; i++)
        if (d->relays[i].cfg.name && strcmp(d->relays[i].cfg.name, name) == 0) {
            *idx = i;
            return &d->relays[i];
        }
    return NULL;
}

static int defer_all(spool_lease *l, const envoi_error *err, spool_outcomes *o)
{
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = err->reply_code ? envoi_buf_printf(&b, "%03d %s%s%s", err->reply_code, err->enhanced,
                                                *err->enhanced ? " " : "", err->text)
                             : envoi_buf_append_str(&b, err->text);
    if (rc == 0)
        rc = spool_outcomes_all(SPOOL_OUT_DEFERRED, err->reply_code, b.data,
                                (const char *const *)l->recipients, l->recipient_count, o);
    envoi_buf_free(&b);
    return rc;
}

/* A connection open and ready: reuse it, or open a new one (counted).
 * 0, or the failure with the session's error. */
static int ensure_connected(dlv_worker *w, dlv_relay *r, dlv_conn *c)
{
    if (c->s && envoi_smtp_is_connected(c->s) && dlv_now_ms() - c->used_ms <= idle_ms(r))
        return 0;
    drop_conn(c);
    if (!c->s) {
        c->s = envoi_smtp_new();
        if (!c->s)
            return ENVOI_ENOMEM;
        int crc = spool_relay_configure(&r->cfg, c->s);
        if (crc < 0)
            return crc;
    }
    int rc = envoi_smtp_connect(c->s);
    if (rc == 0)
        dlv_count(w->d, &w->d->stats.connections);
    return rc;
}

/* A run of messages for one relay, pipelined over the worker's connection. */
typedef struct run {
    dlv_worker *w;
    dlv_relay *r;
    dlv_conn *c;
    spool_lease *leases;
    dlv_try *tries;
} run;

static bool run_may_send(void *ctx, size_t i)
{
    (void)i;
    run *u = ctx;
    return !dlv_stopping(u->w->d) && dlv_rate_take(u->w->d, u->r);
}

static void run_connected(void *ctx)
{
    run *u = ctx;
    dlv_count(u->w->d, &u->w->d->stats.connections);
}

static void give_back(dlv_worker *w, spool_lease *l, const char *why)
{
    envoi_error err;
    if (spool_queue_release(w->d->q, l->id, w->owner, &err) < 0)
        dlv_log(w->d, "id=%s release failed: %s", l->id, err.text);
    else if (why)
        dlv_log(w->d, "id=%s given back: %s", l->id, why);
}

static void run_done(void *ctx, size_t i, int rc)
{
    run *u = ctx;
    spool_lease *l = &u->leases[i];
    dlv_try *t = &u->tries[i];
    t->r = u->r;
    t->label = u->r->label;
    if (spool_classify_session(u->c->s, rc, (const char *const *)l->recipients, l->recipient_count,
                               &t->o) < 0) {
        spool_outcomes_free(&t->o);
        give_back(u->w, l, "out of memory");
        return;
    }
    t->tried = true;
}

/* Defer every message of the run with the connection's failure. */
static void defer_run(run *u, size_t n, const envoi_error *err)
{
    for (size_t k = 0; k < n; k++) {
        dlv_try *t = &u->tries[k];
        t->r = u->r;
        t->label = u->r->label;
        if (defer_all(&u->leases[k], err, &t->o) < 0) {
            spool_outcomes_free(&t->o);
            give_back(u->w, &u->leases[k], "out of memory");
        } else {
            t->tried = true;
        }
    }
}

/* Send n leases for relay r over the worker's connection c in one
 * pipelined batch. Returns how many were handled; *given_back when the
 * last of them went back untried (no connection slot, stopping). */
static size_t send_run(dlv_worker *w, dlv_relay *r, dlv_conn *c, spool_lease *l, dlv_try *t,
                       size_t n, bool *given_back)
{
    spool_delivery *d = w->d;
    run u = {w, r, c, l, t};
    if (!c->slot) {
        if (!dlv_slot_take(d, r, SLOT_WAIT_MS)) {
            give_back(w, &l[0], NULL);
            *given_back = true;
            return 1;
        }
        c->slot = true;
    }
    int rc = ensure_connected(w, r, c);
    if (rc < 0) {
        envoi_error oom = {.code = ENVOI_ENOMEM, .text = "out of memory"};
        defer_run(&u, n, c->s ? envoi_smtp_error(c->s) : &oom);
        close_conn(r, c);
        return n;
    }
    smtp_batch_item *items = calloc(n, sizeof *items);
    if (!items) {
        give_back(w, &l[0], "out of memory");
        *given_back = true;
        return 1;
    }
    for (size_t k = 0; k < n; k++)
        items[k] = (smtp_batch_item){l[k].source, l[k].source_len, l[k].from,
                                     (const char *const *)l[k].recipients, l[k].recipient_count};
    smtp_batch_ops ops = {
        .may_send = run_may_send, .done = run_done, .connected = run_connected, .ctx = &u};
    size_t done = smtp_send_batch(c->s, items, n, &ops);
    free(items);
    if (done < n) { /* stopping: the next one goes back with the rest */
        give_back(w, &l[done], NULL);
        *given_back = true;
        done++;
    }
    if (envoi_smtp_is_connected(c->s)) {
        c->messages += (unsigned)done;
        c->used_ms = dlv_now_ms();
    } else {
        close_conn(r, c);
    }
    return done;
}

static int capture(spool_delivery *d, spool_lease *l, spool_outcomes *o)
{
    envoi_error err = {0};
    int rc = spool_capture_write(d->capture_dir, l->id, l->from, (const char *const *)l->recipients,
                                 l->recipient_count, l->source, l->source_len, NULL, 0, &err);
    if (rc == 0)
        return spool_outcomes_all(SPOOL_OUT_SENT, 250, "captured",
                                  (const char *const *)l->recipients, l->recipient_count, o);
    return spool_outcomes_all(SPOOL_OUT_DEFERRED, 0, err.text, (const char *const *)l->recipients,
                              l->recipient_count, o);
}

/* A message that goes nowhere over SMTP: to the capture mailbox, or
 * deferred for want of a relay (none configured, or not the one it names). */
static void attempt_local(dlv_worker *w, spool_lease *l, dlv_try *t)
{
    spool_delivery *d = w->d;
    memset(t, 0, sizeof *t);
    t->label = "capture";
    int rc;
    if (d->nrelays == 0 && d->capture_dir) {
        rc = capture(d, l, &t->o);
    } else if (d->nrelays == 0) {
        rc = spool_outcomes_all(SPOOL_OUT_DEFERRED, 0, "no relay configured",
                                (const char *const *)l->recipients, l->recipient_count, &t->o);
    } else {
        char why[300];
        snprintf(why, sizeof why, "no relay named \"%s\" is configured", l->relay);
        t->label = "none";
        rc = spool_outcomes_all(SPOOL_OUT_DEFERRED, 0, why, (const char *const *)l->recipients,
                                l->recipient_count, &t->o);
    }
    if (rc < 0) {
        spool_outcomes_free(&t->o);
        give_back(w, l, "out of memory");
        return;
    }
    t->tried = true;
}

size_t dlv_attempt_many(dlv_worker *w, spool_lease *leases, dlv_try *tries, size_t count,
                        bool *given_back)
{
    spool_delivery *d = w->d;
    size_t i = 0;
    *given_back = false;
    while (i < count && !*given_back && !dlv_stopping(d)) {
        size_t idx = 0;
        dlv_relay *r = d->nrelays ? pick_relay(d, leases[i].relay, &idx) : NULL;
        if (!r) {
            attempt_local(w, &leases[i], &tries[i]);
            i++;
            continue;
        }
        size_t n = 1, other = 0;
        while (i + n < count && pick_relay(d, leases[i + n].relay, &other) == r)
            n++;
        i += send_run(w, r, &w->conns[idx], &leases[i], &tries[i], n, given_back);
    }
    return i;
}
