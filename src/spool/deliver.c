/* The delivery pool: starting and stopping the worker threads, each one's
 * loop (lease a batch of due messages, send them, record their outcomes
 * together, sleep until the next is due or a submission wakes it), and the
 * shared helpers (clock, log, waiting). */
#include "spool/deliver.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spool/deliver_impl.h"
#include "util/buf.h"

enum {
    DEFAULT_BATCH = 128,
    DEFAULT_LEASE_MS = 15 * 60 * 1000,
    DEFAULT_SLEEP_MS = 1000,
    MIN_SLEEP_MS = 5,
};

int64_t dlv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dlv_log(spool_delivery *d, const char *fmt, ...)
{
    if (!d->log)
        return;
    envoi_buf b = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc == 0)
        d->log(d->log_ctx, b.data);
    envoi_buf_free(&b);
}

bool dlv_stopping(spool_delivery *d)
{
    pthread_mutex_lock(&d->mu);
    bool stop = d->stopping;
    pthread_mutex_unlock(&d->mu);
    return stop;
}

void dlv_count(spool_delivery *d, uint64_t *counter)
{
    pthread_mutex_lock(&d->mu);
    (*counter)++;
    pthread_mutex_unlock(&d->mu);
}

bool dlv_wait(spool_delivery *d, int64_t ms, uint64_t seen_wakes)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    if (ms < 0)
        ms = 0;
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&d->mu);
    int rc = 0;
    while (!d->stopping && d->wakes == seen_wakes && rc == 0)
        rc = pthread_cond_timedwait(&d->cv, &d->mu, &until);
    bool stop = d->stopping;
    pthread_mutex_unlock(&d->mu);
    return stop;
}

static uint64_t wakes_now(spool_delivery *d)
{
    pthread_mutex_lock(&d->mu);
    uint64_t w = d->wakes;
    pthread_mutex_unlock(&d->mu);
    return w;
}

/* Give back the leases not started (stopping). */
static void release_rest(dlv_worker *w, spool_lease *leases, size_t from, size_t count)
{
    for (size_t i = from; i < count; i++) {
        envoi_error err;
        if (spool_queue_release(w->d->q, leases[i].id, w->owner, &err) < 0)
            dlv_log(w->d, "id=%s release failed: %s", leases[i].id, err.text);
    }
}

static void free_batch(spool_lease *leases, dlv_try *tries, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        spool_lease_free(&leases[k]);
        if (tries)
            spool_outcomes_free(&tries[k].o);
    }
    free(leases);
    free(tries);
}

/* Lease a batch (a fair share of what is due), send it over the worker's
 * connection, then record every outcome at once; the number leased, or -1
 * on a queue error or when messages had to be given back untried. */
static long run_batch(dlv_worker *w)
{
    spool_delivery *d = w->d;
    spool_lease *leases = w->next;
    size_t count = w->next_count;
    envoi_error err;
    w->next = NULL;
    w->next_count = 0;
    if (!leases && spool_queue_lease_share(d->q, w->owner, d->batch, d->nworkers, d->lease_ms,
                                           &leases, &count, &err) < 0) {
        dlv_log(d, "%s: cannot lease messages: %s", w->owner, err.text);
        return -1;
    }
    if (count == 0)
        return 0;
    dlv_try *tries = calloc(count, sizeof *tries);
    size_t i = 0;
    bool given_back = false;
    if (tries)
        i = dlv_attempt_many(w, leases, tries, count, &given_back);
    if (tries)
        dlv_record_batch(w, leases, tries, i, !given_back && !dlv_stopping(d));
    release_rest(w, leases, i, count);
    free_batch(leases, tries, count);
    /* No connection slot: leave the messages to the workers that have one
     * for a while, rather than lease them straight back. */
    return given_back || !tries ? -1 : (long)count;
}

/* Take back the leases this worker's name still holds: a process that died
 * (a crash) left them, and they would wait until they end. */
static void reclaim_leases(dlv_worker *w)
{
    size_t n = 0;
    envoi_error err;
    if (spool_queue_release_owner(w->d->q, w->owner, &n, &err) < 0)
        dlv_log(w->d, "%s: cannot take back earlier leases: %s", w->owner, err.text);
    else if (n)
        dlv_log(w->d, "%s: %zu message(s) leased before a restart given back", w->owner, n);
}

static void *worker_main(void *arg)
{
    dlv_worker *w = arg;
    spool_delivery *d = w->d;
    char name[16]; /* the kernel keeps 15 characters */
    snprintf(name, sizeof name, "spool-dlv-%u", (unsigned)(w - d->workers) + 1);
    pthread_setname_np(pthread_self(), name);
    reclaim_leases(w);
    while (!dlv_stopping(d)) {
        uint64_t seen = wakes_now(d);
        long got = run_batch(w);
        if (got > 0)
            continue;
        dlv_close_idle(w, false);
        int64_t due = got < 0 ? (int64_t)d->max_sleep_ms : spool_queue_next_due_ms(d->q);
        if (due < 0 || due > (int64_t)d->max_sleep_ms)
            due = d->max_sleep_ms;
        if (due < MIN_SLEEP_MS) /* due now, yet nothing leased: another worker won */
            due = MIN_SLEEP_MS;
        if (dlv_wait(d, due, seen))
            break;
    }
    release_rest(w, w->next, 0, w->next_count); /* leased, never started */
    free_batch(w->next, NULL, w->next_count);
    w->next = NULL;
    w->next_count = 0;
    dlv_close_idle(w, true);
    return NULL;
}

static void free_delivery(spool_delivery *d)
{
    for (unsigned i = 0; d->workers && i < d->nworkers; i++) {
        dlv_worker *w = &d->workers[i];
        for (size_t k = 0; w->conns && k < d->nrelays; k++)
            envoi_smtp_free(w->conns[k].s);
        free(w->conns);
    }
    free(d->workers);
    for (size_t i = 0; d->relays && i < d->nrelays; i++) {
        spool_relay_clear(&d->relays[i].cfg);
        pthread_mutex_destroy(&d->relays[i].mu);
    }
    free(d->relays);
    free(d->capture_dir);
    free(d->hostname);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

static int set_options(spool_delivery *d, const spool_delivery_opts *o)
{
    spool_delivery_opts none = {0};
    if (!o)
        o = &none;
    d->log = o->log;
    d->log_ctx = o->log_ctx;
    d->batch = o->lease_batch ? o->lease_batch : DEFAULT_BATCH;
    d->lease_ms = o->lease_ms > 0 ? o->lease_ms : DEFAULT_LEASE_MS;
    d->max_sleep_ms = o->max_sleep_ms ? o->max_sleep_ms : DEFAULT_SLEEP_MS;
    if (o->capture_dir && !(d->capture_dir = strdup(o->capture_dir)))
        return ENVOI_ENOMEM;
    if (o->hostname && !(d->hostname = strdup(o->hostname)))
        return ENVOI_ENOMEM;
    return 0;
}

static int copy_relays(spool_delivery *d, const spool_relay *relays, size_t n)
{
    d->relays = calloc(n ? n : 1, sizeof *d->relays);
    if (!d->relays)
        return ENVOI_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        dlv_relay *r = &d->relays[i];
        if (!relays[i].host || !*relays[i].host)
            return ENVOI_EINVAL;
        pthread_mutex_init(&r->mu, NULL);
        d->nrelays = i + 1;
        if (spool_relay_copy(&r->cfg, &relays[i]) < 0)
            return ENVOI_ENOMEM;
        spool_relay_label(&r->cfg, r->label, sizeof r->label);
        r->tokens = r->cfg.rate > 1 ? r->cfg.rate : 1;
        r->refill_ms = dlv_now_ms();
    }
    return 0;
}

static int make_workers(spool_delivery *d, unsigned n, const char *owner)
{
    d->workers = calloc(n, sizeof *d->workers);
    if (!d->workers)
        return ENVOI_ENOMEM;
    d->nworkers = n;
    for (unsigned i = 0; i < n; i++) {
        dlv_worker *w = &d->workers[i];
        w->d = d;
        snprintf(w->owner, sizeof w->owner, "%s-%u", owner, i + 1);
        w->conns = calloc(d->nrelays ? d->nrelays : 1, sizeof *w->conns);
        if (!w->conns)
            return ENVOI_ENOMEM;
    }
    return 0;
}

int spool_delivery_start(spool_queue *q, const spool_relay *relays, size_t n, unsigned workers,
                         const char *owner, const spool_delivery_opts *opts, spool_delivery **out)
{
    *out = NULL;
    if (!q || (n && !relays))
        return ENVOI_EINVAL;
    spool_delivery *d = calloc(1, sizeof *d);
    if (!d)
        return ENVOI_ENOMEM;
    d->q = q;
    pthread_mutex_init(&d->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cv, &ca);
    pthread_condattr_destroy(&ca);
    int rc = set_options(d, opts);
    if (rc == 0)
        rc = copy_relays(d, relays, n);
    if (rc == 0)
        rc = make_workers(d, workers ? workers : 1, owner && *owner ? owner : "envoid");
    for (unsigned i = 0; rc == 0 && i < d->nworkers; i++) {
        if (pthread_create(&d->workers[i].thread, NULL, worker_main, &d->workers[i]) != 0) {
            rc = ENVOI_ENOMEM;
            break;
        }
        d->workers[i].started = true;
    }
    if (rc < 0) {
        spool_delivery_stop(d);
        return rc;
    }
    *out = d;
    return 0;
}

void spool_delivery_wake(spool_delivery *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->wakes++;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
}

void spool_delivery_stop(spool_delivery *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stopping = true;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
    for (unsigned i = 0; d->workers && i < d->nworkers; i++)
        if (d->workers[i].started)
            pthread_join(d->workers[i].thread, NULL);
    free_delivery(d);
}

void spool_delivery_get_stats(spool_delivery *d, spool_delivery_stats *out)
{
    pthread_mutex_lock(&d->mu);
    *out = d->stats;
    pthread_mutex_unlock(&d->mu);
}
