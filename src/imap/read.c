/* The reading model of mail programs on the selected folder: read first,
 * next, previous, last (out of range past either end), and get all (or
 * only the messages without \Seen), each message parsed. */
#include <stdlib.h>

#include "imap/session.h"
#include "proto/gather.h"
#include "util/err.h"

static int read_at(envoi_imap *s, size_t index, envoi_imap_mode mode, envoi_message **out)
{
    envoi_buf src = ENVOI_BUF_INIT;
    int rc = envoi_imap_retrieve(s, s->entries[index].uid, mode, proto_gather_write, &src);
    if (rc == 0)
        rc = proto_gather_parse(&src, out, &s->err);
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
    uint32_t current; /* the message being delivered */
    proto_gather gather;
};

static int all_begin(void *ctx, uint32_t uid, uint64_t size)
{
    struct get_all *g = ctx;
    (void)uid;
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
    return g->on_message ? g->on_message(g->ctx, imap_entry_of(g->s, g->current), msg, keep) : 0;
}

static int all_end(void *ctx, uint32_t uid, int status)
{
    struct get_all *g = ctx;
    g->current = uid; /* for deliver */
    return proto_gather_end(&g->gather, status, deliver, g, g->progress, g->ctx);
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
    struct get_all g = {s, progress, on_message, ctx, 0, {ENVOI_BUF_INIT, 0, n, 0, &s->err}};
    envoi_imap_retrieve_cb cb = {all_begin, all_data, all_end};
    rc = n ? envoi_imap_retrieve_many(s, uids, n, mode, &cb, &g) : 0;
    proto_gather_free(&g.gather);
    free(uids);
    return rc;
}
