/* A small reader for envoid's JSON answers: walks the top-level object,
 * skipping nested values, and decodes the string and number members asked
 * for. Input is untrusted: every read is bounded by the text's length. */
#include <string.h>
#include <time.h>

#include "envoi/error.h"
#include "spool/spool_impl.h"
#include "spool/spool_json.h"

typedef struct cursor {
    const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->p < c->end && strchr(" \t\r\n", *c->p) && *c->p)
        c->p++;
}

/* At the opening quote: past the closing one; start/len the inside. */
static int scan_string(cursor *c, const char **start, size_t *len)
{
    c->p++;
    *start = c->p;
    while (c->p < c->end && *c->p != '"') {
        if (*c->p == '\\')
            c->p++;
        c->p++;
    }
    if (c->p >= c->end)
        return ENVOI_EPROTOCOL;
    *len = (size_t)(c->p - *start);
    c->p++;
    return 0;
}

/* An object or an array, whatever it holds, strings minded. */
static int scan_nested(cursor *c)
{
    size_t depth = 0;
    while (c->p < c->end) {
        char ch = *c->p;
        if (ch == '"') {
            const char *s;
            size_t n;
            if (scan_string(c, &s, &n) < 0)
                return ENVOI_EPROTOCOL;
            continue;
        }
        c->p++;
        if (ch == '{' || ch == '[')
            depth++;
        else if ((ch == '}' || ch == ']') && --depth == 0)
            return 0;
    }
    return ENVOI_EPROTOCOL;
}

static int scan_value(cursor *c, spool_json_value *v)
{
    skip_space(c);
    if (c->p >= c->end)
        return ENVOI_EPROTOCOL;
    const char *from = c->p;
    if (*c->p == '"') {
        v->type = SPOOL_JSON_STRING;
        return scan_string(c, &v->start, &v->len);
    }
    if (*c->p == '{' || *c->p == '[') {
        v->type = SPOOL_JSON_NESTED;
        int rc = scan_nested(c);
        v->start = from;
        v->len = (size_t)(c->p - from);
        return rc;
    }
    v->type =
        (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) ? SPOOL_JSON_NUMBER : SPOOL_JSON_LITERAL;
    while (c->p < c->end && !strchr(",}] \t\r\n", *c->p))
        c->p++;
    v->start = from;
    v->len = (size_t)(c->p - from);
    return v->len ? 0 : ENVOI_EPROTOCOL;
}

int spool_json_member(const char *text, size_t len, const char *key, spool_json_value *out)
{
    cursor c = {text, text + len};
    skip_space(&c);
    if (c.p >= c.end || *c.p != '{')
        return ENVOI_EPROTOCOL;
    c.p++;
    size_t key_len = strlen(key);
    for (;;) {
        skip_space(&c);
        if (c.p < c.end && *c.p == '}')
            return ENVOI_ENOTFOUND;
        const char *name;
        size_t name_len;
        if (c.p >= c.end || *c.p != '"' || scan_string(&c, &name, &name_len) < 0)
            return ENVOI_EPROTOCOL;
        skip_space(&c);
        if (c.p >= c.end || *c.p != ':')
            return ENVOI_EPROTOCOL;
        c.p++;
        spool_json_value v;
        if (scan_value(&c, &v) < 0)
            return ENVOI_EPROTOCOL;
        if (name_len == key_len && memcmp(name, key, key_len) == 0) {
            *out = v;
            return 0;
        }
        skip_space(&c);
        if (c.p < c.end && *c.p == ',')
            c.p++;
        else if (c.p >= c.end || *c.p != '}')
            return ENVOI_EPROTOCOL;
    }
}

static int hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        unsigned d = ch >= '0' && ch <= '9'   ? (unsigned)(ch - '0')
                     : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
                     : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10)
                                              : 16u;
        if (d > 15)
            return -1;
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

/* One \uXXXX escape (a surrogate pair taking two) at p, after the 'u'. */
static size_t decode_unicode(const char *p, const char *end, unsigned *cp)
{
    unsigned hi;
    if (hex4(p, end, &hi) < 0) {
        *cp = '?';
        return 0;
    }
    *cp = hi;
    if (hi >= 0xD800 && hi < 0xDC00) {
        unsigned lo;
        if (end - p >= 10 && p[4] == '\\' && p[5] == 'u' && hex4(p + 6, end, &lo) == 0 &&
            lo >= 0xDC00 && lo < 0xE000) {
            *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return 10;
        }
        *cp = 0xFFFD;
    } else if (hi >= 0xDC00 && hi < 0xE000) {
        *cp = 0xFFFD;
    }
    return 4;
}

static size_t utf8_encode(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static unsigned simple_escape(char ch)
{
    switch (ch) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    default:
        return (unsigned char)ch; /* '"', '\\', '/' and anything else as is */
    }
}

/* The length of dst[0..n) without a character cut short at its end (bytes
 * are copied one at a time, so the last character may be incomplete). */
static size_t trim_partial(const char *dst, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)dst[i - 1] & 0xC0) == 0x80 && n - i < 3)
        i--;
    if (i == 0)
        return n;
    unsigned char lead = (unsigned char)dst[i - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return n - (i - 1) < want ? i - 1 : n;
}

int spool_json_string(const spool_json_value *v, char *dst, size_t size)
{
    if (v->type != SPOOL_JSON_STRING || size == 0)
        return ENVOI_EINVAL;
    const char *p = v->start, *end = v->start + v->len;
    size_t n = 0;
    while (p < end) {
        char tmp[4];
        size_t k;
        if (*p != '\\') {
            tmp[0] = *p++;
            k = 1;
        } else if (p + 1 < end && p[1] == 'u') {
            unsigned cp;
            p += 2;
            p += decode_unicode(p, end, &cp);
            k = utf8_encode(cp ? cp : '?', tmp);
        } else {
            k = utf8_encode(p + 1 < end ? simple_escape(p[1]) : '?', tmp);
            p += 2;
        }
        if (n + k >= size) {
            dst[trim_partial(dst, n)] = '\0';
            return 0;
        }
        memcpy(dst + n, tmp, k);
        n += k;
    }
    dst[n] = '\0';
    return 0;
}

int spool_json_uint(const spool_json_value *v, uint64_t *out)
{
    if (v->type != SPOOL_JSON_NUMBER || v->len == 0 || v->len > 19)
        return ENVOI_EINVAL;
    uint64_t x = 0;
    for (size_t i = 0; i < v->len; i++) {
        if (v->start[i] < '0' || v->start[i] > '9')
            return ENVOI_EINVAL;
        x = x * 10 + (uint64_t)(v->start[i] - '0');
    }
    *out = x;
    return 0;
}

int spool_json_time(const spool_json_value *v, int64_t *out)
{
    *out = 0;
    if (v->type == SPOOL_JSON_LITERAL && v->len == 4 && memcmp(v->start, "null", 4) == 0)
        return 0;
    char text[40];
    if (v->type != SPOOL_JSON_STRING || v->len >= sizeof text)
        return ENVOI_EINVAL;
    memcpy(text, v->start, v->len);
    text[v->len] = '\0';
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int ms = 0;
    const char *rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest)
        return ENVOI_EINVAL;
    if (rest[0] == '.' && rest[1] >= '0' && rest[1] <= '9' && rest[2] >= '0' && rest[2] <= '9' &&
        rest[3] >= '0' && rest[3] <= '9') {
        ms = (rest[1] - '0') * 100 + (rest[2] - '0') * 10 + (rest[3] - '0');
        rest += 4;
    }
    if (strcmp(rest, "Z") != 0)
        return ENVOI_EINVAL;
    time_t secs = timegm(&tm);
    if (secs == (time_t)-1)
        return ENVOI_EINVAL;
    *out = (int64_t)secs * 1000 + ms;
    return 0;
}
