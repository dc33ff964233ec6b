/* The HTTP/1.1 client of envoid's API: the request and the answer as
 * src/net/http_request.h and src/net/http_answer.h write and read them, the
 * answer bounded by SPOOL_HTTP_MAX_BODY; and envoid's error answers as envoi
 * errors. */
#include "spool/spool_http.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "net/conn.h"
#include "net/http_answer.h"
#include "net/http_request.h"
#include "spool/spool_json.h"
#include "util/err.h"

enum {
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

int spool_http_parse_number(const char *text, size_t len, size_t max_digits, size_t *out)
{
    return envoi_http_parse_decimal(text, len, max_digits, out);
}

int spool_http_parse_port(const char *text, size_t len, unsigned *out)
{
    size_t v = 0;
    if (spool_http_parse_number(text, len, 5, &v) < 0 || v == 0 || v > 65535)
        return ENVOI_EINVAL;
    *out = (unsigned)v;
    return 0;
}

/* ---- the exchange --------------------------------------------------------------------------- */

static int send_request(envoi_conn *c, const spool_http_request *req, envoi_error *err)
{
    envoi_http_request r = {
        .method = req->method,
        .target = req->target,
        .host = req->host,
        .port = req->port,
        .token = req->token,
        .content_type = req->content_type,
        .body = req->body,
        .body_len = req->body_len,
    };
    return envoi_http_write_request(c, &r, err);
}

static int read_answer(envoi_conn *c, const char *label, unsigned *status, envoi_buf *body,
                       envoi_error *err)
{
    envoi_http_reading how = {
        .label = label,
        .not_http = " did not answer as envoid does",
        .max_body = SPOOL_HTTP_MAX_BODY,
        .too_big = ENVOI_ETOOBIG,
    };
    return envoi_http_read_answer(c, &how, status, body, err);
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
        rc = send_request(c, req, err);
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
