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

/* Values 0..63 for the alphabet; B64_SKIP (0x40) for whitespace, B64_PAD
 * (0x41) for '=', B64_JUNK (0x80) for the rest. */
enum { B64_SKIP = 0x40, B64_PAD = 0x41, B64_JUNK = 0x80 };

static const unsigned char lenient_table[256] = {
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x40, 0x40, 0x40, 0x40, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x40, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x3e, 0x80, 0x80, 0x80, 0x3f,
    0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x80, 0x80, 0x80, 0x41, 0x80, 0x80,
    0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
};

/* Flush an incomplete group at '=' or at the end; returns bytes written. */
static size_t flush_group(envoi_b64_dec *d, unsigned char *out, size_t *junk)
{
    size_t w = 0;
    if (d->nchars == 2) {
        out[w++] = (unsigned char)(d->acc >> 4);
    } else if (d->nchars == 3) {
        out[w++] = (unsigned char)(d->acc >> 10);
        out[w++] = (unsigned char)(d->acc >> 2);
    } else if (d->nchars == 1) {
        ++*junk;
    }
    d->acc = 0;
    d->nchars = 0;
    return w;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define B64_AVX2 1

/* 32 characters at in, of which the leading run in the alphabet is decoded:
 * returns its length (0..32). 24 bytes are always stored at out; those past
 * the run's whole groups are garbage for the caller to overwrite. Each
 * character is classified by its two nibbles with two table look-ups (a
 * character is in the alphabet when the class bits of its low and high
 * nibble do not meet), shifted to its 6-bit value by a third look-up on its
 * high nibble ('/' apart), and the values are packed four by four into
 * three bytes with two multiply-adds and a shuffle. */
__attribute__((target("avx2"))) static unsigned decode32_avx2(const unsigned char *in,
                                                              unsigned char *out)
{
    const __m256i lut_lo =
        _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a,
                         0x1b, 0x1b, 0x1b, 0x1a, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                         0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
    const __m256i lut_hi =
        _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10,
                         0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
                         0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m256i lut_shift =
        _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4,
                         -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)in);
    __m256i hi_nib = _mm256_and_si256(_mm256_srli_epi32(c, 4), nibble);
    __m256i lo_cls = _mm256_shuffle_epi8(lut_lo, _mm256_and_si256(c, nibble));
    __m256i hi_cls = _mm256_shuffle_epi8(lut_hi, hi_nib);
    __m256i ok = _mm256_cmpeq_epi8(_mm256_and_si256(lo_cls, hi_cls), _mm256_setzero_si256());
    unsigned bad = ~(unsigned)_mm256_movemask_epi8(ok);
    unsigned run = bad ? (unsigned)__builtin_ctz(bad) : 32;
    if (run < 4)
        return run;
    __m256i slash = _mm256_cmpeq_epi8(c, _mm256_set1_epi8(0x2f));
    __m256i v = _mm256_add_epi8(c, _mm256_shuffle_epi8(lut_shift, _mm256_add_epi8(slash, hi_nib)));
    /* [a b c d] -> (a << 6 | b), (c << 6 | d) -> a << 18 | b << 12 | c << 6 | d */
    __m256i pairs = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
    __m256i words = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
    __m256i bytes = _mm256_shuffle_epi8(
        words, _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6,
                                5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
    bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7));
    _mm_storeu_si128((__m128i *)(void *)out, _mm256_castsi256_si128(bytes));
    _mm_storel_epi64((__m128i *)(void *)(out + 16), _mm256_extracti128_si256(bytes, 1));
    return run;
}

/* Lines of whole groups of alphabet characters from *pp, 32 characters at a
 * time while at least 32 remain, stepping over CRLF or LF between groups;
 * stops at anything else (or a group it cuts short). Returns bytes written. */
__attribute__((target("avx2"))) static size_t run_avx2(const unsigned char **pp,
                                                       const unsigned char *end, unsigned char *out)
{
    const unsigned char *p = *pp;
    size_t w = 0;
    while (end - p >= 32) {
        /* Bodies come from memory, not from cache: ask for them ahead. */
        __builtin_prefetch(p + 2048);
        unsigned run = decode32_avx2(p, out + w);
        if (run == 32) {
            /* The next address depends on a predicted branch only, not on
             * the data: iterations overlap. */
            p += 32;
            w += 24;
            continue;
        }
        p += run / 4 * 4;
        w += run / 4 * 3;
        if (run % 4)
            break;
        /* p < end: the character that stopped the run was loaded. */
        if (p[0] == '\r' && end - p >= 2 && p[1] == '\n')
            p += 2;
        else if (p[0] == '\n')
            p++;
        else
            break;
    }
    *pp = p;
    return w;
}
#endif

/* Whole groups of four alphabet characters, one table look-up each; stops
 * at the first group holding anything else. Returns bytes written. */
static size_t run_scalar(const unsigned char **pp, const unsigned char *end, unsigned char *out)
{
    const unsigned char *t = lenient_table, *p = *pp;
    size_t w = 0;
    while (end - p >= 4) {
        unsigned a = t[p[0]], b = t[p[1]], c = t[p[2]], e = t[p[3]];
        if ((a | b | c | e) & 0xC0)
            break;
        unsigned v = a << 18 | b << 12 | c << 6 | e;
        out[w] = (unsigned char)(v >> 16);
        out[w + 1] = (unsigned char)(v >> 8);
        out[w + 2] = (unsigned char)v;
        w += 3;
        p += 4;
    }
    *pp = p;
    return w;
}

/* One character off the common path: a group cut by a line end, padding,
 * whitespace, a bare CR, a NUL or junk. */
static size_t slow_char(envoi_b64_dec *d, const unsigned char **pp, const unsigned char *end,
                        unsigned char *out, size_t *junk)
{
    const unsigned char *p = *pp;
    unsigned char ch = *p++;
    unsigned v = lenient_table[ch];
    size_t w = 0;
    *pp = p;
    if (v < 64) {
        d->acc = d->acc << 6 | v;
        if (++d->nchars == 4) {
            out[w++] = (unsigned char)(d->acc >> 16);
            out[w++] = (unsigned char)(d->acc >> 8);
            out[w++] = (unsigned char)d->acc;
            d->acc = 0;
            d->nchars = 0;
        }
    } else if (v == B64_PAD) {
        w += flush_group(d, out, junk);
    } else if (ch == '\r') {
        if (p == end)
            d->cr = true;
        else if (*p != '\n')
            d->seen |= ENVOI_B64_SEEN_BARE_CR;
    } else if (v == B64_JUNK) {
        ++*junk;
        if (ch == '\0')
            d->seen |= ENVOI_B64_SEEN_NUL;
    }
    return w;
}

size_t envoi_b64_dec_lenient(envoi_b64_dec *d, const char *in, size_t len, unsigned char *out,
                             size_t *junk)
{
    const unsigned char *p = (const unsigned char *)in, *end = p + len;
    size_t w = 0;
    if (d->cr && p < end) {
        d->cr = false;
        if (*p != '\n')
            d->seen |= ENVOI_B64_SEEN_BARE_CR;
    }
#ifdef B64_AVX2
    bool avx2 = len >= 32 && __builtin_cpu_supports("avx2");
#endif
    while (p < end) {
        if (d->nchars == 0) {
            /* Common path: lines of whole groups of alphabet characters,
             * their line ends skipped here too. */
#ifdef B64_AVX2
            if (avx2)
                w += run_avx2(&p, end, out + w);
#endif
            w += run_scalar(&p, end, out + w);
            if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
                p += 2;
                continue;
            }
            if (p < end && p[0] == '\n') {
                p++;
                continue;
            }
            if (p == end)
                break;
        }
        w += slow_char(d, &p, end, out + w, junk);
    }
    return w;
}

size_t envoi_b64_dec_lenient_final(envoi_b64_dec *d, unsigned char *out, bool *truncated)
{
    size_t junk = 0;
    *truncated = d->nchars != 0;
    if (d->cr)
        d->seen |= ENVOI_B64_SEEN_BARE_CR;
    d->cr = false;
    return flush_group(d, out, &junk);
}
