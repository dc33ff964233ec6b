/* Retrieving messages: RETR and TOP streamed through a write callback, and
 * many messages with a window of commands in flight when the server
 * pipelines (a round trip per message otherwise). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pop3/session.h"
#include "proto/dotted.h"
#include "util/err.h"

/* A status or body read failed: the conversation is out of step. */
static int lost(envoi_pop3 *s, int rc, const char *what)
{
    if (rc == ENVOI_EPROTOCOL || rc == ENVOI_ENOMEM) {
        pop3_close(s, false);
        return rc;
    }
    return pop3_broken(s, rc, what);
}

static int fetch_one(envoi_pop3 *s, const char *cmd, envoi_write_fn write, void *ctx)
{
    int rc = pop3_simple(s, cmd, cmd);
    if (rc < 0)
        return rc;
    rc = envoi_pp_read_dotted(&s->pp, write, ctx);
    if (rc < 0 && s->err.code == rc &&
        (rc == ENVOI_ECLOSED || rc == ENVOI_ETIMEDOUT || rc == ENVOI_EIO || rc == ENVOI_ETLS))
        return lost(s, rc, cmd);
    if (rc < 0 && s->err.code != rc)
        envoi_err_set(&s->err, rc, "receiving the message stopped: %s", envoi_strerror(rc));
    return rc;
}

int envoi_pop3_retrieve(envoi_pop3 *s, unsigned number, envoi_write_fn write, void *ctx)
{
    if (number == 0)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "message numbers start at 1");
    char cmd[32];
    snprintf(cmd, sizeof cmd, "RETR %u", number);
    return fetch_one(s, cmd, write, ctx);
}

int envoi_pop3_top(envoi_pop3 *s, unsigned number, unsigned lines, envoi_write_fn write, void *ctx)
{
    if (number == 0)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "message numbers start at 1");
    char cmd[48];
    snprintf(cmd, sizeof cmd, "TOP %u %u", number, lines);
    return fetch_one(s, cmd, write, ctx);
}

struct many {
    envoi_pop3 *s;
    const unsigned *numbers;
    size_t count;
    envoi_pop3_mode mode;
    const envoi_pop3_retrieve_cb *cb;
    void *ctx;
    size_t sent, done;
    int stop;    /* a callback's failure: no more commands, drain the rest */
    int refused; /* the first message the server refused */
};

static int send_next(struct many *m)
{
    char cmd[48];
    unsigned n = m->numbers[m->sent];
    if (m->mode == ENVOI_POP3_HEADERS)
        snprintf(cmd, sizeof cmd, "TOP %u 0", n);
    else
        snprintf(cmd, sizeof cmd, "RETR %u", n);
    m->sent++;
    return envoi_pp_send(&m->s->pp, cmd, strlen(cmd), SIZE_MAX);
}

static int data_cb(void *ctx, const void *data, size_t len)
{
    struct many *m = ctx;
    return m->cb->data ? m->cb->data(m->ctx, data, len) : 0;
}

/* One message's status and body. Connection failures come back as such;
 * callback failures end up in m->stop. */
static int read_one(struct many *m)
{
    envoi_pop3 *s = m->s;
    unsigned number = m->numbers[m->done];
    int rc = pop3_read_status(s);
    if (rc < 0)
        return lost(s, rc, m->mode == ENVOI_POP3_HEADERS ? "TOP" : "RETR");
    bool draining = m->stop != 0;
    int cb_rc = 0;
    if (!draining && m->cb->begin) {
        envoi_pop3_entry *e = pop3_entry(s, number);
        cb_rc = m->cb->begin(m->ctx, number, e && e->uidl ? e->uidl : "", e ? e->size : 0);
    }
    if (!s->st.ok) {
        char what[64];
        snprintf(what, sizeof what, "message %u refused", number);
        int code = pop3_fail_status(s, ENVOI_EPERMFAIL, what);
        if (!m->refused)
            m->refused = code;
        if (!draining && !cb_rc && m->cb->end)
            cb_rc = m->cb->end(m->ctx, number, code);
    } else {
        rc = envoi_pp_read_dotted(&s->pp, draining || cb_rc ? NULL : data_cb, m);
        bool broken =
            rc < 0 && s->err.code == rc &&
            (rc == ENVOI_ECLOSED || rc == ENVOI_ETIMEDOUT || rc == ENVOI_EIO || rc == ENVOI_ETLS);
        if (broken) {
            char text[sizeof s->err.text];
            memcpy(text, s->err.text, sizeof text);
            envoi_err_set(&s->err, rc, "message %u: %.1000s", number, text);
            if (!draining && !cb_rc && m->cb->end)
                m->cb->end(m->ctx, number, rc);
            pop3_close(s, false);
            return rc;
        }
        if (!draining && !cb_rc)
            cb_rc = rc < 0 ? rc : m->cb->end ? m->cb->end(m->ctx, number, 0) : 0;
    }
    if (cb_rc < 0 && !m->stop)
        m->stop = cb_rc;
    m->done++;
    return 0;
}

int envoi_pop3_retrieve_many(envoi_pop3 *s, const unsigned *numbers, size_t count,
                             envoi_pop3_mode mode, const envoi_pop3_retrieve_cb *cb, void *ctx)
{
    static const envoi_pop3_retrieve_cb none = {0};
    if (count && !numbers)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no message numbers");
    for (size_t i = 0; i < count; i++)
        if (numbers[i] == 0)
            return envoi_err_set(&s->err, ENVOI_EINVAL, "message numbers start at 1");
    int rc = pop3_ensure_listed(s); /* begin gets each message's UIDL and size */
    if (rc < 0)
        return rc;
    envoi_err_clear(&s->err);
    if (mode == ENVOI_POP3_HEADERS && s->capa_known && !(s->caps.flags & ENVOI_POP3_CAPA_TOP))
        return envoi_err_set(&s->err, ENVOI_EUNSUPPORTED,
                             "the server does not offer TOP (headers only)");
    struct many m = {s, numbers, count, mode, cb ? cb : &none, ctx, 0, 0, 0, 0};
    size_t window = (s->caps.flags & ENVOI_POP3_CAPA_PIPELINING) ? s->depth : 1;
    while (m.done < m.sent || (m.sent < count && !m.stop)) {
        bool wrote = false;
        while (!m.stop && m.sent < count && m.sent - m.done < window) {
            if ((rc = send_next(&m)) < 0)
                return pop3_broken(s, rc, "RETR");
            wrote = true;
        }
        if (wrote && (rc = envoi_pp_flush(&s->pp)) < 0)
            return pop3_broken(s, rc, "RETR");
        if ((rc = read_one(&m)) < 0)
            return rc;
    }
    if (m.stop)
        return s->err.code == m.stop
                   ? m.stop
                   : envoi_err_set(&s->err, m.stop, "retrieval stopped by the caller");
    return m.refused;
}
