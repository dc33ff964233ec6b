/* One HTTP/1.1 POST to the token endpoint, TLS with certificate checks: the
 * request and the answer as src/net/http_request.h and src/net/http_answer.h
 * write and read them, the answer bounded by OAUTH_MAX_BODY and wiped. */
#include <stdio.h>

#include "net/conn.h"
#include "net/http_answer.h"
#include "net/http_request.h"
#include "oauth/oauth_impl.h"
#include "util/err.h"

static int send_request(envoi_conn *c, const oauth_http_request *req, envoi_error *err)
{
    const oauth_url *u = req->url;
    envoi_http_request r = {
        .method = "POST",
        .target = u->path,
        .host = u->host,
        .port = u->port == (u->tls ? 443u : 80u) ? 0 : u->port,
        .content_type = "application/x-www-form-urlencoded",
        .body = req->body,
        .body_len = req->body_len,
    };
    return envoi_http_write_request(c, &r, err);
}

static int read_answer(envoi_conn *c, const char *host, unsigned *status, envoi_buf *body,
                       envoi_error *err)
{
    char label[300];
    snprintf(label, sizeof label, "token endpoint %.255s", host);
    envoi_http_reading how = {
        .label = label,
        .not_http = ": unexpected answer",
        .max_body = OAUTH_MAX_BODY,
        .too_big = ENVOI_EPROTOCOL,
        .secret = true, /* it carries tokens */
    };
    return envoi_http_read_answer(c, &how, status, body, err);
}

int oauth_http_post(const oauth_http_request *req, unsigned *status, envoi_buf *body,
                    envoi_error *err)
{
    *status = 0;
    envoi_buf_wipe_free(body);
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
    envoi_conn_close(c); /* wipes what it received */
    return rc;
}
