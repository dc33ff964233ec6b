/* One IMAP response line (with its literals) into an imap_response: tagged
 * and untagged status responses with their [CODE args] and text,
 * continuation requests, and untagged data ("* 23 EXISTS", "* LIST ..."). */
#include "imap/response_impl.h"

#include <string.h>

#include "util/err.h"

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Bytes of a response name or code name: letters, digits and the few
 * punctuation marks extension names use. */
static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '=' || c == '/' || c == '+' || c == ':';
}

/* Bytes of a tag: ASTRING-CHAR except '+'. */
static bool is_tag_char(char c)
{
    unsigned char u = (unsigned char)c;
    return u > 0x20 && u < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' &&
           c != '"' && c != '\\' && c != '+';
}

/* A name upper-cased into out[size]; what it is, for messages. */
static int read_name(imap_parser *ps, char *out, size_t size, const char *what)
{
    const char *start = ps->p;
    while (ps->p < ps->end && is_name_char(*ps->p))
        ps->p++;
    size_t len = (size_t)(ps->p - start);
    if (len == 0)
        return imap_parser_fail(ps, "missing %s", what);
    if (len >= size)
        return imap_parser_fail(ps, "%s \"%.*s...\" longer than %zu bytes", what, 20, start,
                                size - 1);
    for (size_t i = 0; i < len; i++)
        out[i] = upper(start[i]);
    out[len] = '\0';
    return 0;
}

/* The rest of the line as NUL-terminated text. */
static int read_text(imap_parser *ps, const char **text)
{
    const char *start = ps->p, *p = ps->p, *end = ps->end;
    while (p < end && *p != '\n' && *p != '\r' && *p != '\0')
        p++;
    ps->p = p;
    if (p < end && *p == '\0')
        return imap_parser_fail(ps, "NUL byte in the response text");
    if (!imap_parser_at_eol(ps))
        return imap_parser_fail(ps, "CR not followed by LF in the response text");
    if (p == start) {
        *text = "";
        return 0;
    }
    char *s = imap_arena_strndup(ps->arena, start, (size_t)(p - start));
    if (!s)
        return imap_parser_nomem(ps);
    *text = s;
    return 0;
}

/* The arguments of a response code up to ']'. Codes this parser does not
 * know may carry free text there; when it does not read as values it is
 * kept whole as one atom. */
static int read_code_args(imap_parser *ps, imap_response *out)
{
    while (ps->p < ps->end && *ps->p == ' ')
        ps->p++;
    const char *start = ps->p;
    size_t n = ps->n, values = ps->values;
    bool quiet = ps->quiet;
    ps->quiet = true;
    ps->in_code = true;
    int rc = imap_parse_values(ps, ']', &out->code_args, &out->code_count);
    ps->in_code = false;
    ps->quiet = quiet;
    if (rc != ENVOI_EPROTOCOL)
        return rc;
    ps->p = start;
    ps->n = n;
    ps->values = values;
    const char *p = start;
    while (p < ps->end && *p != ']' && *p != '\r' && *p != '\n' && *p != '\0')
        p++;
    if (p == ps->end || *p != ']') {
        ps->p = p;
        return imap_parser_fail(ps, "response code [%s ...] not closed by ']'", out->code);
    }
    imap_value *v = imap_arena_alloc(ps->arena, sizeof *v);
    char *s = imap_arena_strndup(ps->arena, start, (size_t)(p - start));
    if (!v || !s)
        return imap_parser_nomem(ps);
    *v = (imap_value){.kind = IMAP_ATOM, .data = s, .len = (size_t)(p - start)};
    out->code_args = v;
    out->code_count = 1;
    ps->p = p + 1;
    return 0;
}

/* resp-text: an optional "[CODE args]", then text to the end of the line. */
static int read_resp_text(imap_parser *ps, imap_response *out)
{
    while (ps->p < ps->end && *ps->p == ' ')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '[') {
        ps->p++;
        int rc = read_name(ps, out->code, sizeof out->code, "response code");
        if (rc < 0)
            return rc;
        if (ps->p < ps->end && *ps->p == ' ') {
            rc = read_code_args(ps, out);
        } else if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
        } else {
            rc = imap_parser_fail(ps, "response code [%s not closed by ']'", out->code);
        }
        if (rc < 0)
            return rc;
        while (ps->p < ps->end && *ps->p == ' ')
            ps->p++;
    }
    return read_text(ps, &out->text);
}

static imap_status status_of(const char *name, bool tagged)
{
    if (strcmp(name, "OK") == 0)
        return IMAP_STATUS_OK;
    if (strcmp(name, "NO") == 0)
        return IMAP_STATUS_NO;
    if (strcmp(name, "BAD") == 0)
        return IMAP_STATUS_BAD;
    if (!tagged && strcmp(name, "PREAUTH") == 0)
        return IMAP_STATUS_PREAUTH;
    if (!tagged && strcmp(name, "BYE") == 0)
        return IMAP_STATUS_BYE;
    return IMAP_STATUS_NONE;
}

/* The space after a tag, "*" or a name; several are tolerated. */
static int expect_space(imap_parser *ps, const char *after)
{
    if (ps->p == ps->end || *ps->p != ' ')
        return imap_parser_fail(ps, "missing space after %s", after);
    while (ps->p < ps->end && *ps->p == ' ')
        ps->p++;
    return 0;
}

static int read_untagged(imap_parser *ps, imap_response *out)
{
    out->kind = IMAP_RESP_UNTAGGED;
    int rc = expect_space(ps, "'*'");
    if (rc < 0)
        return rc;
    if (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        uint64_t n = 0;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            unsigned d = (unsigned)(*ps->p - '0');
            if (n > ((uint64_t)INT64_MAX - d) / 10)
                return imap_parser_fail(ps, "message number does not fit in 63 bits");
            n = n * 10 + d;
            ps->p++;
        }
        out->has_number = true;
        out->number = n;
        rc = expect_space(ps, "the message number");
        if (rc < 0)
            return rc;
    }
    rc = read_name(ps, out->name, sizeof out->name, "response name");
    if (rc < 0)
        return rc;
    if (!out->has_number) {
        out->status = status_of(out->name, false);
        if (out->status != IMAP_STATUS_NONE)
            return read_resp_text(ps, out);
    }
    if (imap_parser_at_eol(ps))
        return 0;
    rc = expect_space(ps, "the response name");
    if (rc < 0)
        return rc;
    return imap_parse_values(ps, '\n', &out->values, &out->count);
}

static int read_tagged(imap_parser *ps, imap_response *out)
{
    out->kind = IMAP_RESP_TAGGED;
    const char *start = ps->p;
    while (ps->p < ps->end && is_tag_char(*ps->p))
        ps->p++;
    size_t len = (size_t)(ps->p - start);
    if (len == 0)
        return imap_parser_fail(ps, "a response starts with byte 0x%02x, not a tag, '*' or '+'",
                                (unsigned char)*ps->p);
    if (len >= sizeof out->tag)
        return imap_parser_fail(ps, "tag longer than %zu bytes", sizeof out->tag - 1);
    memcpy(out->tag, start, len);
    out->tag[len] = '\0';
    int rc = expect_space(ps, "the tag");
    if (rc < 0)
        return rc;
    char status[32];
    rc = read_name(ps, status, sizeof status, "status after the tag");
    if (rc < 0)
        return rc;
    out->status = status_of(status, true);
    if (out->status == IMAP_STATUS_NONE)
        return imap_parser_fail(ps, "tagged response with status \"%s\" (not OK, NO or BAD)",
                                status);
    return read_resp_text(ps, out);
}

static int read_continuation(imap_parser *ps, imap_response *out)
{
    out->kind = IMAP_RESP_CONTINUATION;
    if (ps->p < ps->end && *ps->p == ' ')
        ps->p++;
    /* A SASL challenge is base64 and never starts with '['. */
    if (ps->p < ps->end && *ps->p == '[')
        return read_resp_text(ps, out);
    return read_text(ps, &out->text);
}

static int read_response(imap_parser *ps, imap_response *out)
{
    if (ps->p == ps->end)
        return imap_parser_fail(ps, "empty response");
    int rc;
    if (*ps->p == '+') {
        ps->p++;
        rc = read_continuation(ps, out);
    } else if (*ps->p == '*') {
        ps->p++;
        rc = read_untagged(ps, out);
    } else {
        rc = read_tagged(ps, out);
    }
    if (rc < 0)
        return rc;
    if (!imap_parser_at_eol(ps))
        return imap_parser_fail(ps, "unexpected byte 0x%02x at the end of the response",
                                (unsigned char)*ps->p);
    if (ps->p < ps->end && *ps->p == '\r')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '\n')
        ps->p++;
    if (ps->p != ps->end)
        return imap_parser_fail(ps, "data after the end of the response");
    return 0;
}

int imap_response_parse(const char *buf, size_t len, imap_response *out, envoi_error *err)
{
    memset(out, 0, sizeof *out);
    out->text = "";
    if (!buf && len)
        return envoi_err_set(err, ENVOI_EINVAL, "IMAP response: no data");
    /* The bytes (at most len) plus a few values' worth of items. */
    imap_arena *arena = imap_arena_new(len + 16 * sizeof(imap_value));
    if (!arena)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory reading an IMAP response");
    imap_parser ps;
    imap_parser_init(&ps, buf ? buf : "", len, arena, err);
    int rc = read_response(&ps, out);
    imap_parser_release(&ps);
    if (rc < 0) {
        imap_arena_free(arena);
        memset(out, 0, sizeof *out);
        out->text = "";
        return rc;
    }
    out->arena_ = arena;
    return 0;
}

void imap_response_free(imap_response *r)
{
    if (!r)
        return;
    imap_arena_free(r->arena_);
    memset(r, 0, sizeof *r);
    r->text = "";
}
