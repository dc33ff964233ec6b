/* The generic values of an IMAP response: atoms (flags and FETCH item names
 * with their [section]<partial> included), numbers, NIL, quoted strings,
 * literals and nested lists, read in one pass into the response's arena. */
#include "imap/response_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define MAX_NUMBER ((uint64_t)INT64_MAX)

void imap_parser_init(imap_parser *ps, const char *buf, size_t len, imap_arena *arena,
                      envoi_error *err)
{
    ps->buf = buf;
    ps->p = buf;
    ps->end = buf + len;
    ps->arena = arena;
    ps->err = err;
    ps->quiet = false;
    ps->in_code = false;
    ps->depth = 0;
    ps->values = 0;
    ps->stack = ps->local;
    ps->n = 0;
    ps->cap = IMAP_LOCAL_STACK;
}

void imap_parser_release(imap_parser *ps)
{
    if (ps->stack != ps->local)
        free(ps->stack);
    ps->stack = ps->local;
    ps->n = 0;
    ps->cap = IMAP_LOCAL_STACK;
}

int imap_parser_fail(imap_parser *ps, const char *fmt, ...)
{
    if (ps->quiet || !ps->err)
        return ENVOI_EPROTOCOL;
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return envoi_err_set(ps->err, ENVOI_EPROTOCOL, "IMAP response: %s (at byte %zu)", what,
                         (size_t)(ps->p - ps->buf));
}

int imap_parser_nomem(imap_parser *ps)
{
    return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory reading an IMAP response");
}

bool imap_parser_at_eol(const imap_parser *ps)
{
    const char *p = ps->p;
    return p == ps->end || *p == '\n' || (*p == '\r' && (p + 1 == ps->end || p[1] == '\n'));
}

/* Bytes an atom is made of; '[' and ']' are handled by the atom reader. */
static bool is_atom_char(unsigned char c)
{
    if (c >= 0x80)
        return true;
    return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '"' && c != '[' &&
           c != ']';
}

static int push(imap_parser *ps, const imap_value *v)
{
    if (++ps->values > IMAP_MAX_ITEMS)
        return imap_parser_fail(ps, "more than %u values in one response", IMAP_MAX_ITEMS);
    if (ps->n == ps->cap) {
        size_t cap = ps->cap * 2;
        imap_value *s = malloc(cap * sizeof *s);
        if (!s)
            return imap_parser_nomem(ps);
        memcpy(s, ps->stack, ps->n * sizeof *s);
        if (ps->stack != ps->local)
            free(ps->stack);
        ps->stack = s;
        ps->cap = cap;
    }
    ps->stack[ps->n++] = *v;
    return 0;
}

/* An atom; a '[' inside it opens a section that runs to the next ']' on the
 * line (spaces and parentheses included: BODY[HEADER.FIELDS (FROM TO)]). */
static int read_atom(imap_parser *ps, imap_value *v)
{
    const char *start = ps->p, *p = ps->p, *end = ps->end;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (is_atom_char(c)) {
            p++;
        } else if (c == '[' && !ps->in_code) {
            const char *q = p + 1;
            while (q < end && *q != ']' && *q != '\r' && *q != '\n' && *q != '\0')
                q++;
            if (q == end || *q != ']') {
                ps->p = q;
                return imap_parser_fail(ps, "section of \"%.*s\" not closed by ']'",
                                        (int)(p - start > 40 ? 40 : p - start), start);
            }
            p = q + 1;
        } else if (c == '[' || (c == ']' && !ps->in_code)) {
            p++;
        } else {
            break;
        }
    }
    if (p == start) {
        unsigned char c = (unsigned char)*p;
        if (c == '\0')
            return imap_parser_fail(ps, "NUL byte where a value should start");
        return imap_parser_fail(ps, "unexpected byte 0x%02x where a value should start", c);
    }
    size_t len = (size_t)(p - start);
    size_t digits = 0;
    uint64_t n = 0;
    while (digits < len && start[digits] >= '0' && start[digits] <= '9') {
        unsigned d = (unsigned)(start[digits] - '0');
        if (n > (MAX_NUMBER - d) / 10)
            return imap_parser_fail(ps, "number %.*s does not fit in 63 bits",
                                    (int)(len > 40 ? 40 : len), start);
        n = n * 10 + d;
        digits++;
    }
    if (len == 3 && (start[0] | 0x20) == 'n' && (start[1] | 0x20) == 'i' &&
        (start[2] | 0x20) == 'l') {
        *v = (imap_value){.kind = IMAP_NIL};
    } else {
        char *s = imap_arena_strndup(ps->arena, start, len);
        if (!s)
            return imap_parser_nomem(ps);
        *v = (imap_value){.kind = digits == len ? IMAP_NUMBER : IMAP_ATOM, .data = s, .len = len};
        if (digits == len)
            v->number = n;
    }
    ps->p = p;
    return 0;
}

/* A quoted string: \" and \\ are the only escapes; it ends on its line. */
static int read_quoted(imap_parser *ps, imap_value *v)
{
    const char *start = ps->p + 1, *p = start, *end = ps->end;
    size_t escapes = 0;
    for (;;) {
        if (p == end || *p == '\r' || *p == '\n') {
            ps->p = p;
            return imap_parser_fail(ps, "quoted string not closed before the end of the line");
        }
        if (*p == '"')
            break;
        if (*p == '\0') {
            ps->p = p;
            return imap_parser_fail(ps, "NUL byte in a quoted string");
        }
        if (*p == '\\') {
            if (p + 1 == end || (p[1] != '"' && p[1] != '\\')) {
                ps->p = p;
                if (p + 1 == end || p[1] == '\r' || p[1] == '\n')
                    return imap_parser_fail(ps, "quoted string ends in a lone backslash");
                return imap_parser_fail(
                    ps,
                    "bad escape \"\\%c\" in a quoted string "
                    "(only \\\" and \\\\ are allowed)",
                    (unsigned char)p[1] >= 0x20 && (unsigned char)p[1] < 0x7f ? p[1] : '?');
            }
            escapes++;
            p++;
        }
        p++;
    }
    size_t raw = (size_t)(p - start), len = raw - escapes;
    char *s = imap_arena_chars(ps->arena, len + 1);
    if (!s)
        return imap_parser_nomem(ps);
    if (escapes == 0) {
        memcpy(s, start, len);
    } else {
        char *o = s;
        for (const char *q = start; q < p; q++) {
            if (*q == '\\')
                q++;
            *o++ = *q;
        }
    }
    s[len] = '\0';
    *v = (imap_value){.kind = IMAP_STRING, .data = s, .len = len};
    ps->p = p + 1;
    return 0;
}

/* "{N}" or "{N+}" (or "~{N}" for binary data), a line end, N bytes. */
static int read_literal(imap_parser *ps, imap_value *v)
{
    const char *p = ps->p, *end = ps->end;
    if (*p == '~')
        p++;
    p++;
    uint64_t n = 0;
    const char *digits = p;
    while (p < end && *p >= '0' && *p <= '9') {
        unsigned d = (unsigned)(*p - '0');
        if (n > (UINT64_MAX - d) / 10)
            return imap_parser_fail(ps, "literal size does not fit in 64 bits");
        n = n * 10 + d;
        p++;
    }
    if (p == digits)
        return imap_parser_fail(ps, "malformed literal announcement: no size after '{'");
    if (p < end && *p == '+')
        p++;
    if (p == end || *p != '}')
        return imap_parser_fail(ps, "malformed literal announcement: no '}' after the size");
    p++;
    if (p < end && *p == '\r')
        p++;
    if (p == end || *p != '\n') {
        ps->p = p;
        return imap_parser_fail(ps, "literal announcement not followed by the end of the line");
    }
    p++;
    if (n > (uint64_t)(end - p)) {
        ps->p = p;
        return imap_parser_fail(ps, "literal size %llu larger than the data (%zu bytes left)",
                                (unsigned long long)n, (size_t)(end - p));
    }
    char *s = imap_arena_strndup(ps->arena, p, (size_t)n);
    if (!s)
        return imap_parser_nomem(ps);
    *v = (imap_value){.kind = IMAP_STRING, .data = s, .len = (size_t)n};
    ps->p = p + n;
    return 0;
}

static int read_value(imap_parser *ps, imap_value *v)
{
    char c = *ps->p;
    if (c == '"')
        return read_quoted(ps, v);
    if (c == '{' || (c == '~' && ps->p + 1 < ps->end && ps->p[1] == '{'))
        return read_literal(ps, v);
    if (c != '(')
        return read_atom(ps, v);
    if (ps->depth >= IMAP_MAX_DEPTH)
        return imap_parser_fail(ps, "lists nested deeper than %d levels", IMAP_MAX_DEPTH);
    ps->depth++;
    ps->p++;
    *v = (imap_value){.kind = IMAP_LIST};
    int rc = imap_parse_values(ps, ')', &v->items, &v->count);
    ps->depth--;
    return rc;
}

/* Move the top count items of the stack into the arena. */
static int collect(imap_parser *ps, size_t base, imap_value **items, size_t *count)
{
    size_t n = ps->n - base;
    *items = NULL;
    *count = n;
    if (n == 0)
        return 0;
    imap_value *a = imap_arena_alloc(ps->arena, n * sizeof *a);
    if (!a)
        return imap_parser_nomem(ps);
    memcpy(a, ps->stack + base, n * sizeof *a);
    ps->n = base;
    *items = a;
    return 0;
}

int imap_parse_values(imap_parser *ps, char close, imap_value **items, size_t *count)
{
    size_t base = ps->n;
    for (;;) {
        while (ps->p < ps->end && *ps->p == ' ')
            ps->p++;
        if (imap_parser_at_eol(ps)) {
            if (close == '\n')
                break;
            if (close == ')')
                return imap_parser_fail(ps, "unbalanced parenthesis: the line ends inside a list");
            return imap_parser_fail(ps, "response code not closed by ']'");
        }
        char c = *ps->p;
        if (c == close) {
            ps->p++;
            break;
        }
        if (c == ')')
            return imap_parser_fail(ps, "unbalanced parenthesis: ')' without '('");
        if (c == '\r')
            return imap_parser_fail(ps, "CR not followed by LF");
        imap_value v;
        int rc = read_value(ps, &v);
        if (rc < 0)
            return rc;
        rc = push(ps, &v);
        if (rc < 0)
            return rc;
    }
    return collect(ps, base, items, count);
}
