/* One HTTP/1.1 POST to the token endpoint over src/net/conn.h, TLS with
 * certificate checks: the answer's status and body (Content-Length,
 * chunked or to the close), every part bounded, every byte wiped after. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "net/conn.h"
#include "oauth/oauth_impl.h"
#include "util/err.h"

enum {
    MAX_LINE = 8192,
    MAX_FIELDS = 100,
};

typedef struct answer {
    const char *host;
    bool chunked;
    bool has_length;
    size_t length;
} answer;

static int not_http(envoi_error *err, const answer *a, const char *what)
{
    return envoi_err_set(err, ENVOI_EPROTOCOL, "token endpoint %s: not an HTTP answer: %s", a->host,
                         what);
}

static int too_big(envoi_error *err, const answer *a)
{
    return envoi_err_set(err, ENVOI_EPROTOCOL, "token endpoint %s: answer over %zu KiB", a->host,
                         OAUTH_MAX_BODY >> 10);
}

static int send_request(envoi_conn *c, const oauth_http_request *req, envoi_error *err)
{
    const oauth_url *u = req->url;
    bool v6 = strchr(u->host, ':') != NULL;
    bool default_port = u->port == (u->tls ? 443u : 80u);
    envoi_buf head = ENVOI_BUF_INIT;
    int rc = envoi_buf_printf(&head, "POST %s HTTP/1.1\r\nHost: %s%s%s", u->path, v6 ? "[" : "",
                              u->host, v6 ? "]" : "");
    if (rc == 0 && !default_port)
        rc = envoi_buf_printf(&head, ":%u", u->port);
    if (rc == 0)
        rc = envoi_buf_printf(&head,
                              "\r\nUser-Agent: envoi\r\nAccept: application/json\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                              req->body_len);
    if (rc < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else
        rc = envoi_conn_write(c, head.data, head.len, err);
    envoi_buf_free(&head);
    if (rc == 0)
        rc = envoi_conn_write(c, req->body, req->body_len, err);
    return rc == 0 ? envoi_conn_flush(c, err) : rc;
}

static int read_status(envoi_conn *c, const answer *a, unsigned *status, envoi_error *err)
{
    const char *line;
    size_t len;
    int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
    if (rc == ENVOI_ECLOSED)
        return envoi_err_set(err, rc, "token endpoint %s closed the connection without an answer",
                             a->host);
    if (rc < 0)
        return rc;
    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
        (len > 12 && line[12] != ' '))
        return not_http(err, a, "malformed status line");
    unsigned v = 0;
    for (size_t i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9')
            return not_http(err, a, "malformed status");
        v = v * 10 + (unsigned)(line[i] - '0');
    }
    if (v < 100)
        return not_http(err, a, "malformed status");
    *status = v;
    return 0;
}

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

static int parse_length(const char *v, size_t n, size_t *out)
{
    if (n == 0 || n > 18)
        return ENVOI_EPROTOCOL;
    size_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return ENVOI_EPROTOCOL;
        x = x * 10 + (size_t)(v[i] - '0');
    }
    *out = x;
    return 0;
}

/* Fields up to the empty line; of the head's, those that frame the body. */
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
        if (count >= MAX_FIELDS)
            return not_http(err, a, "too many header fields");
        if (trailer)
            continue;
        if (field_is(line, len, "Content-Length", &v, &vlen)) {
            if (parse_length(v, vlen, &a->length) < 0)
                return not_http(err, a, "malformed Content-Length");
            a->has_length = true;
        } else if (field_is(line, len, "Transfer-Encoding", &v, &vlen)) {
            if (vlen < 7 || strncasecmp(v + vlen - 7, "chunked", 7) != 0)
                return not_http(err, a, "a transfer encoding other than chunked");
            a->chunked = true;
        }
    }
}

static int read_bytes(envoi_conn *c, envoi_buf *out, size_t n, envoi_error *err)
{
    while (n > 0) {
        const char *data;
        size_t avail;
        int rc = envoi_conn_peek(c, &data, &avail, err);
        if (rc < 0)
            return rc;
        size_t take = avail < n ? avail : n;
        envoi_buf_append(out, data, take); /* reserved up front: cannot fail */
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
        if (avail > OAUTH_MAX_BODY - out->len)
            return too_big(err, a);
        envoi_buf_append(out, data, avail);
        envoi_conn_consume(c, avail);
    }
}

static int parse_chunk_size(const char *line, size_t len, size_t *out)
{
    size_t x = 0, i = 0;
    for (; i < len && i < 8; i++) {
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
    if (i == 0 || (i < len && line[i] != ';' && line[i] != ' ' && line[i] != '\t'))
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
            return not_http(err, a, "malformed chunk size");
        if (size == 0)
            return read_fields(c, a, true, err);
        if (size > OAUTH_MAX_BODY - out->len)
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
    if (a->has_length && a->length > OAUTH_MAX_BODY)
        return too_big(err, a);
    if (a->has_length)
        return read_bytes(c, body, a->length, err);
    return read_to_close(c, a, body, err);
}

static int read_answer(envoi_conn *c, const char *host, unsigned *status, envoi_buf *body,
                       envoi_error *err)
{
    int rc;
    do {
        answer a = {.host = host};
        envoi_buf_truncate(body, 0);
        if ((rc = read_status(c, &a, status, err)) < 0 || (rc = read_fields(c, &a, false, err)) < 0)
            return rc;
        if (*status >= 200 && *status != 204 && *status != 304)
            rc = read_body(c, &a, body, err);
    } while (rc == 0 && *status < 200);
    if (rc == ENVOI_ECLOSED)
        envoi_err_set(err, rc,
                      "token endpoint %s closed the connection in the middle of its answer", host);
    return rc;
}

int oauth_http_post(const oauth_http_request *req, unsigned *status, envoi_buf *body,
                    envoi_error *err)
{
    *status = 0;
    envoi_buf_wipe_free(body);
    /* One allocation, never moved: no copy of a token is left behind. */
    if (envoi_buf_reserve(body, OAUTH_MAX_BODY + 1) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    envoi_buf_append(body, "", 0);
    envoi_conn *c = NULL;
    int rc =
        envoi_conn_open(&c, req->url->host, req->url->port, req->timeout_ms, req->timeout_ms, err);
    if (rc == 0 && req->url->tls) {
        envoi_tls_config cfg = {req->ca_file, NULL, req->ignore_cert};
        rc = envoi_conn_start_tls(c, &cfg, err);
    }
    if (rc == 0)
        rc = send_request(c, req, err);
    if (rc == 0)
        rc = read_answer(c, req->url->host, status, body, err);
    envoi_conn_close(c);
    if (rc < 0)
        envoi_buf_truncate(body, 0);
    return rc;
}
