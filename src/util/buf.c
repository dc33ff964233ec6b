/* Growable byte buffer (see buf.h). */
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "util/secret.h"

int envoi_buf_reserve(envoi_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return ENVOI_ENOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return ENVOI_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int envoi_buf_append(envoi_buf *b, const void *data, size_t len)
{
    if (envoi_buf_reserve(b, len) < 0)
        return ENVOI_ENOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int envoi_buf_append_str(envoi_buf *b, const char *s)
{
    return envoi_buf_append(b, s, strlen(s));
}

int envoi_buf_append_char(envoi_buf *b, char c)
{
    return envoi_buf_append(b, &c, 1);
}

int envoi_buf_vprintf(envoi_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return ENVOI_EINVAL;
    if (envoi_buf_reserve(b, (size_t)n) < 0)
        return ENVOI_ENOMEM;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int envoi_buf_printf(envoi_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void envoi_buf_consume(envoi_buf *b, size_t n)
{
    if (n >= b->len) {
        envoi_buf_clear(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

void envoi_buf_clear(envoi_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void envoi_buf_truncate(envoi_buf *b, size_t n)
{
    if (n >= b->len)
        return;
    b->len = n;
    b->data[n] = '\0';
}

void envoi_buf_free(envoi_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void envoi_buf_wipe_free(envoi_buf *b)
{
    if (b->data)
        envoi_wipe(b->data, b->cap);
    envoi_buf_free(b);
}

char *envoi_buf_steal(envoi_buf *b, size_t *len)
{
    if (!b->data && envoi_buf_reserve(b, 0) < 0)
        return NULL;
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
