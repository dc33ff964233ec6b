/* Streaming, lenient transfer decoders (see part_decode.h), and a parsed
 * part's body decoded through a fixed buffer to a callback. */
#include "mime/part_decode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime/defect.h"
#include "mime/message_impl.h"
#include "mime/part.h"
#include "util/hex.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define DECODE_PIECE (64 * 1024) /* source bytes decoded per write call at most */

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
        if (envoi_hex_value(c) >= 0) {
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
        if (envoi_hex_value(c) >= 0) {
            out[(*w)++] =
                (unsigned char)(envoi_hex_value((unsigned char)d->qhex) << 4 | envoi_hex_value(c));
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

/* One more than the value of a hexadecimal digit byte; 0 for any other byte. */
static const unsigned char hex_digit[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16};

/* Copy in[0..n) up to its first '=' (or all of it) to out; returns the
 * bytes copied. Sixteen at a time: out has room for n bytes. */
static size_t qp_run(const char *in, size_t n, unsigned char *out)
{
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        _mm_storeu_si128((__m128i *)(void *)(out + i), x);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('=')));
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i < n && in[i] != '='; i++)
        out[i] = (unsigned char)in[i];
    return i;
}

/* An escape at in[0] == '=' (at least three bytes there) that is whole: a
 * "=XX", its byte appended to out[*w], or a soft line break ("=\n",
 * "=\r\n"). Returns the input bytes it takes; 0 for anything else. */
static size_t qp_whole_escape(const unsigned char *in, unsigned char *out, size_t *w)
{
    int hi = hex_digit[in[1]] - 1, lo = hex_digit[in[2]] - 1;
    if ((hi | lo) >= 0) {
        out[(*w)++] = (unsigned char)(hi << 4 | lo);
        return 3;
    }
    if (in[1] == '\n')
        return 2;
    return in[1] == '\r' && in[2] == '\n' ? 3 : 0;
}

/* Runs of plain bytes are copied whole and escapes that are whole in the
 * input decoded at once; anything else goes through the state machine, so
 * the output does not depend on how the input is cut. The output never runs
 * ahead of the input by more than what qp_literal gives back, so qp_run's
 * stores stay within mime_decoder_bound. */
static size_t qp_feed(mime_decoder *d, const char *in, size_t len, unsigned char *out)
{
    size_t w = 0, i = 0;
    while (i < len) {
        if (d->qstate != Q_NORMAL) {
            if (qp_escape_byte(d, (unsigned char)in[i], out, &w))
                i++;
            continue;
        }
        size_t run = qp_run(in + i, len - i, out + w);
        w += run;
        i += run;
        if (i == len)
            break;
        size_t esc = len - i >= 3 ? qp_whole_escape((const unsigned char *)in + i, out, &w) : 0;
        if (esc) {
            i += esc;
        } else {
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

#define CONTROL_DEFECTS (MIME_DEFECT_NUL | MIME_DEFECT_BARE_CR)

/* A byte of v is zero. */
static uint64_t has_zero_byte(uint64_t v)
{
    return (v - 0x0101010101010101u) & ~v & 0x8080808080808080u;
}

/* NUL bytes and bare CRs in in[0..len), eight bytes at a time while none is
 * near; *cr carries a CR at the end to the next call. */
static unsigned scan_controls(const char *in, size_t len, bool *cr)
{
    const unsigned char *p = (const unsigned char *)in, *end = p + len;
    unsigned found = 0;
    if (*cr && p < end) {
        *cr = false;
        if (*p != '\n')
            found |= MIME_DEFECT_BARE_CR;
    }
#ifdef __SSE2__
    /* Sixteen bytes at a time while the byte after them exists. */
    while (end - p > 16 && found != CONTROL_DEFECTS) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
        unsigned m_cr = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
        if (nul | m_cr) {
            unsigned lf = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))) |
                          (p[16] == '\n' ? 1u << 16 : 0);
            if (nul)
                found |= MIME_DEFECT_NUL;
            if (m_cr & ~(lf >> 1))
                found |= MIME_DEFECT_BARE_CR;
        }
        p += 16;
    }
#endif
    while (p < end && found != CONTROL_DEFECTS) {
        if (end - p >= 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            if (!(has_zero_byte(v) | has_zero_byte(v ^ 0x0d0d0d0d0d0d0d0du))) {
                p += 8;
                continue;
            }
        }
        unsigned char c = *p++;
        if (c == '\0')
            found |= MIME_DEFECT_NUL;
        else if (c == '\r' && p == end)
            *cr = true;
        else if (c == '\r' && *p != '\n')
            found |= MIME_DEFECT_BARE_CR;
    }
    return found;
}

unsigned mime_body_controls(const char *in, size_t len)
{
    bool cr = false;
    unsigned found = scan_controls(in, len, &cr);
    return cr ? found | MIME_DEFECT_BARE_CR : found;
}

size_t mime_decoder_feed(mime_decoder *d, const char *in, size_t len, unsigned char *out)
{
    size_t junk = 0, w;
    if (d->cte == MIME_CTE_BASE64) {
        /* The decoder looks at every byte already. */
        w = envoi_b64_dec_lenient(&d->b64, in, len, out, &junk);
        if (junk)
            d->defects |= MIME_DEFECT_BAD_BASE64;
        if (d->b64.seen & ENVOI_B64_SEEN_NUL)
            d->defects |= MIME_DEFECT_NUL;
        if (d->b64.seen & ENVOI_B64_SEEN_BARE_CR)
            d->defects |= MIME_DEFECT_BARE_CR;
        return w;
    }
    if ((d->defects & CONTROL_DEFECTS) != CONTROL_DEFECTS)
        d->defects |= scan_controls(in, len, &d->cr);
    switch (d->cte) {
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
    if (d->cr)
        d->defects |= MIME_DEFECT_BARE_CR;
    d->cr = false;
    switch (d->cte) {
    case MIME_CTE_BASE64:
        w = envoi_b64_dec_lenient_final(&d->b64, out, &truncated);
        if (truncated)
            d->defects |= MIME_DEFECT_TRUNCATED_BASE64;
        if (d->b64.seen & ENVOI_B64_SEEN_BARE_CR)
            d->defects |= MIME_DEFECT_BARE_CR;
        return w;
    case MIME_CTE_QP:
        return qp_finish(d, out);
    case MIME_CTE_UU:
        return uu_finish(d, out);
    default:
        return 0;
    }
}

/* The part of another message that holds the message of part as its child
 * (that message was read from an encoded message/rfc822 part); NULL for a
 * part of a top message. */
static const envoi_part *graft_of(const envoi_part *part)
{
    const envoi_part *p = part;
    while (p->parent && p->parent->msg == p->msg)
        p = p->parent;
    return p->parent;
}

void mime_part_report(envoi_part *part, unsigned mask, size_t off)
{
    envoi_message *msg = part->msg;
    unsigned fresh = mask & ~part->defect_mask;
    if (!fresh)
        return;
    mime_defect_add_mask(msg, part, fresh, off);
    fresh &= part->defect_mask; /* the kinds recorded now */
    mime_defects_finish(msg);
    const mime_parsed *pm = msg->parsed;
    for (const envoi_part *g = graft_of(part); g && fresh; g = graft_of(g)) {
        for (size_t i = 0; i < pm->ndefects; i++)
            if (pm->defects[i].part == part && (pm->defects[i].kind & fresh))
                mime_defect_copy(g->msg, &pm->defects[i]);
        mime_defects_finish(g->msg);
    }
}

/* Bytes that need no decoding, in pieces. */
static int write_pieces(const unsigned char *p, size_t len, envoi_write_fn write, void *ctx)
{
    while (len > 0) {
        size_t k = len < DECODE_PIECE ? len : DECODE_PIECE;
        int rc = write(ctx, p, k);
        if (rc < 0)
            return rc;
        p += k;
        len -= k;
    }
    return 0;
}

static int write_decoded(envoi_part *part, const char *in, size_t len, envoi_write_fn write,
                         void *ctx)
{
    unsigned char *out = malloc(mime_decoder_bound(DECODE_PIECE));
    if (!out)
        return ENVOI_ENOMEM;
    mime_decoder d;
    mime_decoder_init(&d, part->cte);
    int rc = 0;
    while (len > 0 && rc == 0) {
        size_t k = len < DECODE_PIECE ? len : DECODE_PIECE;
        size_t w = mime_decoder_feed(&d, in, k, out);
        if (w)
            rc = write(ctx, out, w);
        in += k;
        len -= k;
    }
    size_t w = rc == 0 ? mime_decoder_finish(&d, out) : 0;
    if (w)
        rc = write(ctx, out, w);
    free(out);
    if (rc == 0)
        mime_part_report(part, d.defects, part->body_off);
    return rc;
}

int envoi_part_decode(const envoi_part *part, envoi_write_fn write, void *ctx)
{
    if (!part || !write)
        return ENVOI_EINVAL;
    envoi_part *p = (envoi_part *)part;
    const mime_parsed *pm = p->msg->parsed;
    if (!pm->has_bodies)
        return ENVOI_ESTATE;
    if (p->body_done)
        return write_pieces(p->body, p->body_len, write, ctx);
    const char *in = pm->src + p->body_off;
    size_t len = p->body_end - p->body_off;
    if (p->kind != MIME_LEAF)
        return write_pieces((const unsigned char *)in, len, write, ctx);
    if (p->cte == MIME_CTE_IDENTITY || p->cte == MIME_CTE_UNKNOWN) {
        int rc = write_pieces((const unsigned char *)in, len, write, ctx);
        if (rc == 0)
            mime_part_report(p, mime_body_controls(in, len), p->body_off);
        return rc;
    }
    return write_decoded(p, in, len, write, ctx);
}
