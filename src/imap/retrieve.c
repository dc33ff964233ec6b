/* Retrieving messages: BODY.PEEK[...] of many UIDs per UID FETCH, several
 * commands in flight, each body streamed to the caller's callbacks as it
 * arrives (held in memory only when a server that names the UID after the
 * body was asked for several); one message or one part through a write
 * callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/session.h"
#include "util/err.h"

enum { BODY_BATCH = 64 };

struct many {
    envoi_imap *s;
    const envoi_imap_retrieve_cb *cb;
    void *ctx;
    const uint32_t *uids; /* sorted */
    size_t n;
    bool *got;
    const char *item; /* "BODY[]", "BODY[HEADER]", "BODY[1.2]" */
    uint32_t open;    /* the UID whose body is streaming, 0 when none */
    bool guessed;     /* open is the only UID asked: the server named none yet */
    int stop;         /* a callback's failure: the rest is only drained */
};

static long index_of(const struct many *m, uint32_t uid)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->uids[mid] == uid)
            return (long)mid;
        if (m->uids[mid] < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void stop(struct many *m, int rc)
{
    if (rc < 0 && !m->stop)
        m->stop = rc;
}

/* Is the item the one asked for ("BODY[]" also as "BODY[]<0>")? */
static bool is_asked(const struct many *m, const char *item, size_t len)
{
    size_t n = strlen(m->item);
    return len >= n && !strncasecmp(item, m->item, n) && (len == n || item[n] == '<');
}

static int sink_begin(void *ctx, uint32_t seq, uint32_t uid, const char *item, size_t item_len,
                      uint64_t size)
{
    (void)seq;
    struct many *m = ctx;
    /* One message asked: its body is streamed even when the server names
     * the UID only after it (checked then). */
    bool guess = uid == 0 && m->n == 1;
    long i = guess ? 0 : uid ? index_of(m, uid) : -1;
    if (i < 0 || m->got[i] || m->open || !is_asked(m, item, item_len))
        return 0; /* UID not known yet (or not asked, or a second body): kept */
    uid = m->uids[i];
    m->open = uid;
    m->guessed = guess;
    if (!m->stop && m->cb->begin)
        stop(m, m->cb->begin(m->ctx, uid, size));
    return 1;
}

static int sink_data(void *ctx, const void *data, size_t len)
{
    struct many *m = ctx;
    if (!m->stop && m->cb->data)
        stop(m, m->cb->data(m->ctx, data, len));
    return 0;
}

static void finish(struct many *m, uint32_t uid, int status)
{
    long i = index_of(m, uid);
    if (i >= 0)
        m->got[i] = true;
    if (!m->stop && m->cb->end)
        stop(m, m->cb->end(m->ctx, uid, status));
}

static int on_fetch(void *ctx, const imap_response *r, bool streamed)
{
    struct many *m = ctx;
    if (strcmp(r->name, "FETCH"))
        return 0;
    const imap_value *uid = imap_fetch_item(r, "UID");
    if (streamed && m->open) {
        uint32_t open = m->open;
        bool wrong = m->guessed && (!uid || uid->kind != IMAP_NUMBER || uid->number != open);
        m->open = 0;
        finish(m, open, wrong ? ENVOI_EPROTOCOL : 0);
        if (wrong)
            stop(m, envoi_err_set(&m->s->err, ENVOI_EPROTOCOL,
                                  "the server sent the body of another message than UID %u", open));
        return 0;
    }
    const imap_value *body = imap_fetch_item(r, m->item);
    if (!uid || uid->kind != IMAP_NUMBER || uid->number > UINT32_MAX || !body)
        return 0;
    long i = index_of(m, (uint32_t)uid->number);
    if (i < 0 || m->got[i])
        return 0;
    /* The body came before its UID: it was held in the response. */
    size_t len = body->kind == IMAP_STRING ? body->len : 0;
    if (!m->stop && m->cb->begin)
        stop(m, m->cb->begin(m->ctx, (uint32_t)uid->number, len));
    if (!m->stop && m->cb->data && len)
        stop(m, m->cb->data(m->ctx, body->data, len));
    finish(m, (uint32_t)uid->number, 0);
    return 0;
}

static int report_missing(struct many *m)
{
    int first = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (m->got[i])
            continue;
        if (!first)
            first =
                envoi_err_set(&m->s->err, ENVOI_EPERMFAIL, "no message with UID %u", m->uids[i]);
        if (!m->stop && m->cb->begin)
            stop(m, m->cb->begin(m->ctx, m->uids[i], 0));
        if (!m->stop && m->cb->end)
            stop(m, m->cb->end(m->ctx, m->uids[i], ENVOI_EPERMFAIL));
    }
    return first;
}

static int fetch_bodies(envoi_imap *s, const uint32_t *uids, size_t count, const char *section,
                        const envoi_imap_retrieve_cb *cb, void *ctx)
{
    static const envoi_imap_retrieve_cb none = {0};
    int rc = imap_need_selected(s);
    if (rc < 0)
        return rc;
    envoi_err_clear(&s->err);
    uint32_t *sorted;
    size_t n;
    if ((rc = imap_uid_sort(uids, count, &sorted, &n)) < 0)
        return envoi_err_set(&s->err, rc, "out of memory");
    bool *got = calloc(n ? n : 1, sizeof *got);
    char item[96], tail[128];
    snprintf(item, sizeof item, "BODY[%s]", section);
    snprintf(tail, sizeof tail, "(UID BODY.PEEK[%s])", section);
    struct many m = {s, cb ? cb : &none, ctx, sorted, n, got, item, 0, false, 0};
    imap_sink sink = {sink_begin, sink_data, &m};
    if (!got) {
        free(sorted);
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    }
    s->sink = &sink;
    rc = imap_pipeline(s, sorted, n, BODY_BATCH, "UID FETCH", tail, NULL, on_fetch, &m);
    s->sink = NULL;
    if (m.open) { /* the connection broke in the middle of a body */
        if (!m.stop && m.cb->end)
            m.cb->end(m.ctx, m.open, rc < 0 ? rc : ENVOI_ECLOSED);
        m.open = 0;
    }
    if (rc == 0 || s->conn) {
        int missing = report_missing(&m);
        if (rc == 0)
            rc = missing;
    }
    if (m.stop && (rc == 0 || rc == m.stop || s->conn))
        rc = s->err.code == m.stop
                 ? m.stop
                 : envoi_err_set(&s->err, m.stop, "retrieval stopped: %s", envoi_strerror(m.stop));
    free(got);
    free(sorted);
    return rc;
}

int envoi_imap_retrieve_many(envoi_imap *s, const uint32_t *uids, size_t count,
                             envoi_imap_mode mode, const envoi_imap_retrieve_cb *cb, void *ctx)
{
    if (count && !uids)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no UIDs");
    return fetch_bodies(s, uids, count, mode == ENVOI_IMAP_HEADERS ? "HEADER" : "", cb, ctx);
}

struct one {
    envoi_write_fn write;
    void *ctx;
    int status;
};

static int one_data(void *ctx, const void *data, size_t len)
{
    struct one *o = ctx;
    return o->write ? o->write(o->ctx, data, len) : 0;
}

static int one_end(void *ctx, uint32_t uid, int status)
{
    (void)uid;
    ((struct one *)ctx)->status = status;
    return 0;
}

static bool valid_section(const char *p)
{
    if (!p || strlen(p) > 64)
        return false;
    for (; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              *p == '.'))
            return false;
    return true;
}

static int fetch_one(envoi_imap *s, uint32_t uid, const char *section, envoi_write_fn write,
                     void *ctx)
{
    if (uid == 0)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "UIDs start at 1");
    struct one o = {write, ctx, 0};
    envoi_imap_retrieve_cb cb = {NULL, one_data, one_end};
    return fetch_bodies(s, &uid, 1, section, &cb, &o);
}

int envoi_imap_retrieve(envoi_imap *s, uint32_t uid, envoi_imap_mode mode, envoi_write_fn write,
                        void *ctx)
{
    return fetch_one(s, uid, mode == ENVOI_IMAP_HEADERS ? "HEADER" : "", write, ctx);
}

int envoi_imap_fetch_part(envoi_imap *s, uint32_t uid, const char *section, envoi_write_fn write,
                          void *ctx)
{
    if (!valid_section(section))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid section");
    return fetch_one(s, uid, section, write, ctx);
}
