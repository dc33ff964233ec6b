/* Base64 encoding and decoding with state carried across chunks (see base64.h). */
#include "util/base64.h"

#include <string.h>

#include "envoi/error.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void envoi_b64_enc_init(envoi_b64_enc *e, size_t line_len)
{
    memset(e, 0, sizeof *e);
    e->line_len = line_len;
}

size_t envoi_b64_enc_bound(size_t len, size_t line_len)
{
    size_t chars = (len + 2) / 3 * 4 + 4;
    size_t breaks = line_len ? chars / line_len + 1 : 0;
    return chars + 2 * breaks;
}

static size_t put_char(envoi_b64_enc *e, char c, char *out)
{
    size_t n = 0;
    if (e->line_len && e->col == e->line_len) {
        out[n++] = '\r';
        out[n++] = '\n';
        e->col = 0;
    }
    out[n++] = c;
    e->col++;
    return n;
}

static size_t put_group(envoi_b64_enc *e, const unsigned char *g, size_t n, char *out)
{
    unsigned v = (unsigned)g[0] << 16 | (n > 1 ? (unsigned)g[1] << 8 : 0) | (n > 2 ? g[2] : 0);
    size_t w = 0;
    w += put_char(e, alphabet[(v >> 18) & 63], out + w);
    w += put_char(e, alphabet[(v >> 12) & 63], out + w);
    w += put_char(e, n > 1 ? alphabet[(v >> 6) & 63] : '=', out + w);
    w += put_char(e, n > 2 ? alphabet[v & 63] : '=', out + w);
    return w;
}

size_t envoi_b64_enc_update(envoi_b64_enc *e, const void *in, size_t len, char *out)
{
    const unsigned char *p = in;
    size_t w = 0;
    while (len > 0 && e->npend > 0 && e->npend < 3) {
        e->pend[e->npend++] = *p++;
        len--;
    }
    if (e->npend == 3) {
        w += put_group(e, e->pend, 3, out + w);
        e->npend = 0;
    }
    while (len >= 3) {
        w += put_group(e, p, 3, out + w);
        p += 3;
        len -= 3;
    }
    while (len > 0) {
        e->pend[e->npend++] = *p++;
        len--;
    }
    return w;
}

size_t envoi_b64_enc_final(envoi_b64_enc *e, char *out)
{
    size_t w = 0;
    if (e->npend > 0)
        w = put_group(e, e->pend, e->npend, out);
    e->npend = 0;
    return w;
}

int envoi_base64_encode(const void *in, size_t len, envoi_buf *out)
{
    if (envoi_buf_reserve(out, envoi_b64_enc_bound(len, 0)) < 0)
        return ENVOI_ENOMEM;
    envoi_b64_enc e;
    envoi_b64_enc_init(&e, 0);
    size_t w = envoi_b64_enc_update(&e, in, len, out->data + out->len);
    w += envoi_b64_enc_final(&e, out->data + out->len + w);
    out->len += w;
    out->data[out->len] = '\0';
    return 0;
}

void envoi_b64_dec_init(envoi_b64_dec *d)
{
    memset(d, 0, sizeof *d);
}

static int decode_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long envoi_b64_dec_update(envoi_b64_dec *d, const char *in, size_t len, unsigned char *out)
{
    long w = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            d->pad = true;
            continue;
        }
        int v = decode_value(c);
        if (v < 0 || d->pad)
            return ENVOI_EINVAL;
        d->acc = d->acc << 6 | (unsigned)v;
        if (++d->nchars == 4) {
            out[w++] = (unsigned char)(d->acc >> 16);
            out[w++] = (unsigned char)(d->acc >> 8);
            out[w++] = (unsigned char)d->acc;
            d->acc = 0;
            d->nchars = 0;
        }
    }
    return w;
}

int envoi_b64_dec_final(envoi_b64_dec *d, unsigned char *out, size_t *written)
{
    *written = 0;
    if (d->nchars == 1)
        return ENVOI_EINVAL;
    if (d->nchars == 2) {
        out[0] = (unsigned char)(d->acc >> 4);
        *written = 1;
    } else if (d->nchars == 3) {
        out[0] = (unsigned char)(d->acc >> 10);
        out[1] = (unsigned char)(d->acc >> 2);
        *written = 2;
    }
    d->acc = 0;
    d->nchars = 0;
    return 0;
}

int envoi_base64_decode(const char *in, size_t len, envoi_buf *out)
{
    if (envoi_buf_reserve(out, len / 4 * 3 + 3) < 0)
        return ENVOI_ENOMEM;
    envoi_b64_dec d;
    envoi_b64_dec_init(&d);
    unsigned char *dst = (unsigned char *)out->data + out->len;
    long n = envoi_b64_dec_update(&d, in, len, dst);
    if (n < 0)
        return (int)n;
    size_t tail = 0;
    if (envoi_b64_dec_final(&d, dst + n, &tail) < 0)
        return ENVOI_EINVAL;
    out->len += (size_t)n + tail;
    out->data[out->len] = '\0';
    return 0;
}
