/* Line-end normalization and dot-stuffing over buffers (see dotstuff.h). */
#include "smtp/dotstuff.h"

#include <stdint.h>
#include <string.h>

#include "envoi/error.h"

void envoi_dot_init(envoi_dot *d, bool stuff)
{
    d->bol = true;
    d->cr = false;
    d->stuff = stuff;
    d->eightbit = false;
}

/* True when a byte of p[0..n) is over 127; eight bytes at a time. */
static bool has_high_bit(const unsigned char *p, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= p[i];
    return (acc & UINT64_C(0x8080808080808080)) != 0;
}

/* Index of the first CR or LF in p[0..n), n when none; notes 8-bit bytes. */
static size_t scan_line(const unsigned char *p, size_t n, bool *eightbit)
{
    const unsigned char *lf = memchr(p, '\n', n);
    size_t m = lf ? (size_t)(lf - p) : n;
    const unsigned char *cr = memchr(p, '\r', m);
    if (cr)
        m = (size_t)(cr - p);
    if (!*eightbit && has_high_bit(p, m))
        *eightbit = true;
    return m;
}

int envoi_dot_feed(envoi_dot *d, const void *data, size_t len, envoi_buf *out)
{
    const unsigned char *p = data, *end = p + len;
    /* Worst case every byte doubles (LF -> CRLF, "." -> ".."). */
    if (len > ((size_t)-1) / 2 - 4 || envoi_buf_reserve(out, 2 * len + 2) < 0)
        return ENVOI_ENOMEM;
    char *o = out->data + out->len;
    if (d->cr && p < end) {
        if (*p == '\n')
            p++;
        d->cr = false;
    }
    while (p < end) {
        if (d->bol && d->stuff && *p == '.')
            *o++ = '.';
        size_t n = scan_line(p, (size_t)(end - p), &d->eightbit);
        memcpy(o, p, n);
        o += n;
        p += n;
        if (p == end) {
            d->bol = n == 0 ? d->bol : false;
            break;
        }
        *o++ = '\r';
        *o++ = '\n';
        d->bol = true;
        if (*p++ == '\r') {
            if (p == end)
                d->cr = true;
            else if (*p == '\n')
                p++;
        }
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    return 0;
}

int envoi_dot_finish(envoi_dot *d, envoi_buf *out)
{
    if (!d->bol && envoi_buf_append(out, "\r\n", 2) < 0)
        return ENVOI_ENOMEM;
    d->bol = true;
    d->cr = false;
    if (d->stuff && envoi_buf_append(out, ".\r\n", 3) < 0)
        return ENVOI_ENOMEM;
    return 0;
}
