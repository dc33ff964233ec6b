/* A small, bounded JSON reader for one object: its top-level members'
 * strings (escapes decoded, UTF-8 checked) and numbers, nested values
 * skipped to a fixed depth. Enough for token endpoint answers and the
 * cache file, without a JSON library in libenvoi. */
#include <stdint.h>
#include <string.h>

#include "oauth/oauth_impl.h"
#include "util/secret.h"

enum { MAX_DEPTH = 64 };

typedef struct reader {
    const char *p, *end;
    envoi_buf key, value; /* decoded strings, wiped after use */
} reader;

static void skip_blanks(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int hex4(reader *r, unsigned *out)
{
    if (r->end - r->p < 4)
        return ENVOI_EPROTOCOL;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *r->p++;
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (unsigned)((c | 0x20) - 'a' + 10);
        else
            return ENVOI_EPROTOCOL;
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

static int put_utf8(envoi_buf *out, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return envoi_buf_append(out, b, n);
}

/* \uXXXX, with a surrogate pair's second half; NUL is refused. */
static int unicode_escape(reader *r, envoi_buf *out)
{
    unsigned cp, lo;
    if (hex4(r, &cp) < 0 || cp == 0)
        return ENVOI_EPROTOCOL;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return ENVOI_EPROTOCOL;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
            return ENVOI_EPROTOCOL;
        r->p += 2;
        if (hex4(r, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
            return ENVOI_EPROTOCOL;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    return put_utf8(out, cp) < 0 ? ENVOI_ENOMEM : 0;
}

static int escape(reader *r, envoi_buf *out)
{
    if (r->p >= r->end)
        return ENVOI_EPROTOCOL;
    char c = *r->p++;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = c ? strchr(from, c) : NULL;
    if (hit)
        return envoi_buf_append_char(out, to[hit - from]) < 0 ? ENVOI_ENOMEM : 0;
    if (c == 'u')
        return unicode_escape(r, out);
    return ENVOI_EPROTOCOL;
}

/* The length of a valid UTF-8 sequence at p (lead byte >= 0x80), 0 if none. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || p[0] > 0xf4 || (size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
        (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
        return 0;
    return n;
}

/* A string at r->p (the opening quote) decoded into out (or only checked
 * when out is NULL). */
static int read_string(reader *r, envoi_buf *out)
{
    if (r->p >= r->end || *r->p != '"')
        return ENVOI_EPROTOCOL;
    r->p++;
    envoi_buf scratch = ENVOI_BUF_INIT;
    envoi_buf *dst = out ? out : &scratch;
    int rc = 0;
    while (rc == 0) {
        if (r->p >= r->end) {
            rc = ENVOI_EPROTOCOL;
            break;
        }
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            break;
        }
        if (c < 0x20) {
            rc = ENVOI_EPROTOCOL;
        } else if (c == '\\') {
            r->p++;
            rc = escape(r, dst);
        } else if (c < 0x80) {
            rc = envoi_buf_append_char(dst, (char)c) < 0 ? ENVOI_ENOMEM : 0;
            r->p++;
        } else {
            size_t n = utf8_len((const unsigned char *)r->p, (const unsigned char *)r->end);
            if (n == 0)
                rc = ENVOI_EPROTOCOL;
            else if (envoi_buf_append(dst, r->p, n) < 0)
                rc = ENVOI_ENOMEM;
            r->p += n;
        }
        if (!out)
            envoi_buf_truncate(&scratch, 0);
    }
    envoi_buf_wipe_free(&scratch);
    if (rc == 0 && out && envoi_buf_append(out, "", 0) < 0)
        rc = ENVOI_ENOMEM;
    return rc;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* RFC 8259 number grammar. */
static int read_number(reader *r)
{
    const char *p = r->p;
    if (p < r->end && *p == '-')
        p++;
    if (p >= r->end || !is_digit(*p))
        return ENVOI_EPROTOCOL;
    if (*p == '0')
        p++;
    else
        while (p < r->end && is_digit(*p))
            p++;
    if (p < r->end && *p == '.') {
        p++;
        if (p >= r->end || !is_digit(*p))
            return ENVOI_EPROTOCOL;
        while (p < r->end && is_digit(*p))
            p++;
    }
    if (p < r->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < r->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= r->end || !is_digit(*p))
            return ENVOI_EPROTOCOL;
        while (p < r->end && is_digit(*p))
            p++;
    }
    r->p = p;
    return 0;
}

static int read_literal(reader *r)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(r->end - r->p) >= n && memcmp(r->p, words[i], n) == 0) {
            r->p += n;
            return 0;
        }
    }
    return ENVOI_EPROTOCOL;
}

static int skip_value(reader *r, int depth);

/* An object or array at r->p, skipped. */
static int skip_container(reader *r, int depth)
{
    if (depth >= MAX_DEPTH)
        return ENVOI_EPROTOCOL;
    char close = *r->p == '{' ? '}' : ']';
    bool object = close == '}';
    r->p++;
    skip_blanks(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        int rc;
        if (object) {
            if ((rc = read_string(r, NULL)) < 0)
                return rc;
            skip_blanks(r);
            if (r->p >= r->end || *r->p != ':')
                return ENVOI_EPROTOCOL;
            r->p++;
        }
        if ((rc = skip_value(r, depth + 1)) < 0)
            return rc;
        skip_blanks(r);
        if (r->p >= r->end)
            return ENVOI_EPROTOCOL;
        if (*r->p == close) {
            r->p++;
            return 0;
        }
        if (*r->p != ',')
            return ENVOI_EPROTOCOL;
        r->p++;
        skip_blanks(r);
    }
}

static int skip_value(reader *r, int depth)
{
    skip_blanks(r);
    if (r->p >= r->end)
        return ENVOI_EPROTOCOL;
    char c = *r->p;
    if (c == '"')
        return read_string(r, NULL);
    if (c == '{' || c == '[')
        return skip_container(r, depth);
    if (c == '-' || is_digit(c))
        return read_number(r);
    return read_literal(r);
}

/* One member's value at r->p, handed to member. */
static int take_value(reader *r, oauth_json_member_fn member, void *ctx)
{
    oauth_json_value v = {OAUTH_JSON_OTHER, "", 0};
    const char *start = r->p;
    int rc;
    if (r->p < r->end && *r->p == '"') {
        envoi_buf_truncate(&r->value, 0);
        if ((rc = read_string(r, &r->value)) < 0)
            return rc;
        v.type = OAUTH_JSON_STRING;
        v.text = r->value.data;
        v.len = r->value.len;
        if (memchr(v.text, '\0', v.len)) /* cannot happen: \u0000 is refused */
            return ENVOI_EPROTOCOL;
    } else if (r->p < r->end && (*r->p == '-' || is_digit(*r->p))) {
        if ((rc = read_number(r)) < 0)
            return rc;
        v.type = OAUTH_JSON_NUMBER;
        v.text = start;
        v.len = (size_t)(r->p - start);
    } else if ((rc = skip_value(r, 1)) < 0) {
        return rc;
    }
    rc = member(ctx, r->key.data, &v);
    envoi_wipe(r->value.data, r->value.cap);
    return rc;
}

static int read_object(reader *r, oauth_json_member_fn member, void *ctx)
{
    skip_blanks(r);
    if (r->p >= r->end || *r->p != '{')
        return ENVOI_EPROTOCOL;
    r->p++;
    skip_blanks(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return 0;
    }
    for (;;) {
        envoi_buf_truncate(&r->key, 0);
        int rc = read_string(r, &r->key);
        if (rc < 0)
            return rc;
        skip_blanks(r);
        if (r->p >= r->end || *r->p != ':')
            return ENVOI_EPROTOCOL;
        r->p++;
        skip_blanks(r);
        if ((rc = take_value(r, member, ctx)) < 0)
            return rc;
        skip_blanks(r);
        if (r->p >= r->end)
            return ENVOI_EPROTOCOL;
        if (*r->p == '}') {
            r->p++;
            return 0;
        }
        if (*r->p != ',')
            return ENVOI_EPROTOCOL;
        r->p++;
        skip_blanks(r);
    }
}

int oauth_json_object(const char *text, size_t len, oauth_json_member_fn member, void *ctx)
{
    reader r = {text, text + len, ENVOI_BUF_INIT, ENVOI_BUF_INIT};
    /* A decoded string is never longer than the text: no buffer moves, so
     * no copy of a secret is left behind. */
    int rc = envoi_buf_reserve(&r.key, len) < 0 || envoi_buf_reserve(&r.value, len) < 0
                 ? ENVOI_ENOMEM
                 : 0;
    if (rc == 0) {
        envoi_buf_append(&r.key, "", 0);
        envoi_buf_append(&r.value, "", 0);
        rc = read_object(&r, member, ctx);
    }
    if (rc == 0) {
        skip_blanks(&r);
        if (r.p != r.end)
            rc = ENVOI_EPROTOCOL;
    }
    envoi_buf_wipe_free(&r.key);
    envoi_buf_wipe_free(&r.value);
    return rc;
}
