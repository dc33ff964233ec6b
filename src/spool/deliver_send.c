/* One leased message: choose its relay and send it over the worker's open
 * connection (or to the capture maildir), keeping the outcome per recipient
 * for the batch's record (deliver_record.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static bool no_reply_yet(const envoi_smtp *s)
{
    size_t n = 0;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &n);
    for (size_t i = 0; i < n; i++)
        if (st[i].reply_code)
            return false;
    return true;
}

static int send_once(dlv_conn *c, spool_lease *l)
{
    return envoi_smtp_send_data(c->s, l->source, l->source_len, l->from,
                                (const char *const *)l->recipients, l->recipient_count);
}

/* Send over SMTP. 1 when the message was given back untried (stopping, or
 * no connection slot free), 0 with o filled otherwise. */
static int send_smtp(dlv_worker *w, dlv_relay *r, dlv_conn *c, spool_lease *l, spool_outcomes *o)
{
    spool_delivery *d = w->d;
    if (!c->slot) {
        if (!dlv_slot_take(d, r, SLOT_WAIT_MS))
            return 1;
        c->slot = true;
    }
    if (!dlv_rate_take(d, r))
        return 1;
    int rc = ensure_connected(w, r, c);
    bool reused = c->messages > 0; /* ensure_connected zeroes it for a new connection */
    if (rc < 0) {
        envoi_error oom = {.code = ENVOI_ENOMEM, .text = "out of memory"};
        rc = defer_all(l, c->s ? envoi_smtp_error(c->s) : &oom, o);
        close_conn(r, c);
        return rc < 0 ? rc : 0;
    }
    rc = send_once(c, l);
    /* A reused connection the relay closed while idle: once more, fresh. */
    if ((rc == ENVOI_ECLOSED || rc == ENVOI_EIO) && reused && no_reply_yet(c->s)) {
        drop_conn(c);
        if (ensure_connected(w, r, c) == 0)
            rc = send_once(c, l);
        else {
            rc = defer_all(l, envoi_smtp_error(c->s), o);
            close_conn(r, c);
            return rc < 0 ? rc : 0;
        }
    }
    int crc =
        spool_classify_session(c->s, rc, (const char *const *)l->recipients, l->recipient_count, o);
    if (envoi_smtp_is_connected(c->s)) {
        c->messages++;
        c->used_ms = dlv_now_ms();
    } else {
        close_conn(r, c);
    }
    return crc;
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

int dlv_attempt(dlv_worker *w, spool_lease *l, dlv_try *t)
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
        size_t idx = 0;
        dlv_relay *pick = pick_relay(d, l->relay, &idx);
        if (!pick) {
            char why[300];
            snprintf(why, sizeof why, "no relay named \"%s\" is configured", l->relay);
            t->label = "none";
            rc = spool_outcomes_all(SPOOL_OUT_DEFERRED, 0, why, (const char *const *)l->recipients,
                                    l->recipient_count, &t->o);
        } else {
            t->r = pick;
            t->label = pick->label;
            rc = send_smtp(w, pick, &w->conns[idx], l, &t->o);
        }
    }
    if (rc == 1 || rc < 0) {
        envoi_error err;
        if (spool_queue_release(d->q, l->id, w->owner, &err) < 0)
            dlv_log(d, "id=%s release failed: %s", l->id, err.text);
        else if (rc < 0)
            dlv_log(d, "id=%s given back: out of memory", l->id);
        spool_outcomes_free(&t->o);
        return rc == 1 ? 1 : 0;
    }
    t->tried = true;
    return 0;
}
