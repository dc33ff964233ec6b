/* Waiting for changes in the selected folder with IDLE (RFC 2177): new
 * messages, expunges and flag changes handed to a callback until it says
 * stop or the time is up, then DONE. */
#include <string.h>
#include <time.h>

#include "imap/session.h"
#include "util/err.h"

/* How often a quiet IDLE hands a tick to the callback. */
enum { IDLE_TICK_MS = 1000 };

struct idle {
    envoi_imap *s;
    int (*on_event)(void *ctx, const envoi_imap_event *ev);
    void *ctx;
    int stop;   /* nonzero: the callback asked to end */
    bool ended; /* the server answered the IDLE command already */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void deliver(struct idle *w, const imap_response *r)
{
    if (r->kind != IMAP_RESP_UNTAGGED || !r->has_number || r->number > UINT32_MAX)
        return;
    envoi_imap_event ev = {0};
    ev.number = (uint32_t)r->number;
    if (!strcmp(r->name, "EXISTS")) {
        ev.kind = ENVOI_IMAP_EVENT_EXISTS;
    } else if (!strcmp(r->name, "EXPUNGE")) {
        ev.kind = ENVOI_IMAP_EVENT_EXPUNGE;
    } else if (!strcmp(r->name, "FETCH")) {
        ev.kind = ENVOI_IMAP_EVENT_FLAGS;
        const imap_value *uid = imap_fetch_item(r, "UID"), *flags = imap_fetch_item(r, "FLAGS");
        if (uid && uid->kind == IMAP_NUMBER && uid->number <= UINT32_MAX)
            ev.uid = (uint32_t)uid->number;
        if (flags)
            ev.flags = imap_flags_of(flags);
    } else {
        return;
    }
    if (!w->stop && w->on_event)
        w->stop = w->on_event(w->ctx, &ev);
}

static void tick(struct idle *w)
{
    envoi_imap_event ev = {ENVOI_IMAP_EVENT_TICK, 0, 0, 0};
    if (!w->stop && w->on_event)
        w->stop = w->on_event(w->ctx, &ev);
}

static int on_untagged(void *ctx, const imap_response *r, bool streamed)
{
    (void)streamed;
    deliver(ctx, r);
    return 0;
}

/* Read what the server sends while idling until the callback stops or
 * the deadline passes. */
static int listen_until(struct idle *w, long long deadline)
{
    envoi_imap *s = w->s;
    int io_ms = s->ep.io_ms;
    int slice = io_ms > 0 && io_ms < IDLE_TICK_MS ? io_ms : IDLE_TICK_MS;
    while (!w->stop) {
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        envoi_conn_set_timeout(s->conn, left < slice ? (int)left : slice);
        s->soft_timeout = true;
        imap_response r;
        int rc = imap_read_response(s, &r);
        s->soft_timeout = false;
        if (rc == ENVOI_ETIMEDOUT && s->conn) {
            tick(w);
            continue;
        }
        if (rc < 0)
            return rc;
        if (r.kind == IMAP_RESP_TAGGED) { /* the server ended the IDLE itself */
            rc = imap_note_tagged(s, &r);
            imap_response_free(&r);
            if (rc < 0)
                return rc;
            w->ended = true;
            break;
        }
        if (r.kind != IMAP_RESP_UNTAGGED) {
            imap_response_free(&r);
            envoi_err_set(&s->err, ENVOI_EPROTOCOL, "unexpected response while idling");
            imap_close(s);
            return ENVOI_EPROTOCOL;
        }
        deliver(w, &r);
        imap_response_free(&r);
    }
    envoi_conn_set_timeout(s->conn, io_ms);
    return 0;
}

int envoi_imap_idle(envoi_imap *s, int timeout_ms,
                    int (*on_event)(void *ctx, const envoi_imap_event *ev), void *ctx)
{
    if (timeout_ms <= 0)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "timeout must be positive");
    int rc = imap_need_selected(s);
    if (rc < 0)
        return rc;
    if (!imap_has_cap(s, "IDLE"))
        return envoi_err_set(&s->err, ENVOI_EUNSUPPORTED, "the server does not offer IDLE");
    long long deadline = now_ms() + timeout_ms;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, "IDLE");
    unsigned tag = 0;
    rc = imap_send(s, &c, &tag);
    imap_cmd_free(&c);
    if (rc < 0)
        return rc;
    imap_response cont;
    struct idle w = {s, on_event, ctx, 0, false};
    /* Untagged data before the continuation is delivered too. */
    s->sink = NULL;
    rc = imap_wait_cont(s, tag, &cont);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return imap_wait(s, tag, on_untagged, &w);
    imap_response_free(&cont);
    rc = listen_until(&w, deadline);
    if (rc < 0)
        return rc;
    if (!w.ended && (rc = imap_send_line(s, "DONE", 4, false)) < 0)
        return rc;
    rc = imap_wait(s, tag, on_untagged, &w);
    if (rc < 0)
        return rc;
    return w.stop < 0 ? w.stop : 0;
}
