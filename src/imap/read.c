/* The reading model of mail programs on the selected folder: read first,
 * next, previous, last (out of range past either end), and get all (or
 * only the messages without \Seen), each message parsed. */
#include <stdlib.h>

#include "envoi/parse.h"
#include "imap/session.h"
#include "util/err.h"

static int collect(void *ctx, const void *data, size_t len)
{
    return envoi_buf_append(ctx, data, len) < 0 ? ENVOI_ENOMEM : 0;
}

static int parse_source(envoi_imap *s, const envoi_buf *src, envoi_message **out)
{
    int rc = envoi_message_parse(src->data ? src->data : "", src->len, out);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "cannot parse the message: %s", envoi_strerror(rc));
    return 0;
}

static int read_at(envoi_imap *s, size_t index, envoi_imap_mode mode, envoi_message **out)
{
    envoi_buf src = ENVOI_BUF_INIT;
    int rc = envoi_imap_retrieve(s, s->entries[index].uid, mode, collect, &src);
    if (rc == 0)
        rc = parse_source(s, &src, out);
    envoi_buf_free(&src);
    if (rc == 0)
        s->pos = index + 1;
    return rc;
}

static int move(envoi_imap *s, envoi_imap_mode mode, envoi_message **out, bool from_end,
                bool forward)
{
    if (!out)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no place for the message");
    *out = NULL;
    int rc = imap_ensure_listed(s);
    if (rc < 0)
        return rc;
    size_t pos = from_end ? (forward ? 0 : s->nentries + 1) : s->pos;
    if (forward ? pos >= s->nentries : pos <= 1) {
        s->pos = forward ? s->nentries + 1 : 0;
        return 0;
    }
    return read_at(s, forward ? pos : pos - 2, mode, out);
}

int envoi_imap_read_first(envoi_imap *s, envoi_imap_mode mode, envoi_message **out)
{
    return move(s, mode, out, true, true);
}

int envoi_imap_read_next(envoi_imap *s, envoi_imap_mode mode, envoi_message **out)
{
    return move(s, mode, out, false, true);
}

int envoi_imap_read_previous(envoi_imap *s, envoi_imap_mode mode, envoi_message **out)
{
    return move(s, mode, out, false, false);
}

int envoi_imap_read_last(envoi_imap *s, envoi_imap_mode mode, envoi_message **out)
{
    return move(s, mode, out, true, false);
}

bool envoi_imap_is_out(const envoi_imap *s)
{
    return s->pos == 0 || s->pos > s->nentries;
}

const envoi_imap_entry *envoi_imap_current(const envoi_imap *s)
{
    return envoi_imap_is_out(s) ? NULL : &s->entries[s->pos - 1];
}

struct get_all {
    envoi_imap *s;
    envoi_imap_progress_fn progress;
    envoi_imap_message_fn on_message;
    void *ctx;
    envoi_buf src;
    size_t done, total;
    unsigned long long bytes;
};

static int all_begin(void *ctx, uint32_t uid, uint64_t size)
{
    (void)uid;
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

static int all_end(void *ctx, uint32_t uid, int status)
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
        rc = g->on_message(g->ctx, imap_entry_of(g->s, uid), msg, &keep);
    if (!keep)
        envoi_message_free(msg);
    g->done++;
    if (rc == 0 && g->progress)
        rc = g->progress(g->ctx, g->done, g->total, g->bytes);
    return rc;
}

int envoi_imap_get_all(envoi_imap *s, envoi_imap_mode mode, int flags,
                       envoi_imap_progress_fn progress, envoi_imap_message_fn on_message, void *ctx)
{
    int rc = imap_ensure_listed(s);
    if (rc < 0)
        return rc;
    uint32_t *uids = malloc((s->nentries ? s->nentries : 1) * sizeof *uids);
    if (!uids)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < s->nentries; i++) {
        const envoi_imap_entry *e = &s->entries[i];
        if ((flags & ENVOI_IMAP_UNSEEN_ONLY) && (e->flags & ENVOI_IMAP_SEEN))
            continue;
        uids[n++] = e->uid;
    }
    struct get_all g = {s, progress, on_message, ctx, ENVOI_BUF_INIT, 0, n, 0};
    envoi_imap_retrieve_cb cb = {all_begin, all_data, all_end};
    rc = n ? envoi_imap_retrieve_many(s, uids, n, mode, &cb, &g) : 0;
    envoi_buf_free(&g.src);
    free(uids);
    return rc;
}
