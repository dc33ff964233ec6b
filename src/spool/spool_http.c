/* A minimal HTTP/1.1 client over src/net/conn.h, enough for envoid's API:
 * one request per connection, a reply with Content-Length or up to the
 * close. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/conn.h"
#include "spool/spool_http.h"
#include "util/err.h"

enum {
    CONNECT_MS = 10 * 1000,
    IO_MS = 5 * 60 * 1000, /* a submission waits for its durable commit */
    MAX_LINE = 8192,
    MAX_HEADERS = 100,
};

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

/* The request line and headers; the token is in it, so it is wiped after. */
static int build_head(const spool_http_request *req, envoi_buf *head)
{
    int rc = envoi_buf_printf(head,
                              "%s %s HTTP/1.1\r\nHost: %s%s%s:%u\r\nUser-Agent: envoi\r\n"
                              "Accept: application/json\r\nConnection: close\r\n",
                              req->method, req->target, strchr(req->host, ':') ? "[" : "",
                              req->host, strchr(req->host, ':') ? "]" : "", req->port);
    if (rc == 0 && req->token)
        rc = envoi_buf_printf(head, "Authorization: Bearer %s\r\n", req->token);
    if (rc == 0 && req->content_type)
        rc = envoi_buf_printf(head, "Content-Type: %s\r\n", req->content_type);
    if (rc == 0 && (req->content_type || strcmp(req->method, "POST") == 0))
        rc = envoi_buf_printf(head, "Content-Length: %zu\r\n", req->body_len);
    if (rc == 0)
        rc = envoi_buf_append_str(head, "\r\n");
    return rc;
}

static int send_request(envoi_conn *c, const spool_http_request *req, envoi_error *err)
{
    envoi_buf head = ENVOI_BUF_INIT;
    int rc = build_head(req, &head);
    if (rc < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else
        rc = envoi_conn_write(c, head.data, head.len, err);
    envoi_buf_wipe_free(&head);
    if (rc == 0 && req->body_len)
        rc = envoi_conn_write(c, req->body, req->body_len, err);
    return rc == 0 ? envoi_conn_flush(c, err) : rc;
}

static int read_status(envoi_conn *c, unsigned *status, envoi_error *err)
{
    const char *line;
    size_t len;
    int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
    if (rc < 0)
        return rc;
    if (len < 12 || strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' || line[9] < '1' ||
        line[9] > '5' || line[10] < '0' || line[10] > '9' || line[11] < '0' || line[11] > '9')
        return envoi_err_set(err, ENVOI_EPROTOCOL, "the spool's answer is not HTTP: '%.*s'",
                             (int)(len > 60 ? 60 : len), line);
    *status = (unsigned)((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
    return 0;
}

/* Headers up to the empty line: Content-Length (-1 when absent). */
static int read_headers(envoi_conn *c, long long *length, envoi_error *err)
{
    *length = -1;
    for (int i = 0; i <= MAX_HEADERS; i++) {
        const char *line;
        size_t len;
        int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
        if (rc < 0)
            return rc;
        if (len == 0)
            return 0;
        if (len > 15 && strncasecmp(line, "Content-Length:", 15) == 0) {
            char *end = NULL;
            long long v = strtoll(line + 15, &end, 10);
            if (v < 0 || end == line + 15)
                return envoi_err_set(err, ENVOI_EPROTOCOL, "bad Content-Length in the answer");
            *length = v;
        } else if (len > 18 && strncasecmp(line, "Transfer-Encoding:", 18) == 0) {
            return envoi_err_set(err, ENVOI_EPROTOCOL, "unexpected Transfer-Encoding");
        }
    }
    return envoi_err_set(err, ENVOI_EPROTOCOL, "more than %d header lines", MAX_HEADERS);
}

static int read_to_close(envoi_conn *c, envoi_buf *body, envoi_error *err)
{
    for (;;) {
        const char *data;
        size_t len;
        int rc = envoi_conn_peek(c, &data, &len, err);
        if (rc == ENVOI_ECLOSED)
            return 0;
        if (rc < 0)
            return rc;
        if (body->len + len > SPOOL_HTTP_MAX_REPLY)
            return envoi_err_set(err, ENVOI_EPROTOCOL, "the answer is too long");
        if (envoi_buf_append(body, data, len) < 0)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        envoi_conn_consume(c, len);
    }
}

static int read_body(envoi_conn *c, long long length, envoi_buf *body, envoi_error *err)
{
    if (length < 0)
        return read_to_close(c, body, err);
    if ((unsigned long long)length > SPOOL_HTTP_MAX_REPLY)
        return envoi_err_set(err, ENVOI_EPROTOCOL, "the answer is too long (%lld bytes)", length);
    if (envoi_buf_reserve(body, (size_t)length + 1) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int rc = length ? envoi_conn_read_exact(c, body->data + body->len, (size_t)length, err) : 0;
    if (rc == 0) {
        body->len += (size_t)length;
        body->data[body->len] = '\0';
    }
    return rc;
}

int spool_http_exchange(const spool_http_request *req, unsigned *status, envoi_buf *body,
                        envoi_error *err)
{
    envoi_conn *c = NULL;
    *status = 0;
    envoi_buf_clear(body);
    int rc = envoi_conn_open(&c, req->host, req->port, CONNECT_MS, IO_MS, err);
    if (rc == 0)
        rc = send_request(c, req, err);
    long long length = -1;
    if (rc == 0)
        rc = read_status(c, status, err);
    if (rc == 0)
        rc = read_headers(c, &length, err);
    if (rc == 0)
        rc = read_body(c, length, body, err);
    envoi_conn_close(c);
    return rc;
}
