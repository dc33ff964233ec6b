/* The reading model of mail programs on top of the session: read first,
 * next, previous, last (with an out-of-range state at both ends), and get
 * all, each message parsed. */
#include <stdlib.h>

#include "pop3/session.h"
#include "proto/gather.h"
#include "util/err.h"

static int read_at(envoi_pop3 *s, size_t index, envoi_pop3_mode mode, envoi_message **out)
{
    envoi_buf src = ENVOI_BUF_INIT;
    unsigned number = s->entries[index].number;
    int rc = mode == ENVOI_POP3_HEADERS ? envoi_pop3_top(s, number, 0, proto_gather_write, &src)
                                        : envoi_pop3_retrieve(s, number, proto_gather_write, &src);
    if (rc == 0)
        rc = proto_gather_parse(&src, out, &s->err);
    envoi_buf_free(&src);
    if (rc == 0)
        s->pos = index + 1;
    return rc;
}

/* Move from the current position by step (+1 / -1) past deleted messages,
 * or start from an end (from = 0: before the first; nentries + 1: after
 * the last). */
static int move(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out, bool from_end,
                bool forward)
{
    if (!out)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no place for the message");
    *out = NULL;
    int rc = pop3_ensure_listed(s);
    if (rc < 0)
        return rc;
    size_t pos = from_end ? (forward ? 0 : s->nentries + 1) : s->pos;
    for (;;) {
        if (forward ? pos >= s->nentries : pos <= 1) {
            s->pos = forward ? s->nentries + 1 : 0;
            return 0;
        }
        pos = forward ? pos + 1 : pos - 1;
        if (!s->entries[pos - 1].deleted)
            return read_at(s, pos - 1, mode, out);
    }
}

int envoi_pop3_read_first(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out)
{
    return move(s, mode, out, true, true);
}

int envoi_pop3_read_next(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out)
{
    return move(s, mode, out, false, true);
}

int envoi_pop3_read_previous(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out)
{
    return move(s, mode, out, false, false);
}

int envoi_pop3_read_last(envoi_pop3 *s, envoi_pop3_mode mode, envoi_message **out)
{
    return move(s, mode, out, true, false);
}

bool envoi_pop3_is_out(const envoi_pop3 *s)
{
    return s->pos == 0 || s->pos > s->nentries;
}

const envoi_pop3_entry *envoi_pop3_current(const envoi_pop3 *s)
{
    return envoi_pop3_is_out(s) ? NULL : &s->entries[s->pos - 1];
}

struct get_all {
    envoi_pop3 *s;
    envoi_pop3_progress_fn progress;
    envoi_pop3_message_fn on_message;
    void *ctx;
    unsigned current; /* the message being delivered */
    proto_gather gather;
};

static int all_begin(void *ctx, unsigned number, const char *uidl, size_t size)
{
    struct get_all *g = ctx;
    (void)number;
    (void)uidl;
    (void)size;
    proto_gather_begin(&g->gather);
    return 0;
}

static int all_data(void *ctx, const void *data, size_t len)
{
    return proto_gather_data(&((struct get_all *)ctx)->gather, data, len);
}

static int deliver(void *ctx, envoi_message *msg, bool *keep)
{
    struct get_all *g = ctx;
    return g->on_message ? g->on_message(g->ctx, pop3_entry(g->s, g->current), msg, keep) : 0;
}

static int all_end(void *ctx, unsigned number, int status)
{
    struct get_all *g = ctx;
    g->current = number; /* for deliver */
    return proto_gather_end(&g->gather, status, deliver, g, g->progress, g->ctx);
}

int envoi_pop3_get_all(envoi_pop3 *s, envoi_pop3_mode mode, int flags,
                       envoi_pop3_progress_fn progress, envoi_pop3_message_fn on_message, void *ctx)
{
    int rc = pop3_ensure_listed(s);
    if (rc < 0)
        return rc;
    unsigned *numbers = malloc((s->nentries ? s->nentries : 1) * sizeof *numbers);
    if (!numbers)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < s->nentries; i++) {
        const envoi_pop3_entry *e = &s->entries[i];
        if (e->deleted)
            continue;
        if ((flags & ENVOI_POP3_UNSEEN) && !*e->uidl) {
            free(numbers);
            return envoi_err_set(&s->err, ENVOI_EUNSUPPORTED,
                                 "the server gives no UIDL: cannot tell the messages not seen");
        }
        if ((flags & ENVOI_POP3_UNSEEN) && envoi_pop3_is_seen(s, e->uidl))
            continue;
        numbers[n++] = e->number;
    }
    struct get_all g = {s, progress, on_message, ctx, 0, {ENVOI_BUF_INIT, 0, n, 0, &s->err}};
    envoi_pop3_retrieve_cb cb = {all_begin, all_data, all_end};
    rc = n ? envoi_pop3_retrieve_many(s, numbers, n, mode, &cb, &g) : 0;
    proto_gather_free(&g.gather);
    free(numbers);
    return rc;
}
