/* Reading an HTTP/1.1 answer from an envoi_conn: interim answers skipped,
 * the status line, the fields that frame the body, the body with
 * Content-Length, chunked or read to the close, every part bounded. */
#include "net/http_answer.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/hex.h"
#include "util/secret.h"

enum {
    MAX_LINE = 8192,
    MAX_FIELDS = 100,
};

/* One answer being read. */
typedef struct reader {
    envoi_conn *c;
    const envoi_http_reading *how;
    envoi_buf *body;
    envoi_error *err;
    bool chunked;
    bool has_length;
    size_t length;
} reader;

static int malformed(reader *r, const char *what)
{
    return envoi_err_set(r->err, ENVOI_EPROTOCOL, "%s%s: %s", r->how->label, r->how->not_http,
                         what);
}

static int too_big(reader *r)
{
    size_t max = r->how->max_body;
    char size[48];
    if (max >= ((size_t)1 << 20) && max % ((size_t)1 << 20) == 0)
        snprintf(size, sizeof size, "%zu MiB", max >> 20);
    else if (max >= 1024 && max % 1024 == 0)
        snprintf(size, sizeof size, "%zu KiB", max >> 10);
    else
        snprintf(size, sizeof size, "%zu bytes", max);
    return envoi_err_set(r->err, r->how->too_big, "the answer of %s is over %s", r->how->label,
                         size);
}

/* ---- the head ------------------------------------------------------------------------------- */

static int read_status(reader *r, unsigned *status)
{
    const char *line;
    size_t len;
    int rc = envoi_conn_read_line(r->c, &line, &len, MAX_LINE, r->err);
    if (rc == ENVOI_ECLOSED)
        return envoi_err_set(r->err, rc, "%s closed the connection without an answer",
                             r->how->label);
    if (rc < 0)
        return rc;
    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ')
        return envoi_err_set(r->err, ENVOI_EPROTOCOL, "%s%s: not HTTP: '%.*s'", r->how->label,
                             r->how->not_http, (int)(len > 60 ? 60 : len), line);
    unsigned v = 0;
    for (size_t i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9')
            return malformed(r, "a malformed HTTP status");
        v = v * 10 + (unsigned)(line[i] - '0');
    }
    if (v < 100 || (len > 12 && line[12] != ' '))
        return malformed(r, "a malformed HTTP status");
    *status = v;
    return 0;
}

/* Whether line is the field name; its value then, blanks trimmed. */
static bool field_is(const char *line, size_t len, const char *name, const char **value,
                     size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
        return false;
    size_t i = n + 1, end = len;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    *value = line + i;
    *vlen = end - i;
    return true;
}

int envoi_http_parse_decimal(const char *text, size_t len, size_t max_digits, size_t *out)
{
    if (len == 0 || len > max_digits || max_digits > 19)
        return ENVOI_EINVAL;
    size_t x = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return ENVOI_EINVAL;
        x = x * 10 + (size_t)(text[i] - '0');
    }
    *out = x;
    return 0;
}

/* The framing a header field says, kept in r; other fields are passed over. */
static int take_field(reader *r, const char *line, size_t len)
{
    const char *v;
    size_t vlen;
    if (field_is(line, len, "Content-Length", &v, &vlen)) {
        if (envoi_http_parse_decimal(v, vlen, 19, &r->length) < 0)
            return malformed(r, "a malformed Content-Length");
        r->has_length = true;
    } else if (field_is(line, len, "Transfer-Encoding", &v, &vlen)) {
        if (vlen < 7 || strncasecmp(v + vlen - 7, "chunked", 7) != 0)
            return malformed(r, "a transfer encoding other than chunked");
        r->chunked = true;
    }
    return 0;
}

/* Header or trailer fields up to the empty line. */
static int read_fields(reader *r, bool trailer)
{
    for (size_t count = 0;; count++) {
        const char *line;
        size_t len;
        int rc = envoi_conn_read_line(r->c, &line, &len, MAX_LINE, r->err);
        if (rc < 0)
            return rc;
        if (len == 0)
            return 0;
        if (count >= MAX_FIELDS) {
            char why[64];
            snprintf(why, sizeof why, "more than %d %s fields", MAX_FIELDS,
                     trailer ? "trailer" : "header");
            return malformed(r, why);
        }
        if (!trailer && (rc = take_field(r, line, len)) < 0)
            return rc;
    }
}

/* ---- the body ------------------------------------------------------------------------------- */

/* Move a secret body to a larger allocation for n more bytes, the old one
 * wiped: realloc would leave a copy behind. */
static int grow_secret(reader *r, size_t n)
{
    envoi_buf *b = r->body;
    if (b->len + n < b->cap)
        return 0;
    size_t want = b->cap < SIZE_MAX / 2 ? b->cap * 2 : SIZE_MAX - 1;
    if (want < b->len + n)
        want = b->len + n;
    if (want > r->how->max_body && b->len + n <= r->how->max_body)
        want = r->how->max_body;
    envoi_buf grown = ENVOI_BUF_INIT;
    if (envoi_buf_reserve(&grown, want) < 0)
        return ENVOI_ENOMEM;
    envoi_buf_append(&grown, b->data ? b->data : "", b->len); /* reserved: cannot fail */
    envoi_buf_wipe_free(b);
    *b = grown;
    return 0;
}

/* Append n bytes to the body. */
static int append(reader *r, const char *data, size_t n)
{
    if ((r->how->secret && grow_secret(r, n) < 0) || envoi_buf_append(r->body, data, n) < 0)
        return envoi_err_set(r->err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

/* Append the next n bytes of the connection. */
static int read_bytes(reader *r, size_t n)
{
    while (n > 0) {
        const char *data;
        size_t avail;
        int rc = envoi_conn_peek(r->c, &data, &avail, r->err);
        if (rc < 0)
            return rc;
        size_t take = avail < n ? avail : n;
        if ((rc = append(r, data, take)) < 0)
            return rc;
        envoi_conn_consume(r->c, take);
        n -= take;
    }
    return 0;
}

static int read_to_close(reader *r)
{
    for (;;) {
        const char *data;
        size_t avail;
        int rc = envoi_conn_peek(r->c, &data, &avail, r->err);
        if (rc == ENVOI_ECLOSED)
            return 0;
        if (rc < 0)
            return rc;
        if (avail > r->how->max_body - r->body->len)
            return too_big(r);
        if ((rc = append(r, data, avail)) < 0)
            return rc;
        envoi_conn_consume(r->c, avail);
    }
}

/* The hex size at the start of a chunk line (extensions after ';'); one
 * past SIZE_MAX is SIZE_MAX. */
static int parse_chunk_size(const char *line, size_t len, size_t *out)
{
    size_t x = 0, i = 0;
    int d;
    for (; i < len && (d = envoi_hex_value((unsigned char)line[i])) >= 0; i++)
        x = x > SIZE_MAX / 16 ? SIZE_MAX : x * 16 + (size_t)d;
    if (i == 0 || (i < len && line[i] != ';' && line[i] != ' ' && line[i] != '\t'))
        return ENVOI_EPROTOCOL;
    *out = x;
    return 0;
}

static int read_chunked(reader *r)
{
    for (;;) {
        const char *line;
        size_t len, size;
        int rc = envoi_conn_read_line(r->c, &line, &len, MAX_LINE, r->err);
        if (rc < 0)
            return rc;
        if (parse_chunk_size(line, len, &size) < 0)
            return malformed(r, "a malformed chunk size");
        if (size == 0)
            return read_fields(r, true);
        if (size > r->how->max_body - r->body->len)
            return too_big(r);
        if ((rc = read_bytes(r, size)) < 0)
            return rc;
        if ((rc = envoi_conn_read_line(r->c, &line, &len, MAX_LINE, r->err)) < 0)
            return rc;
        if (len != 0)
            return malformed(r, "a chunk longer than its size");
    }
}

static int read_body(reader *r)
{
    if (r->chunked)
        return read_chunked(r);
    if (r->has_length && r->length > r->how->max_body)
        return too_big(r);
    if (r->has_length)
        return read_bytes(r, r->length);
    return read_to_close(r);
}

/* ---- the answer ----------------------------------------------------------------------------- */

static void empty(envoi_buf *body, bool secret)
{
    if (secret && body->data)
        envoi_wipe(body->data, body->len);
    envoi_buf_truncate(body, 0);
}

/* One answer, interim or final. */
static int read_one(reader *r, unsigned *status)
{
    int rc = read_status(r, status);
    if (rc < 0)
        return rc;
    if ((rc = read_fields(r, false)) == 0 && *status >= 200 && *status != 204 && *status != 304)
        rc = read_body(r);
    if (rc == ENVOI_ECLOSED)
        return envoi_err_set(r->err, rc, "%s closed the connection in the middle of its answer",
                             r->how->label);
    if (rc == 0 && *status >= 200)
        rc = append(r, "", 0); /* NUL-terminated even when empty */
    return rc;
}

int envoi_http_read_answer(envoi_conn *c, const envoi_http_reading *how, unsigned *status,
                           envoi_buf *body, envoi_error *err)
{
    empty(body, how->secret);
    *status = 0;
    int rc;
    do { /* 1xx interim answers come before the real one */
        reader r = {.c = c, .how = how, .body = body, .err = err};
        rc = read_one(&r, status);
    } while (rc == 0 && *status < 200);
    if (rc < 0)
        empty(body, how->secret);
    return rc;
}
