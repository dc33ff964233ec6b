/* Streaming, lenient transfer decoders (see part_decode.h). */
#include "mime/part_decode.h"

#include <string.h>

#include "mime/defect.h"
#include "mime/part.h"

enum { Q_NORMAL = 0, Q_EQ, Q_HEX1, Q_WS, Q_CR };
enum { U_BEGIN = 0, U_DATA, U_END };

void mime_decoder_init(mime_decoder *d, int cte)
{
    memset(d, 0, sizeof *d);
    d->cte = cte;
    envoi_b64_dec_init(&d->b64);
}

size_t mime_decoder_bound(size_t len)
{
    return len + MIME_QP_WS_MAX + MIME_UU_LINE_MAX + 8;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* '=' and what followed it, written literally: the escape was not one. */
static size_t qp_literal(mime_decoder *d, unsigned char *out)
{
    size_t w = 0;
    out[w++] = '=';
    if (d->qstate == Q_HEX1)
        out[w++] = (unsigned char)d->qhex;
    if (d->qstate == Q_WS || d->qstate == Q_CR) {
        memcpy(out + w, d->qws, d->nqws);
        w += d->nqws;
    }
    d->defects |= MIME_DEFECT_BAD_QP;
    d->qstate = Q_NORMAL;
    d->nqws = 0;
    return w;
}

/* One byte after '=': returns true when it was used, false when it must be
 * read again as ordinary text. */
static bool qp_escape_byte(mime_decoder *d, unsigned char c, unsigned char *out, size_t *w)
{
    switch (d->qstate) {
    case Q_EQ:
        if (hex_value(c) >= 0) {
            d->qhex = (char)c;
            d->qstate = Q_HEX1;
        } else if (c == ' ' || c == '\t') {
            d->qws[0] = (char)c;
            d->nqws = 1;
            d->qstate = Q_WS;
        } else if (c == '\r') {
            d->qstate = Q_CR;
        } else if (c == '\n') {
            d->qstate = Q_NORMAL; /* soft line break */
        } else {
            *w += qp_literal(d, out + *w);
            return false;
        }
        return true;
    case Q_HEX1:
        if (hex_value(c) >= 0) {
            out[(*w)++] = (unsigned char)(hex_value((unsigned char)d->qhex) << 4 | hex_value(c));
            d->qstate = Q_NORMAL;
            return true;
        }
        *w += qp_literal(d, out + *w);
        return false;
    case Q_WS:
        if ((c == ' ' || c == '\t') && d->nqws < MIME_QP_WS_MAX) {
            d->qws[d->nqws++] = (char)c;
            return true;
        }
        if (c == '\r') {
            d->qstate = Q_CR;
            return true;
        }
        if (c == '\n') {
            d->qstate = Q_NORMAL;
            d->nqws = 0;
            return true;
        }
        *w += qp_literal(d, out + *w);
        return false;
    default: /* Q_CR: "=\r" then LF is a soft break; a bare CR ends the line too */
        d->qstate = Q_NORMAL;
        d->nqws = 0;
        return c == '\n';
    }
}

static size_t qp_feed(mime_decoder *d, const char *in, size_t len, unsigned char *out)
{
    size_t w = 0, i = 0;
    while (i < len) {
        if (d->qstate != Q_NORMAL) {
            if (qp_escape_byte(d, (unsigned char)in[i], out, &w))
                i++;
            continue;
        }
        const char *eq = memchr(in + i, '=', len - i);
        size_t run = eq ? (size_t)(eq - (in + i)) : len - i;
        memcpy(out + w, in + i, run);
        w += run;
        i += run;
        if (eq) {
            d->qstate = Q_EQ;
            i++;
        }
    }
    return w;
}

static size_t qp_finish(mime_decoder *d, unsigned char *out)
{
    /* "=" (with whitespace) at the very end is a soft break; "=X" is not an escape. */
    if (d->qstate == Q_HEX1)
        return qp_literal(d, out);
    d->qstate = Q_NORMAL;
    d->nqws = 0;
    return 0;
}

static size_t uu_decode_line(mime_decoder *d, const char *s, size_t n, unsigned char *out)
{
    size_t want = (size_t)((s[0] - ' ') & 63), w = 0;
    if (want == 0)
        return 0;
    size_t i = 1;
    while (w < want && i + 1 < n) {
        unsigned v[4] = {0, 0, 0, 0};
        size_t k;
        for (k = 0; k < 4 && i + k < n; k++)
            v[k] = (unsigned)((s[i + k] - ' ') & 63);
        unsigned bits = v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3];
        size_t got = k == 4 ? 3 : k - 1;
        for (size_t j = 0; j < got && w < want; j++)
            out[w++] = (unsigned char)(bits >> (16 - 8 * j));
        i += k;
    }
    if (w < want)
        d->defects |= MIME_DEFECT_BAD_UUENCODE;
    return w;
}

static size_t uu_line(mime_decoder *d, unsigned char *out)
{
    const char *s = d->uline;
    size_t n = d->nuline;
    bool was_long = d->uline_long;
    d->nuline = 0;
    d->uline_long = false;
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (was_long) {
        d->defects |= MIME_DEFECT_BAD_UUENCODE;
        return 0;
    }
    if (d->ustate == U_BEGIN || d->ustate == U_END) {
        if (n > 6 && memcmp(s, "begin ", 6) == 0)
            d->ustate = U_DATA;
        return 0;
    }
    if (n == 3 && memcmp(s, "end", 3) == 0) {
        d->ustate = U_END;
        return 0;
    }
    return n ? uu_decode_line(d, s, n, out) : 0;
}

static size_t uu_feed(mime_decoder *d, const char *in, size_t len, unsigned char *out)
{
    size_t w = 0;
    while (len > 0) {
        const char *nl = memchr(in, '\n', len);
        size_t n = nl ? (size_t)(nl - in) : len;
        size_t room = MIME_UU_LINE_MAX - d->nuline;
        if (n > room) {
            d->uline_long = true;
            memcpy(d->uline + d->nuline, in, room);
            d->nuline = MIME_UU_LINE_MAX;
        } else {
            memcpy(d->uline + d->nuline, in, n);
            d->nuline += n;
        }
        if (!nl)
            break;
        w += uu_line(d, out + w);
        in += n + 1;
        len -= n + 1;
    }
    return w;
}

static size_t uu_finish(mime_decoder *d, unsigned char *out)
{
    size_t w = d->nuline ? uu_line(d, out) : 0;
    if (d->ustate == U_BEGIN)
        d->defects |= MIME_DEFECT_BAD_UUENCODE;
    return w;
}

size_t mime_decoder_feed(mime_decoder *d, const char *in, size_t len, unsigned char *out)
{
    size_t junk = 0, w;
    switch (d->cte) {
    case MIME_CTE_BASE64:
        w = envoi_b64_dec_lenient(&d->b64, in, len, out, &junk);
        if (junk)
            d->defects |= MIME_DEFECT_BAD_BASE64;
        return w;
    case MIME_CTE_QP:
        return qp_feed(d, in, len, out);
    case MIME_CTE_UU:
        return uu_feed(d, in, len, out);
    default:
        if (len)
            memcpy(out, in, len);
        return len;
    }
}

size_t mime_decoder_finish(mime_decoder *d, unsigned char *out)
{
    bool truncated = false;
    size_t w = 0;
    switch (d->cte) {
    case MIME_CTE_BASE64:
        w = envoi_b64_dec_lenient_final(&d->b64, out, &truncated);
        if (truncated)
            d->defects |= MIME_DEFECT_TRUNCATED_BASE64;
        return w;
    case MIME_CTE_QP:
        return qp_finish(d, out);
    case MIME_CTE_UU:
        return uu_finish(d, out);
    default:
        return 0;
    }
}
