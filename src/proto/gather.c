/* Gathering retrieved messages, parsing them and handing them on. */
#include "proto/gather.h"

#include "envoi/parse.h"
#include "util/err.h"

int proto_gather_write(void *ctx, const void *data, size_t len)
{
    return envoi_buf_append(ctx, data, len) < 0 ? ENVOI_ENOMEM : 0;
}

int proto_gather_parse(const envoi_buf *src, envoi_message **out, envoi_error *err)
{
    int rc = envoi_message_parse(src->data ? src->data : "", src->len, out);
    if (rc < 0)
        return envoi_err_set(err, rc, "cannot parse the message: %s", envoi_strerror(rc));
    return 0;
}

void proto_gather_begin(proto_gather *g)
{
    envoi_buf_clear(&g->src);
}

int proto_gather_data(proto_gather *g, const void *data, size_t len)
{
    g->bytes += len;
    return proto_gather_write(&g->src, data, len);
}

int proto_gather_end(proto_gather *g, int status, proto_deliver_fn deliver, void *deliver_ctx,
                     proto_progress_fn progress, void *progress_ctx)
{
    if (status < 0)
        return status;
    envoi_message *msg = NULL;
    int rc = proto_gather_parse(&g->src, &msg, g->err);
    envoi_buf_free(&g->src);
    if (rc < 0)
        return rc;
    bool keep = false;
    rc = deliver(deliver_ctx, msg, &keep);
    if (!keep)
        envoi_message_free(msg);
    g->done++;
    if (rc == 0 && progress)
        rc = progress(progress_ctx, g->done, g->total, g->bytes);
    return rc;
}

void proto_gather_free(proto_gather *g)
{
    envoi_buf_free(&g->src);
}
