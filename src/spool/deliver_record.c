/* The outcomes of a sent batch, recorded together: one transaction (one
 * fsync) for every message a worker sent over its connection, then one log
 * line per attempt and a notification to the sender of each that failed. */
#include <stdlib.h>
#include <string.h>

#include "spool/deliver_impl.h"
#include "spool/dsn.h"
#include "util/buf.h"

/* The recipients a notification names: the failed ones. A message that
 * expired has its recipients still pending marked failed by the queue
 * with their last temporary reply: those gave up (Status 5.4.7). */
static size_t dsn_rcpts(const spool_info *info, spool_dsn_rcpt *out)
{
    bool expired_msg = info->status == SPOOL_ERROR && strncmp(info->reason, "expired", 7) == 0;
    size_t n = 0;
    for (size_t i = 0; i < info->recipient_count; i++) {
        const struct spool_info_rcpt *r = &info->recipients[i];
        bool failed = r->outcome == SPOOL_OUT_FAILED;
        bool left = r->outcome == SPOOL_OUT_DEFERRED && info->status == SPOOL_ERROR;
        bool expired = (left || (failed && expired_msg)) && r->reply_code / 100 != 5;
        if (failed || left)
            out[n++] = (spool_dsn_rcpt){r->address, false, expired, r->reply_code,
                                        *r->reply ? r->reply : info->reason};
    }
    return n;
}

static void submit_dsn(dlv_worker *w, spool_lease *l, const envoi_buf *msg)
{
    spool_delivery *d = w->d;
    const char *rcpt[] = {l->from};
    spool_submission sub = {"", rcpt, 1, msg->data, msg->len, l->relay};
    char id[SPOOL_ID_SIZE];
    envoi_error err = {0};
    if (spool_queue_submit(d->q, &sub, id, &err) < 0) {
        dlv_log(d, "id=%s notification to <%s> not queued: %s", l->id, l->from, err.text);
        return;
    }
    dlv_count(d, &d->stats.dsn_queued);
    dlv_log(d, "id=%s notification to <%s> queued as %s", l->id, l->from, id);
    spool_delivery_wake(d);
}

static void queue_dsn(dlv_worker *w, spool_lease *l, const dlv_relay *r)
{
    spool_delivery *d = w->d;
    if (!spool_dsn_wanted(l->from))
        return;
    spool_info info;
    envoi_error err = {0};
    if (spool_queue_info(d->q, l->id, &info, &err) < 0) {
        dlv_log(d, "id=%s no notification: %s", l->id, err.text);
        return;
    }
    spool_dsn_rcpt *rcpts = calloc(info.recipient_count ? info.recipient_count : 1, sizeof *rcpts);
    size_t n = rcpts ? dsn_rcpts(&info, rcpts) : 0;
    if (n) {
        spool_dsn dsn = {
            d->hostname, r ? r->cfg.host : NULL, l->from, l->id, info.submitted_ms, dlv_now_ms(),
            l->source,   l->source_len,          rcpts,   n};
        envoi_buf msg = ENVOI_BUF_INIT;
        if (spool_dsn_build(&dsn, &msg) == 0)
            submit_dsn(w, l, &msg);
        else
            dlv_log(d, "id=%s notification could not be built", l->id);
        envoi_buf_free(&msg);
    }
    free(rcpts);
    spool_info_free(&info);
}

static const char *result_word(const spool_outcomes *o)
{
    if (o->sent == o->n)
        return "sent";
    if (o->failed == o->n)
        return "failed";
    if (o->deferred == o->n)
        return "deferred";
    return "partial";
}

static void log_attempt(spool_delivery *d, const spool_lease *l, const dlv_try *t,
                        const spool_record *rec)
{
    const spool_outcomes *o = &t->o;
    dlv_log(d,
            "id=%s relay=%s attempt=%u result=%s sent=%zu deferred=%zu failed=%zu status=%s "
            "reply=\"%s\"",
            l->id, t->label, l->attempts + 1, result_word(o), o->sent, o->deferred, o->failed,
            rec->rc == 0 ? spool_status_name(rec->final) : "unrecorded",
            o->summary ? o->summary : "");
    if (rec->rc < 0)
        dlv_log(d, "id=%s outcome not recorded: %s", l->id, rec->err.text);
}

void dlv_record_batch(dlv_worker *w, spool_lease *leases, dlv_try *tries, size_t count,
                      bool lease_next)
{
    spool_delivery *d = w->d;
    spool_record *recs = calloc(count ? count : 1, sizeof *recs);
    size_t *which = calloc(count ? count : 1, sizeof *which);
    if (!recs || !which) {
        /* Unrecorded: the messages stay leased until their leases end. */
        for (size_t i = 0; i < count; i++)
            if (tries[i].tried)
                dlv_log(d, "id=%s outcome not recorded: out of memory", leases[i].id);
        free(recs);
        free(which);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (!tries[i].tried)
            continue;
        recs[n] = (spool_record){.id = leases[i].id,
                                 .relay = tries[i].label,
                                 .results = tries[i].o.results,
                                 .n = tries[i].o.n};
        which[n++] = i;
    }
    /* Counted before the commit makes the outcomes visible: whoever sees a
     * message sent sees it counted. */
    for (size_t k = 0; k < n; k++)
        dlv_count(d, &d->stats.attempts);
    envoi_error err;
    if (lease_next && spool_queue_record_and_lease(d->q, w->owner, recs, n, d->batch, d->nworkers,
                                                   d->lease_ms, &w->next, &w->next_count, &err) < 0)
        dlv_log(d, "%s: cannot record and lease: %s", w->owner, err.text);
    else if (!lease_next)
        spool_queue_record_many(d->q, w->owner, recs, n, &err);
    for (size_t k = 0; k < n; k++) {
        spool_lease *l = &leases[which[k]];
        dlv_try *t = &tries[which[k]];
        log_attempt(d, l, t, &recs[k]);
        bool failed = recs[k].final == SPOOL_ERROR || (recs[k].final == SPOOL_SENT && t->o.failed);
        if (recs[k].rc == 0 && failed)
            queue_dsn(w, l, t->r);
    }
    free(recs);
    free(which);
}
