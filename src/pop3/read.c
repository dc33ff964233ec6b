/* The reading model of mail programs on top of the session: read first,
 * next, previous, last (with an out-of-range state at both ends), and get
 * all, each message parsed. */
#include <stdlib.h>

#include "envoi/parse.h"
#include "pop3/session.h"
#include "util/err.h"

static int collect(void *ctx, const void *data, size_t len)
{
    return envoi_buf_append(ctx, data, len) < 0 ? ENVOI_ENOMEM : 0;
}

static int parse_source(envoi_pop3 *s, envoi_buf *src, envoi_message **out)
{
    int rc = envoi_message_parse(src->data ? src->data : "", src->len, out);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "cannot parse the message: %s", envoi_strerror(rc));
    return 0;
}

static int read_at(envoi_pop3 *s, size_t index, envoi_pop3_mode mode, envoi_message **out)
{
    envoi_buf src = ENVOI_BUF_INIT;
    unsigned number = s->entries[index].number;
    int rc = mode == ENVOI_POP3_HEADERS ? envoi_pop3_top(s, number, 0, collect, &src)
                                        : envoi_pop3_retrieve(s, number, collect, &src);
    if (rc == 0)
        rc = parse_source(s, &src, out);
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
    envoi_buf src;
    size_t done, total;
    unsigned long long bytes;
};

static int all_begin(void *ctx, unsigned number, const char *uidl, size_t size)
{
    (void)number;
    (void)uidl;
    (void)size;
    envoi_buf_clear(&((struct get_all *)ctx)->src);
    return 0;
}

static int all_data(void *ctx, const void *data, size_t len)
{
    struct get_all *g = ctx;
    g->bytes += len;
    return collect(&g->src, data, len);
}

static int all_end(void *ctx, unsigned number, int status)
{
    struct get_all *g = ctx;
    if (status < 0)
        return status;
    envoi_message *msg = NULL;
    int rc = parse_source(g->s, &g->src, &msg);
    envoi_buf_free(&g->src);
    if (rc < 0)
        return rc;
    bool keep = false;
    if (g->on_message)
        rc = g->on_message(g->ctx, pop3_entry(g->s, number), msg, &keep);
    if (!keep)
        envoi_message_free(msg);
    g->done++;
    if (rc == 0 && g->progress)
        rc = g->progress(g->ctx, g->done, g->total, g->bytes);
    return rc;
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
    struct get_all g = {s, progress, on_message, ctx, ENVOI_BUF_INIT, 0, n, 0};
    envoi_pop3_retrieve_cb cb = {all_begin, all_data, all_end};
    rc = n ? envoi_pop3_retrieve_many(s, numbers, n, mode, &cb, &g) : 0;
    envoi_buf_free(&g.src);
    free(numbers);
    return rc;
}
