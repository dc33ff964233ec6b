/* The HTTP/1.1 client of envoid's API over src/net/conn.h: the request
 * (its head wiped after, for the token), the answer with Content-Length,
 * chunked or read to the close, interim answers skipped, every part
 * bounded; and envoid's error answers as envoi errors. */
#include "spool/spool_http.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "net/conn.h"
#include "spool/spool_json.h"
#include "util/err.h"

enum {
    MAX_LINE = 8192,
    MAX_HEADERS = 100,
    LABEL_SIZE = 300,
};

/* "host:port" or "[v6]:port", for messages. */
static void make_label(const spool_http_request *req, char label[LABEL_SIZE])
{
    bool v6 = strchr(req->host, ':') != NULL;
    snprintf(label, LABEL_SIZE, v6 ? "[%.255s]:%u" : "%.255s:%u", req->host, req->port);
}

int spool_http_escape(envoi_buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int rc;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~@", c))
            rc = envoi_buf_append_char(out, (char)c);
        else
            rc = envoi_buf_printf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- the request ---------------------------------------------------------------------------- */

/* The request line and headers; the token is in it, so it is wiped after. */
static int build_head(const spool_http_request *req, const char *label, envoi_buf *head)
{
    int rc = envoi_buf_printf(head,
                              "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: envoi\r\n"
                              "Accept: application/json\r\nConnection: close\r\n",
                              req->method, req->target, label);
    if (rc == 0 && req->token)
        rc = envoi_buf_printf(head, "Authorization: Bearer %s\r\n", req->token);
    if (rc == 0 && req->content_type)
        rc = envoi_buf_printf(head, "Content-Type: %s\r\n", req->content_type);
    if (rc == 0 && (req->body || req->content_type || strcmp(req->method, "POST") == 0))
        rc = envoi_buf_printf(head, "Content-Length: %zu\r\n", req->body ? req->body_len : 0);
    if (rc == 0)
        rc = envoi_buf_append_str(head, "\r\n");
    return rc;
}

static int send_request(envoi_conn *c, const spool_http_request *req, const char *label,
                        envoi_error *err)
{
    envoi_buf head = ENVOI_BUF_INIT;
    int rc = build_head(req, label, &head);
    if (rc < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else
        rc = envoi_conn_write(c, head.data, head.len, err);
    envoi_buf_wipe_free(&head);
    if (rc == 0 && req->body && req->body_len)
        rc = envoi_conn_write(c, req->body, req->body_len, err);
    return rc == 0 ? envoi_conn_flush(c, err) : rc;
}

/* ---- the answer's head ---------------------------------------------------------------------- */

typedef struct answer {
    const char *label;
    bool chunked;
    bool has_length;
    size_t length;
} answer;

static int not_http(envoi_error *err, const answer *a, const char *what)
{
    return envoi_err_set(err, ENVOI_EPROTOCOL, "%s did not answer as envoid does: %s", a->label,
                         what);
}

static int read_status(envoi_conn *c, const answer *a, unsigned *status, envoi_error *err)
{
    const char *line;
    size_t len;
    int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
    if (rc == ENVOI_ECLOSED)
        return envoi_err_set(err, rc, "%s closed the connection without an answer", a->label);
    if (rc < 0)
        return rc;
    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ')
        return envoi_err_set(err, ENVOI_EPROTOCOL,
                             "%s did not answer as envoid does: not HTTP: '%.*s'", a->label,
                             (int)(len > 60 ? 60 : len), line);
    unsigned v = 0;
    for (size_t i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9')
            return not_http(err, a, "a malformed HTTP status");
        v = v * 10 + (unsigned)(line[i] - '0');
    }
    if (v < 100 || (len > 12 && line[12] != ' '))
        return not_http(err, a, "a malformed HTTP status");
    *status = v;
    return 0;
}

/* Whether line is the field name; its value then, blanks trimmed. */
static bool header_is(const char *line, size_t len, const char *name, const char **value,
                      size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
        return false;
    size_t i = n + 1;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t end = len;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    *value = line + i;
    *vlen = end - i;
    return true;
}

int spool_http_parse_number(const char *text, size_t len, size_t max_digits, size_t *out)
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

int spool_http_parse_port(const char *text, size_t len, unsigned *out)
{
    size_t v = 0;
    if (spool_http_parse_number(text, len, 5, &v) < 0 || v == 0 || v > 65535)
        return ENVOI_EINVAL;
    *out = (unsigned)v;
    return 0;
}

/* Header or trailer fields up to the empty line; of the header, the ones
 * that frame the body are kept in a. */
static int read_fields(envoi_conn *c, answer *a, bool trailer, envoi_error *err)
{
    for (size_t count = 0;; count++) {
        const char *line, *v;
        size_t len, vlen;
        int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
        if (rc < 0)
            return rc;
        if (len == 0)
            return 0;
        if (count >= MAX_HEADERS) {
            char why[64];
            snprintf(why, sizeof why, "more than %d %s fields", MAX_HEADERS,
                     trailer ? "trailer" : "header");
            return not_http(err, a, why);
        }
        if (trailer)
            continue;
        if (header_is(line, len, "Content-Length", &v, &vlen)) {
            if (spool_http_parse_number(v, vlen, 19, &a->length) < 0)
                return not_http(err, a, "a malformed Content-Length");
            a->has_length = true;
        } else if (header_is(line, len, "Transfer-Encoding", &v, &vlen)) {
            if (vlen < 7 || strncasecmp(v + vlen - 7, "chunked", 7) != 0)
                return not_http(err, a, "a transfer encoding other than chunked");
            a->chunked = true;
        }
    }
}

/* ---- the answer's body ---------------------------------------------------------------------- */

static int too_big(envoi_error *err, const answer *a)
{
    return envoi_err_set(err, ENVOI_ETOOBIG, "the answer of %s is over %zu MiB", a->label,
                         SPOOL_HTTP_MAX_BODY >> 20);
}

/* Append n bytes to out. */
static int read_bytes(envoi_conn *c, envoi_buf *out, size_t n, envoi_error *err)
{
    while (n > 0) {
        const char *data;
        size_t avail;
        int rc = envoi_conn_peek(c, &data, &avail, err);
        if (rc < 0)
            return rc;
        size_t take = avail < n ? avail : n;
        if (envoi_buf_append(out, data, take) < 0)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        envoi_conn_consume(c, take);
        n -= take;
    }
    return 0;
}

static int read_to_close(envoi_conn *c, const answer *a, envoi_buf *out, envoi_error *err)
{
    for (;;) {
        const char *data;
        size_t avail;
        int rc = envoi_conn_peek(c, &data, &avail, err);
        if (rc == ENVOI_ECLOSED)
            return 0;
        if (rc < 0)
            return rc;
        if (avail > SPOOL_HTTP_MAX_BODY - out->len)
            return too_big(err, a);
        if (envoi_buf_append(out, data, avail) < 0)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        envoi_conn_consume(c, avail);
    }
}

/* The hex size at the start of a chunk line (extensions after ';'). */
static int parse_chunk_size(const char *line, size_t len, size_t *out)
{
    size_t x = 0, i = 0;
    for (; i < len && i < 16; i++) {
        char ch = line[i];
        unsigned d;
        if (ch >= '0' && ch <= '9')
            d = (unsigned)(ch - '0');
        else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
            d = (unsigned)((ch | 0x20) - 'a' + 10);
        else
            break;
        x = x * 16 + d;
    }
    if (i == 0 || (i < len && line[i] != ';' && line[i] != ' '))
        return ENVOI_EPROTOCOL;
    *out = x;
    return 0;
}

static int read_chunked(envoi_conn *c, answer *a, envoi_buf *out, envoi_error *err)
{
    for (;;) {
        const char *line;
        size_t len, size;
        int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
        if (rc < 0)
            return rc;
        if (parse_chunk_size(line, len, &size) < 0)
            return not_http(err, a, "a malformed chunk size");
        if (size == 0)
            return read_fields(c, a, true, err);
        if (size > SPOOL_HTTP_MAX_BODY - out->len)
            return too_big(err, a);
        if ((rc = read_bytes(c, out, size, err)) < 0)
            return rc;
        if ((rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err)) < 0)
            return rc;
        if (len != 0)
            return not_http(err, a, "a chunk longer than its size");
    }
}

static int read_body(envoi_conn *c, answer *a, envoi_buf *body, envoi_error *err)
{
    if (a->chunked)
        return read_chunked(c, a, body, err);
    if (a->has_length && a->length > SPOOL_HTTP_MAX_BODY)
        return too_big(err, a);
    if (a->has_length)
        return read_bytes(c, body, a->length, err);
    return read_to_close(c, a, body, err);
}

static int read_answer(envoi_conn *c, const char *label, unsigned *status, envoi_buf *body,
                       envoi_error *err)
{
    int rc;
    do { /* 1xx interim answers come before the real one */
        answer a = {.label = label};
        if ((rc = read_status(c, &a, status, err)) < 0 || (rc = read_fields(c, &a, false, err)) < 0)
            return rc;
        if (*status >= 200 && *status != 204 && *status != 304)
            rc = read_body(c, &a, body, err);
    } while (rc == 0 && *status < 200);
    if (rc == ENVOI_ECLOSED)
        envoi_err_set(err, rc, "%s closed the connection in the middle of its answer", label);
    if (rc == 0 && envoi_buf_append(body, "", 0) < 0) /* NUL-terminated even when empty */
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return rc;
}

int spool_http_exchange(const spool_http_request *req, unsigned *status, envoi_buf *body,
                        envoi_error *err)
{
    char label[LABEL_SIZE];
    make_label(req, label);
    *status = 0;
    envoi_buf_clear(body);
    envoi_conn *c = NULL;
    int rc = envoi_conn_open(&c, req->host, req->port,
                             req->connect_ms > 0 ? req->connect_ms : SPOOL_HTTP_CONNECT_MS,
                             req->io_ms > 0 ? req->io_ms : SPOOL_HTTP_IO_MS, err);
    if (rc == 0)
        rc = send_request(c, req, label, err);
    if (rc == 0)
        rc = read_answer(c, label, status, body, err);
    envoi_conn_close(c);
    return rc;
}

int spool_http_call(const spool_http_peer *peer, const char *method, const char *target,
                    const char *content_type, const void *body, size_t len, envoi_buf *reply,
                    envoi_error *err)
{
    spool_http_request req = {
        .host = peer->host,
        .port = peer->port,
        .method = method,
        .target = target,
        .content_type = content_type,
        .body = body,
        .body_len = len,
        .token = peer->token,
        .connect_ms = peer->connect_ms,
        .io_ms = peer->io_ms,
    };
    unsigned status = 0;
    int rc = spool_http_exchange(&req, &status, reply, err);
    if (rc == 0 && (status < 200 || status > 299))
        rc = spool_http_fail(&req, status, reply, err);
    return rc;
}

/* ---- envoid's error answers ----------------------------------------------------------------- */

static int code_for_status(unsigned status)
{
    switch (status) {
    case 400:
    case 415:
        return ENVOI_EINVAL;
    case 401:
    case 403:
        return ENVOI_EAUTH;
    case 404:
        return ENVOI_ENOTFOUND;
    case 409:
    case 503:
        return ENVOI_ESTATE;
    case 413:
        return ENVOI_ETOOBIG;
    case 507:
        return ENVOI_EFILE;
    default:
        return status >= 500 && status <= 599 ? ENVOI_ETEMPFAIL : ENVOI_EPROTOCOL;
    }
}

int spool_http_fail(const spool_http_request *req, unsigned status, const envoi_buf *body,
                    envoi_error *err)
{
    int code = code_for_status(status);
    char text[sizeof err->text];
    spool_json_value v;
    const char *b = body->data ? body->data : "";
    if (spool_json_member(b, body->len, "error", &v) != 0 ||
        spool_json_string(&v, text, sizeof text) != 0 || !text[0]) {
        char label[LABEL_SIZE];
        make_label(req, label);
        snprintf(text, sizeof text, "%s answered HTTP %u", label, status);
    }
    return envoi_err_reply(err, code, (int)status, "", text);
}
