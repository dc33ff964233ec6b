/* Buffered message output over the caller's write function (see out.h). */
#include "mime/out.h"

#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"

int mime_out_init(mime_out *o, envoi_write_fn fn, void *ctx)
{
    o->fn = fn;
    o->ctx = ctx;
    o->len = 0;
    o->rc = 0;
    o->last = '\n';
    o->buf = malloc(MIME_OUT_SIZE);
    return o->buf ? 0 : (o->rc = ENVOI_ENOMEM);
}

int mime_out_flush(mime_out *o)
{
    if (o->rc == 0 && o->len > 0) {
        int rc = o->fn(o->ctx, o->buf, o->len);
        if (rc < 0)
            o->rc = rc;
        else if (rc > 0)
            o->rc = ENVOI_EIO; /* a write function must return 0 or a negative code */
    }
    o->len = 0;
    return o->rc;
}

int mime_out_put(mime_out *o, const void *data, size_t len)
{
    const char *p = data;
    while (o->rc == 0 && len > 0) {
        if (o->len == MIME_OUT_SIZE && mime_out_flush(o) < 0)
            break;
        size_t n = MIME_OUT_SIZE - o->len < len ? MIME_OUT_SIZE - o->len : len;
        memcpy(o->buf + o->len, p, n);
        o->len += n;
        o->last = p[n - 1];
        p += n;
        len -= n;
    }
    return o->rc;
}

int mime_out_str(mime_out *o, const char *s)
{
    return mime_out_put(o, s, strlen(s));
}

char *mime_out_space(mime_out *o, size_t need)
{
    if (o->rc == 0 && MIME_OUT_SIZE - o->len < need)
        mime_out_flush(o);
    return o->rc == 0 ? o->buf + o->len : NULL;
}

void mime_out_commit(mime_out *o, size_t n)
{
    if (n == 0)
        return;
    o->len += n;
    o->last = o->buf[o->len - 1];
}

void mime_out_free(mime_out *o)
{
    free(o->buf);
    o->buf = NULL;
}
