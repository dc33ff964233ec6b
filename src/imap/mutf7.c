/* Mailbox names in modified UTF-7 (RFC 3501 section 5.1.3): printable ASCII
 * stands for itself, "&-" for '&', and other characters are UTF-16 in a
 * base64 variant (',' for '/') between '&' and '-'. */
#include "imap/response.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == ',')
        return 63;
    return -1;
}

static bool is_printable(unsigned c)
{
    return c >= 0x20 && c <= 0x7e;
}

/* Length of the valid UTF-8 sequence at s (its code point in *cp), 0 when
 * invalid: overlong forms, surrogates and values above U+10FFFF refused. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2, min = 0x80, c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, min = 0x800, c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

static bool is_utf8(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = utf8_decode(u + i, len - i, &cp);
        if (n == 0 || cp == 0)
            return false;
        i += n;
    }
    return true;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xc0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xe0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *o++ = (char)(0xf0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    }
    return o;
}

/* The base64 run s[0..len) (between '&' and '-') as UTF-8 at *o. Refused:
 * bytes outside the alphabet, leftover bits that are not zero or make a
 * whole base64 digit, unpaired surrogates, and characters that should have
 * been written as themselves (printable ASCII). */
static int decode_run(const char *s, size_t len, char **o)
{
    uint32_t bits = 0;
    unsigned nbits = 0, high = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0)
            return -1;
        bits = (bits << 6 | (unsigned)v) & 0xffffff;
        nbits += 6;
        if (nbits < 16)
            continue;
        nbits -= 16;
        unsigned u = (bits >> nbits) & 0xffff;
        if (high) {
            if (u < 0xdc00 || u > 0xdfff)
                return -1;
            *o = put_utf8(*o, 0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00));
            high = 0;
        } else if (u >= 0xd800 && u <= 0xdbff) {
            high = u;
        } else if ((u >= 0xdc00 && u <= 0xdfff) || is_printable(u) || u == 0) {
            return -1;
        } else {
            *o = put_utf8(*o, u);
        }
    }
    if (high || nbits >= 6 || (bits & ((1u << nbits) - 1)) != 0)
        return -1;
    return 0;
}

int imap_mutf7_decode(const char *in, size_t len, char **out)
{
    *out = NULL;
    if (!in && len)
        return ENVOI_EINVAL;
    bool ascii = true;
    for (size_t i = 0; i < len && ascii; i++)
        ascii = (unsigned char)in[i] < 0x80;
    if (!ascii) {
        if (!is_utf8(in, len))
            return ENVOI_EPROTOCOL;
        *out = strndup(in, len);
        return *out ? 0 : ENVOI_ENOMEM;
    }
    /* k base64 digits make at most 6k/16 UTF-16 units of at most 3 UTF-8
     * bytes each (a surrogate pair: 4 bytes for 2 units): 9k/8 bytes. */
    char *res = malloc(len + len / 8 + 1), *o = res;
    if (!res)
        return ENVOI_ENOMEM;
    bool after_run = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)in[i];
        if (c != '&') {
            if (!is_printable(c))
                goto bad;
            *o++ = (char)c;
            i++;
            after_run = false;
            continue;
        }
        const char *dash = memchr(in + i + 1, '-', len - i - 1);
        if (!dash)
            goto bad;
        size_t run = (size_t)(dash - (in + i + 1));
        if (run == 0) {
            *o++ = '&';
            after_run = false;
        } else {
            /* Two runs in a row should have been one. */
            if (after_run || decode_run(in + i + 1, run, &o) < 0)
                goto bad;
            after_run = true;
        }
        i += run + 2;
    }
    *o = '\0';
    *out = res;
    return 0;
bad:
    free(res);
    return ENVOI_EPROTOCOL;
}

/* A base64 run being written: the bits not yet making a whole digit. */
struct run {
    envoi_buf *b;
    uint32_t bits;
    unsigned nbits;
    bool open;
};

static int put_unit(struct run *r, unsigned unit)
{
    if (!r->open) {
        if (envoi_buf_append_char(r->b, '&') < 0)
            return ENVOI_ENOMEM;
        r->open = true;
    }
    r->bits = r->bits << 16 | unit;
    r->nbits += 16;
    while (r->nbits >= 6) {
        r->nbits -= 6;
        if (envoi_buf_append_char(r->b, b64[(r->bits >> r->nbits) & 0x3f]) < 0)
            return ENVOI_ENOMEM;
    }
    r->bits &= (1u << r->nbits) - 1;
    return 0;
}

static int close_run(struct run *r)
{
    if (!r->open)
        return 0;
    if (r->nbits && envoi_buf_append_char(r->b, b64[(r->bits << (6 - r->nbits)) & 0x3f]) < 0)
        return ENVOI_ENOMEM;
    r->bits = 0;
    r->nbits = 0;
    r->open = false;
    return envoi_buf_append_char(r->b, '-');
}

static int encode_char(struct run *r, unsigned cp)
{
    if (is_printable(cp)) {
        int rc = close_run(r);
        if (rc < 0)
            return rc;
        return cp == '&' ? envoi_buf_append(r->b, "&-", 2) : envoi_buf_append_char(r->b, (char)cp);
    }
    if (cp < 0x10000)
        return put_unit(r, cp);
    int rc = put_unit(r, 0xd800 + ((cp - 0x10000) >> 10));
    return rc < 0 ? rc : put_unit(r, 0xdc00 + ((cp - 0x10000) & 0x3ff));
}

int imap_mutf7_encode(const char *in, size_t len, char **out)
{
    *out = NULL;
    if (!in && len)
        return ENVOI_EINVAL;
    envoi_buf b = ENVOI_BUF_INIT;
    struct run r = {&b, 0, 0, false};
    const unsigned char *u = (const unsigned char *)in;
    int rc = envoi_buf_reserve(&b, len + 1);
    if (rc == 0)
        rc = envoi_buf_append(&b, "", 0);
    for (size_t i = 0; rc == 0 && i < len;) {
        unsigned cp;
        size_t n = utf8_decode(u + i, len - i, &cp);
        if (n == 0 || cp == 0) {
            rc = ENVOI_EINVAL;
            break;
        }
        rc = encode_char(&r, cp);
        i += n;
    }
    if (rc == 0)
        rc = close_run(&r);
    if (rc < 0) {
        envoi_buf_free(&b);
        return rc;
    }
    *out = envoi_buf_steal(&b, NULL);
    return *out ? 0 : ENVOI_ENOMEM;
}
