/* Reading a mailto: URI (RFC 6068) back into its fields: addresses from the
 * path and the to/cc/bcc fields, the others by name; strict about escapes,
 * linear in time and memory whatever the input. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mime/mailto_impl.h"
#include "util/buf.h"
#include "util/err.h"

typedef struct parse_ctx {
    const char *uri;
    envoi_mailto *m;
    envoi_error *err;
    envoi_buf name;
    envoi_buf value;
    size_t field_at; /* offset of the header field being read */
} parse_ctx;

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Raw characters no URI holds: controls, and '#' (mailto has no fragment). */
static int check_raw(parse_ctx *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p->uri[i];
        if (c == '#')
            return envoi_err_set(p->err, ENVOI_EINVAL,
                                 "raw '#' at offset %zu: a mailto URI has no fragment; write "
                                 "'#' in a value as %%23",
                                 i);
        if (c < 0x20 || c == 0x7f)
            return envoi_err_set(p->err, ENVOI_EINVAL,
                                 "raw control character 0x%02X at offset %zu: write it "
                                 "percent-encoded (a line break in the body is %%0D%%0A)",
                                 c, i);
    }
    return 0;
}

/* Percent-decode uri[start..end) into out. */
static int decode(parse_ctx *p, size_t start, size_t end, envoi_buf *out)
{
    envoi_buf_clear(out);
    if (envoi_buf_reserve(out, end - start + 1) < 0)
        return envoi_err_set(p->err, ENVOI_ENOMEM, "out of memory");
    for (size_t i = start; i < end; i++) {
        char c = p->uri[i];
        if (c == '%') {
            int hi = i + 1 < end ? hex_value(p->uri[i + 1]) : -1;
            int lo = i + 2 < end ? hex_value(p->uri[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return envoi_err_set(p->err, ENVOI_EINVAL,
                                     "bad percent escape at offset %zu: '%%' must be followed "
                                     "by two hex digits (a percent sign itself is %%25)",
                                     i);
            c = (char)(hi * 16 + lo);
            if (c == '\0')
                return envoi_err_set(p->err, ENVOI_EINVAL,
                                     "%%00 (a NUL byte) at offset %zu: refused", i);
            i += 2;
        }
        envoi_buf_append_char(out, c); /* room reserved above */
    }
    return 0;
}

/* The reason a decoded value was refused, naming the field. */
static int refuse_value(parse_ctx *p, int rc, const char *what)
{
    if (rc == ENVOI_EHEADER)
        return envoi_err_set(p->err, rc,
                             "%s holds a line break (CR or LF): refused, only the body may "
                             "have one",
                             what);
    if (rc == ENVOI_ENOMEM)
        return envoi_err_set(p->err, rc, "out of memory");
    return envoi_err_set(
        p->err, rc, "%s is not UTF-8 text (without control characters) once percent-decoded", what);
}

static int add_addresses(parse_ctx *p, envoi_mailto_list list, const envoi_buf *v)
{
    const char *text = v->data ? v->data : "";
    int rc = mailto_check_value(text, v->len, false);
    size_t added = 0;
    if (rc == 0)
        rc = mailto_split_into(p->m, list, text, v->len, &added);
    if (rc == 0)
        return 0;
    return refuse_value(p, rc,
                        list == ENVOI_MAILTO_TO   ? "a to address"
                        : list == ENVOI_MAILTO_CC ? "a cc address"
                                                  : "a bcc address");
}

/* A known field (to, cc, bcc, subject, body) or another one kept as is. */
static int take_field(parse_ctx *p)
{
    const char *name = p->name.data ? p->name.data : "";
    const char *value = p->value.data ? p->value.data : "";
    size_t nlen = p->name.len, vlen = p->value.len;
    int rc = mailto_check_name(name, nlen);
    if (rc == ENVOI_EHEADER)
        return envoi_err_set(p->err, rc,
                             "the header field name at offset %zu holds a line break: refused",
                             p->field_at);
    if (rc < 0)
        return envoi_err_set(p->err, rc,
                             nlen ? "the header field name at offset %zu is not printable ASCII "
                                    "without ':'"
                                  : "the header field at offset %zu has no name (\"=value\")",
                             p->field_at);
    if (mailto_name_is(name, nlen, "to"))
        return add_addresses(p, ENVOI_MAILTO_TO, &p->value);
    if (mailto_name_is(name, nlen, "cc"))
        return add_addresses(p, ENVOI_MAILTO_CC, &p->value);
    if (mailto_name_is(name, nlen, "bcc"))
        return add_addresses(p, ENVOI_MAILTO_BCC, &p->value);
    bool body = mailto_name_is(name, nlen, "body");
    rc = mailto_check_value(value, vlen, body);
    if (rc < 0 && !body && !mailto_name_is(name, nlen, "subject")) {
        envoi_buf what = ENVOI_BUF_INIT;
        rc = envoi_buf_printf(&what, "the value of %s", name) < 0 ? ENVOI_ENOMEM : rc;
        rc = refuse_value(p, rc, what.data ? what.data : "a header field value");
        envoi_buf_free(&what);
        return rc;
    }
    if (rc < 0)
        return refuse_value(p, rc, body ? "the body" : "the subject");
    if (body)
        rc = mailto_store(&p->m->body, value, vlen, true);
    else if (mailto_name_is(name, nlen, "subject"))
        rc = mailto_store(&p->m->subject, value, vlen, false);
    else if ((rc = mailto_strs_push(&p->m->names, name, nlen)) == 0 &&
             (rc = mailto_strs_push(&p->m->values, value, vlen)) < 0)
        free(p->m->names.items[--p->m->names.len]);
    return rc < 0 ? refuse_value(p, rc, "a field") : 0;
}

/* hfield = hfname "=" hfvalue, in uri[start..end); an empty one is skipped,
 * one without '=' has an empty value. */
static int parse_hfield(parse_ctx *p, size_t start, size_t end)
{
    if (start == end)
        return 0;
    p->field_at = start;
    const char *eq = memchr(p->uri + start, '=', end - start);
    size_t name_end = eq ? (size_t)(eq - p->uri) : end;
    int rc = decode(p, start, name_end, &p->name);
    if (rc == 0)
        rc = decode(p, eq ? name_end + 1 : end, end, &p->value);
    return rc < 0 ? rc : take_field(p);
}

static int parse_query(parse_ctx *p, size_t start, size_t end)
{
    size_t field = start;
    for (size_t i = start; i <= end; i++) {
        if (i < end && p->uri[i] != '&')
            continue;
        int rc = parse_hfield(p, field, i);
        if (rc < 0)
            return rc;
        field = i + 1;
    }
    return 0;
}

static int parse_parts(parse_ctx *p, size_t len)
{
    static const char scheme[] = "mailto:";
    size_t slen = sizeof scheme - 1;
    if (len < slen || !mailto_name_is(p->uri, slen, scheme))
        return envoi_err_set(p->err, ENVOI_EINVAL,
                             "not a mailto URI: it must start with "
                             "\"mailto:\"");
    int rc = check_raw(p, len);
    if (rc < 0)
        return rc;
    const char *q = memchr(p->uri + slen, '?', len - slen);
    size_t path_end = q ? (size_t)(q - p->uri) : len;
    if ((rc = decode(p, slen, path_end, &p->value)) < 0)
        return rc;
    if ((rc = add_addresses(p, ENVOI_MAILTO_TO, &p->value)) < 0)
        return rc;
    return q ? parse_query(p, path_end + 1, len) : 0;
}

int envoi_mailto_parse(const char *uri, size_t len, envoi_mailto **out, envoi_error *err)
{
    if (!out)
        return envoi_err_set(err, ENVOI_EINVAL, "no place for the result");
    *out = NULL;
    if (!uri)
        return envoi_err_set(err, ENVOI_EINVAL, "no URI given");
    if (len > ENVOI_MAILTO_MAX_LEN)
        return envoi_err_set(err, ENVOI_EINVAL, "the URI is longer than %zu bytes",
                             ENVOI_MAILTO_MAX_LEN);
    if (memchr(uri, '\0', len))
        return envoi_err_set(err, ENVOI_EINVAL, "the URI holds a NUL byte");
    parse_ctx p = {.uri = uri, .err = err};
    p.m = envoi_mailto_new();
    if (!p.m)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int rc = parse_parts(&p, len);
    envoi_buf_free(&p.name);
    envoi_buf_free(&p.value);
    if (rc < 0) {
        envoi_mailto_free(p.m);
        return rc;
    }
    *out = p.m;
    return 0;
}
