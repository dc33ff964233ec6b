/* Structured values with parameters (Content-Type, Content-Disposition):
 * quoted strings, tokens, RFC 2231 continuations and charsets, RFC 2047
 * inside quotes, and the usual breakage (missing quotes or semicolons). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"
#include "mime/decode.h"
#include "mime/defect.h"
#include "mime/lex.h"
#include "util/charset.h"
#include "util/hex.h"
#include "util/utf8.h"

/* One "name[*N][*]=value" as written, before continuations are joined. */
struct raw_param {
    char *name;    /* lowercase, without the RFC 2231 suffix */
    long section;  /* -1 when not a continuation */
    bool extended; /* value is charset'lang'%XX (or %XX for later sections) */
    char *value;   /* unquoted bytes */
    size_t value_len;
    size_t order; /* position in the header, for stable sorting */
};

struct raw_list {
    struct raw_param *items;
    size_t len, cap;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static size_t skip_cfws(const char *s, size_t len, size_t i)
{
    while (i < len) {
        if (is_blank(s[i]))
            i++;
        else if (s[i] == '(')
            i = mime_skip_comment(s, len, i);
        else
            break;
    }
    return i;
}

static char *dup_lower(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < len; i++)
        d[i] = lower(s[i]);
    d[len] = '\0';
    return d;
}

/* The value before the parameters: "text/plain", lowercased, comments and
 * blanks removed. Returns the offset where the parameters start. */
static size_t parse_main_value(const char *s, size_t len, envoi_buf *v, unsigned *defects, int *rc)
{
    size_t i = skip_cfws(s, len, 0);
    *rc = 0;
    while (i < len && s[i] != ';') {
        if (s[i] == '(') {
            i = mime_skip_comment(s, len, i);
            continue;
        }
        if (is_blank(s[i])) {
            size_t j = skip_cfws(s, len, i);
            if (j < len && s[j] != ';' && v->len) {
                /* "text/plain charset=x": a parameter without its ';'. */
                *defects |= MIME_DEFECT_BAD_PARAM;
                return j;
            }
            i = j;
            continue;
        }
        if (s[i] == '"')
            *defects |= MIME_DEFECT_BAD_PARAM;
        else if (envoi_buf_append_char(v, lower(s[i])) < 0) {
            *rc = ENVOI_ENOMEM;
            return len;
        }
        i++;
    }
    return i;
}

static int push_raw(struct raw_list *l, struct raw_param *p)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct raw_param *n = realloc(l->items, cap * sizeof *n);
        if (!n)
            return ENVOI_ENOMEM;
        l->items = n;
        l->cap = cap;
    }
    p->order = l->len;
    l->items[l->len++] = *p;
    return 0;
}

static void free_raw(struct raw_list *l)
{
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].name);
        free(l->items[i].value);
    }
    free(l->items);
}

/* Split "name*2*" into base name, section 2, extended. */
static void split_name(char *name, long *section, bool *extended)
{
    size_t n = strlen(name);
    *section = -1;
    *extended = false;
    if (n && name[n - 1] == '*') {
        *extended = true;
        name[--n] = '\0';
    }
    char *star = strrchr(name, '*');
    if (star && star[1]) {
        long sec = 0;
        const char *d = star + 1;
        while (*d >= '0' && *d <= '9' && sec < 100000000)
            sec = sec * 10 + (*d++ - '0');
        if (!*d) {
            *section = sec;
            *star = '\0';
        }
    }
}

/* A quoted string starting at s[i] == '"', backslash escapes removed. */
static size_t read_quoted(const char *s, size_t len, size_t i, envoi_buf *v, unsigned *defects,
                          int *rc)
{
    i++;
    while (i < len && s[i] != '"') {
        size_t run = i;
        while (i < len && s[i] != '"' && s[i] != '\\')
            i++;
        if (envoi_buf_append(v, s + run, i - run) < 0)
            goto oom;
        if (i < len && s[i] == '\\') {
            if (i + 1 < len && envoi_buf_append_char(v, s[i + 1]) < 0)
                goto oom;
            i += 2;
        }
    }
    if (i >= len) {
        *defects |= MIME_DEFECT_BAD_PARAM;
        return len;
    }
    return i + 1;
oom:
    *rc = ENVOI_ENOMEM;
    return len;
}

/* True when s[i..] starts "token=" (a parameter that lost its ';'). */
static bool starts_param(const char *s, size_t len, size_t i)
{
    size_t j = i;
    while (j < len && !is_blank(s[j]) && s[j] != '=' && s[j] != ';' && s[j] != '"')
        j++;
    if (j == i)
        return false;
    j = skip_cfws(s, len, j);
    return j < len && s[j] == '=';
}

/* An unquoted value: up to ';' (blanks inside kept, as in a file name that
 * lost its quotes), or up to a blank followed by another "name=". */
static size_t read_token(const char *s, size_t len, size_t i, envoi_buf *v, unsigned *defects,
                         int *rc)
{
    size_t start = i, end = i;
    while (i < len && s[i] != ';') {
        if (is_blank(s[i])) {
            size_t j = i;
            while (j < len && is_blank(s[j]))
                j++;
            if (j < len && starts_param(s, len, j)) {
                *defects |= MIME_DEFECT_BAD_PARAM;
                break;
            }
            if (j < len && s[j] == '(')
                break;
            i = j;
            continue;
        }
        if (s[i] == '"' || s[i] == '(' || s[i] == '\\') {
            if (s[i] == '(')
                break;
            *defects |= MIME_DEFECT_BAD_PARAM;
        }
        end = ++i;
    }
    if (end > start && memchr(s + start, ' ', end - start))
        *defects |= MIME_DEFECT_BAD_PARAM;
    if (envoi_buf_append(v, s + start, end - start) < 0)
        *rc = ENVOI_ENOMEM;
    return i;
}

/* Parse one parameter at s[i]; returns the offset after it. */
static size_t parse_one(const char *s, size_t len, size_t i, struct raw_list *l, unsigned *defects,
                        int *rc)
{
    size_t ns = i;
    while (i < len && !is_blank(s[i]) && s[i] != '=' && s[i] != ';' && s[i] != '"' && s[i] != '(')
        i++;
    size_t ne = i;
    i = skip_cfws(s, len, i);
    if (ne == ns || i >= len || s[i] != '=') {
        /* No name, or a name without '=': skip to the next ';'. */
        *defects |= MIME_DEFECT_BAD_PARAM;
        while (i < len && s[i] != ';') {
            if (s[i] == '"') {
                envoi_buf tmp = ENVOI_BUF_INIT;
                i = read_quoted(s, len, i, &tmp, defects, rc);
                envoi_buf_free(&tmp);
            } else {
                i++;
            }
        }
        return i;
    }
    i = skip_cfws(s, len, i + 1);
    envoi_buf v = ENVOI_BUF_INIT;
    if (i < len && s[i] == '"') {
        i = read_quoted(s, len, i, &v, defects, rc);
        size_t j = skip_cfws(s, len, i);
        if (j < len && s[j] != ';') {
            if (!starts_param(s, len, j)) {
                *defects |= MIME_DEFECT_BAD_PARAM;
                while (j < len && s[j] != ';')
                    j++;
            } else {
                *defects |= MIME_DEFECT_BAD_PARAM;
            }
        }
        i = j;
    } else {
        i = read_token(s, len, i, &v, defects, rc);
    }
    struct raw_param p = {0};
    p.name = dup_lower(s + ns, ne - ns);
    if (*rc < 0 || !p.name || envoi_buf_append(&v, "", 0) < 0) {
        free(p.name);
        envoi_buf_free(&v);
        *rc = ENVOI_ENOMEM;
        return len;
    }
    split_name(p.name, &p.section, &p.extended);
    p.value = envoi_buf_steal(&v, &p.value_len);
    if (push_raw(l, &p) < 0) {
        free(p.name);
        free(p.value);
        *rc = ENVOI_ENOMEM;
        return len;
    }
    return i;
}

/* %XX escapes of an RFC 2231 value decoded (a malformed '%' kept). */
static int append_percent(const char *s, size_t len, envoi_buf *out, unsigned *defects)
{
    if (envoi_buf_reserve(out, len) < 0)
        return ENVOI_ENOMEM;
    char *o = out->data + out->len;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len) {
            int hi = envoi_hex_value((unsigned char)s[i + 1]);
            int lo = envoi_hex_value((unsigned char)s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                *o++ = (char)(hi << 4 | lo);
                i += 2;
                continue;
            }
        }
        if (s[i] == '%')
            *defects |= MIME_DEFECT_BAD_PARAM;
        *o++ = s[i];
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    return 0;
}

static int cmp_section(const void *a, const void *b)
{
    const struct raw_param *x = *(struct raw_param *const *)a, *y = *(struct raw_param *const *)b;
    if (x->section != y->section)
        return x->section < y->section ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void note_result(int rc, unsigned *defects)
{
    if (rc == CHARSET_UNKNOWN)
        *defects |= MIME_DEFECT_UNKNOWN_CHARSET;
    else if (rc == CHARSET_MISMATCH)
        *defects |= MIME_DEFECT_CHARSET_MISMATCH;
}

/* Drop NUL bytes from a decoded value (values are C strings). */
static void strip_nuls(envoi_buf *b, unsigned *defects)
{
    size_t w = 0;
    for (size_t r = 0; r < b->len; r++)
        if (b->data[r])
            b->data[w++] = b->data[r];
    if (w != b->len)
        *defects |= MIME_DEFECT_NUL;
    b->len = w;
    if (b->data)
        b->data[w] = '\0';
}

/* Bytes that are not UTF-8 in the main value read as windows-1252. */
static int ensure_utf8(envoi_buf *v, unsigned *defects)
{
    if (envoi_is_ascii(v->data, v->len))
        return 0;
    envoi_buf t = ENVOI_BUF_INIT;
    int rc = envoi_charset_to_utf8("utf-8", v->data, v->len, &t);
    if (rc < 0)
        return rc;
    if (rc == CHARSET_MISMATCH)
        *defects |= MIME_DEFECT_8BIT_HEADER;
    envoi_buf_free(v);
    *v = t;
    return 0;
}

/* "charset'lang'bytes" of the first extended piece: the charset copied to cs,
 * the offset of bytes returned. */
static size_t split_charset(const char *v, size_t len, char *cs, size_t cs_size, unsigned *defects)
{
    const char *q1 = memchr(v, '\'', len);
    const char *q2 = q1 ? memchr(q1 + 1, '\'', len - (size_t)(q1 + 1 - v)) : NULL;
    cs[0] = '\0';
    if (!q2) {
        *defects |= MIME_DEFECT_BAD_PARAM;
        return 0;
    }
    size_t n = (size_t)(q1 - v);
    if (n < cs_size) {
        memcpy(cs, v, n);
        cs[n] = '\0';
    }
    return (size_t)(q2 + 1 - v);
}

/* Join the RFC 2231 pieces of one parameter (pieces sorted by section) and
 * convert them from the charset named in the first. */
static int join_2231(struct raw_param **pieces, size_t n, envoi_buf *out, unsigned *defects)
{
    char cs[64] = "";
    envoi_buf raw = ENVOI_BUF_INIT;
    int rc = 0;
    long expect = pieces[0]->section < 0 ? -1 : 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        struct raw_param *p = pieces[k];
        if (k && p->section == pieces[k - 1]->section)
            continue; /* duplicate section: the first wins */
        if (p->section != expect)
            *defects |= MIME_DEFECT_BAD_PARAM;
        expect = p->section + 1;
        const char *v = p->value;
        size_t vl = p->value_len;
        if (p->extended && k == 0) {
            size_t off = split_charset(v, vl, cs, sizeof cs, defects);
            v += off;
            vl -= off;
        }
        rc = p->extended ? append_percent(v, vl, &raw, defects) : envoi_buf_append(&raw, v, vl);
    }
    if (rc == 0) {
        int r = envoi_charset_to_utf8(cs[0] ? cs : "utf-8", raw.data ? raw.data : "", raw.len, out);
        if (r < 0)
            rc = r;
        else
            note_result(r, defects);
    }
    envoi_buf_free(&raw);
    return rc;
}

/* The value of the plain (not RFC 2231) form: RFC 2047 words and 8-bit bytes
 * decoded, except for a boundary, whose bytes must match the body exactly. */
static int plain_value(const struct raw_param *p, envoi_buf *out, unsigned *defects)
{
    if (strcmp(p->name, "boundary") == 0)
        return envoi_buf_append(out, p->value, p->value_len);
    return mime_decode_unstructured(p->value, p->value_len, out, defects);
}

/* Orders raw parameters by name, then by position. */
static int cmp_name(const void *a, const void *b)
{
    const struct raw_param *x = *(struct raw_param *const *)a, *y = *(struct raw_param *const *)b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The value of one parameter from its raw pieces g[0..n) (same name, in
 * header order). The RFC 2231 form wins over a plain one: it is the exact
 * value, the plain one the fallback for old readers. */
static int assemble(struct raw_param **g, size_t n, struct raw_param **pieces, envoi_buf *val,
                    unsigned *defects)
{
    const struct raw_param *plain = NULL;
    size_t np = 0;
    for (size_t k = 0; k < n; k++) {
        if (g[k]->section < 0 && !g[k]->extended) {
            if (!plain)
                plain = g[k];
            else
                *defects |= MIME_DEFECT_BAD_PARAM; /* duplicate: the first wins */
        } else {
            pieces[np++] = g[k];
        }
    }
    if (np == 0)
        return plain_value(plain, val, defects);
    qsort(pieces, np, sizeof *pieces, cmp_section);
    if (pieces[0]->section < 0) {
        /* name*= given: it wins over name*0.. pieces and repeats. */
        if (np > 1)
            *defects |= MIME_DEFECT_BAD_PARAM;
        np = 1;
    }
    return join_2231(pieces, np, val, defects);
}

struct built {
    size_t order;
    mime_param p;
};

static int cmp_built(const void *a, const void *b)
{
    const struct built *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* One value per distinct name, in the order names first appear. */
static int build_params(struct raw_list *l, mime_params *out, unsigned *defects)
{
    size_t n = l->len;
    if (n == 0)
        return 0;
    struct raw_param **idx = malloc(n * sizeof *idx);
    struct raw_param **pieces = malloc(n * sizeof *pieces);
    struct built *b = calloc(n, sizeof *b);
    size_t nb = 0;
    int rc = 0;
    if (!idx || !pieces || !b) {
        rc = ENVOI_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        idx[k] = &l->items[k];
    qsort(idx, n, sizeof *idx, cmp_name);
    for (size_t g = 0; g < n && rc == 0;) {
        size_t e = g + 1;
        while (e < n && strcmp(idx[e]->name, idx[g]->name) == 0)
            e++;
        if (idx[g]->name[0]) {
            envoi_buf val = ENVOI_BUF_INIT;
            rc = assemble(idx + g, e - g, pieces, &val, defects);
            if (rc == 0)
                rc = envoi_buf_append(&val, "", 0);
            if (rc == 0) {
                strip_nuls(&val, defects);
                b[nb].order = idx[g]->order;
                b[nb].p.value = envoi_buf_steal(&val, NULL);
                b[nb].p.name = strdup(idx[g]->name);
                nb++;
                if (!b[nb - 1].p.name)
                    rc = ENVOI_ENOMEM;
            }
            envoi_buf_free(&val);
        }
        g = e;
    }
    if (rc == 0 && nb) {
        qsort(b, nb, sizeof *b, cmp_built);
        out->items = malloc(nb * sizeof *out->items);
        if (!out->items)
            rc = ENVOI_ENOMEM;
    }
    if (rc == 0) {
        for (size_t k = 0; k < nb; k++)
            out->items[k] = b[k].p;
        out->len = nb;
        nb = 0;
    }
done:
    for (size_t k = 0; k < nb; k++) {
        free(b[k].p.name);
        free(b[k].p.value);
    }
    free(b);
    free(pieces);
    free(idx);
    return rc;
}

/* ---- the common simple form, read in one pass --------------------------- */

enum { C_TOKEN = 1, C_NAME = 2, C_QUOTED = 4 };

/* What each byte may be in the simple form: C_TOKEN, a byte of a token value
 * or of the main value (printable ASCII other than space and the bytes that
 * need the full parser: ; " ( \\ =); C_NAME, a byte of a parameter name
 * (letters, digits, - _ .); C_QUOTED, a byte of a quoted value (printable
 * ASCII and space, other than " and \\). Rows of sixteen from 0x20. */
static const unsigned char byte_class[256] = {
    [0x20] = 4,   5, 0, 5, 5, 5, 5, 5, 4, 5, 5, 5, 5, 7, 7, 5,
    /* 0x30 */ 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 5, 4, 5, 4, 5, 5,
    /* 0x40 */ 5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    /* 0x50 */ 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 5, 0, 5, 5, 7,
    /* 0x60 */ 5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    /* 0x70 */ 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 5, 5, 5, 5, 0,
};

static bool is_token_byte(unsigned char c)
{
    return byte_class[c] & C_TOKEN;
}

static bool is_name_byte(unsigned char c)
{
    return byte_class[c] & C_NAME;
}

static bool is_quoted_byte(unsigned char c)
{
    return byte_class[c] & C_QUOTED;
}

#define SIMPLE_MAX 8 /* parameters the one-pass form takes */

struct span {
    size_t off, len;
};

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

/* One "name=value" or "name=\"value\"" at s[i]: its name and value spans;
 * the offset after it, 0 when it is not of the simple form. */
static size_t simple_param(const char *s, size_t len, size_t i, struct span *name, struct span *val)
{
    name->off = i;
    while (i < len && is_name_byte((unsigned char)s[i]))
        i++;
    name->len = i - name->off;
    i = skip_spaces(s, len, i);
    if (name->len == 0 || i >= len || s[i] != '=')
        return 0;
    i = skip_spaces(s, len, i + 1);
    bool quoted = i < len && s[i] == '"';
    if (quoted) {
        val->off = ++i;
        while (i < len && is_quoted_byte((unsigned char)s[i]))
            i++;
        if (i >= len || s[i] != '"')
            return 0;
        val->len = i++ - val->off;
    } else {
        val->off = i;
        while (i < len && is_token_byte((unsigned char)s[i]))
            i++;
        val->len = i - val->off;
    }
    /* A token has no '=': only a quoted value can hold an encoded-word. */
    if (val->len == 0 || (quoted && mime_find_pair(s + val->off, val->len, '=', '?')))
        return 0;
    return skip_spaces(s, len, i);
}

static bool same_name(const char *s, const struct span *a, const struct span *b)
{
    return a->len == b->len && strncasecmp(s + a->off, s + b->off, a->len) == 0;
}

static char *put_lower(char **w, const char *s, size_t n)
{
    char *d = *w;
    for (size_t k = 0; k < n; k++)
        d[k] = lower(s[k]);
    d[n] = '\0';
    *w += n + 1;
    return d;
}

/* "type/subtype; a=b; c=\"d\"" with distinct plain names and plain ASCII
 * values (no comments, escapes, RFC 2231 or RFC 2047): read in one pass into
 * one allocation, with the result the full parser gives. 1 when done, 0 when
 * the value needs the full parser, ENVOI_ENOMEM. */
static int parse_simple(const char *s, size_t len, mime_params *out)
{
    struct span main, names[SIMPLE_MAX], vals[SIMPLE_MAX];
    size_t n = 0, i = skip_spaces(s, len, 0);
    main.off = i;
    while (i < len && is_token_byte((unsigned char)s[i]))
        i++;
    main.len = i - main.off;
    i = skip_spaces(s, len, i);
    if (main.len == 0)
        return 0;
    while (i < len) {
        if (s[i] != ';')
            return 0;
        i = skip_spaces(s, len, i + 1);
        if (i == len)
            break;
        if (s[i] == ';')
            continue;
        if (n == SIMPLE_MAX || !(i = simple_param(s, len, i, &names[n], &vals[n])))
            return 0;
        for (size_t k = 0; k < n; k++)
            if (same_name(s, &names[k], &names[n]))
                return 0;
        n++;
    }
    size_t size = n * sizeof(mime_param) + main.len + 1;
    for (size_t k = 0; k < n; k++)
        size += names[k].len + vals[k].len + 2;
    char *block = malloc(size);
    if (!block)
        return ENVOI_ENOMEM;
    mime_param *items = (mime_param *)(void *)block;
    char *w = block + n * sizeof(mime_param);
    out->value = put_lower(&w, s + main.off, main.len);
    for (size_t k = 0; k < n; k++) {
        items[k].name = put_lower(&w, s + names[k].off, names[k].len);
        items[k].value = w;
        memcpy(w, s + vals[k].off, vals[k].len);
        w[vals[k].len] = '\0';
        w += vals[k].len + 1;
    }
    out->items = n ? items : NULL;
    out->len = n;
    out->block = block;
    return 1;
}

/* The full parser, into an empty out. */
static int parse_full(const char *s, size_t len, mime_params *out, unsigned *defects)
{
    envoi_buf v = ENVOI_BUF_INIT;
    struct raw_list l = {0};
    int rc = 0;
    size_t i = parse_main_value(s, len, &v, defects, &rc);
    while (rc == 0 && i < len) {
        i = skip_cfws(s, len, i);
        if (i < len && s[i] == ';') {
            i++;
            continue;
        }
        if (i < len)
            i = parse_one(s, len, i, &l, defects, &rc);
    }
    if (rc == 0 && (rc = envoi_buf_append(&v, "", 0)) == 0) {
        strip_nuls(&v, defects);
        rc = ensure_utf8(&v, defects);
    }
    if (rc == 0) {
        out->value = envoi_buf_steal(&v, NULL);
        rc = build_params(&l, out, defects);
    }
    free_raw(&l);
    envoi_buf_free(&v);
    if (rc < 0)
        mime_params_free(out);
    return rc;
}

int mime_params_parse(const char *s, size_t len, mime_params *out, unsigned *defects)
{
    unsigned scratch = 0;
    memset(out, 0, sizeof *out);
    int simple = parse_simple(s, len, out);
    if (simple != 0)
        return simple < 0 ? simple : 0;
    return parse_full(s, len, out, defects ? defects : &scratch);
}

int mime_params_parse_general(const char *s, size_t len, mime_params *out, unsigned *defects)
{
    unsigned scratch = 0;
    memset(out, 0, sizeof *out);
    return parse_full(s, len, out, defects ? defects : &scratch);
}

const char *mime_params_get(const mime_params *p, const char *name)
{
    /* The names are lowercase: most are told apart by an ASCII first byte. */
    char first = lower(name[0]);
    bool ascii = (unsigned char)first < 0x80;
    for (size_t i = 0; i < p->len; i++)
        if ((!ascii || p->items[i].name[0] == first) && strcasecmp(p->items[i].name, name) == 0)
            return p->items[i].value;
    return NULL;
}

void mime_params_free(mime_params *p)
{
    if (p->block) {
        free(p->block);
        memset(p, 0, sizeof *p);
        return;
    }
    for (size_t i = 0; i < p->len; i++) {
        free(p->items[i].name);
        free(p->items[i].value);
    }
    free(p->items);
    free(p->value);
    memset(p, 0, sizeof *p);
}
