/* Per-relay limits shared by the workers: a token bucket for messages per
 * second (a burst of one second's worth) and a count of open connections. */
#include "spool/deliver_impl.h"

enum { SLOT_POLL_MS = 50 };

/* Refill and take a token; 0 when taken, else the milliseconds until one
 * is there. */
static int64_t try_take(dlv_relay *r)
{
    double rate = r->cfg.rate, cap = rate > 1 ? rate : 1;
    int64_t now = dlv_now_ms(), wait = 0;
    pthread_mutex_lock(&r->mu);
    r->tokens += (double)(now - r->refill_ms) * rate / 1000.0;
    if (r->tokens > cap)
        r->tokens = cap;
    r->refill_ms = now;
    if (r->tokens >= 1)
        r->tokens -= 1;
    else
        wait = (int64_t)((1 - r->tokens) * 1000.0 / rate) + 1;
    pthread_mutex_unlock(&r->mu);
    return wait;
}

bool dlv_rate_take(spool_delivery *d, dlv_relay *r)
{
    if (r->cfg.rate <= 0)
        return true;
    for (;;) {
        int64_t wait = try_take(r);
        if (wait == 0)
            return true;
        pthread_mutex_lock(&d->mu);
        uint64_t seen = d->wakes;
        pthread_mutex_unlock(&d->mu);
        if (dlv_wait(d, wait, seen))
            return false;
    }
}

static bool try_slot(dlv_relay *r)
{
    pthread_mutex_lock(&r->mu);
    bool ok = r->cfg.max_connections == 0 || r->open < r->cfg.max_connections;
    if (ok)
        r->open++;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

bool dlv_slot_take(spool_delivery *d, dlv_relay *r, int64_t wait_ms)
{
    int64_t until = dlv_now_ms() + wait_ms;
    for (;;) {
        if (try_slot(r))
            return true;
        if (dlv_now_ms() >= until)
            return false;
        pthread_mutex_lock(&d->mu);
        uint64_t seen = d->wakes;
        pthread_mutex_unlock(&d->mu);
        if (dlv_wait(d, SLOT_POLL_MS, seen))
            return false;
    }
}

void dlv_slot_give(dlv_relay *r)
{
    pthread_mutex_lock(&r->mu);
    if (r->open)
        r->open--;
    pthread_mutex_unlock(&r->mu);
}
