/* Writing an HTTP/1.1 request on an envoi_conn: its head (wiped after, for
 * the token), then its body, flushed. */
#include "net/http_request.h"

#include <stdbool.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

/* The request line and the header fields, up to the empty line. */
static int build_head(const envoi_http_request *req, envoi_buf *head)
{
    bool v6 = strchr(req->host, ':') != NULL;
    int rc = envoi_buf_printf(head, "%s %s HTTP/1.1\r\nHost: %s%s%s", req->method, req->target,
                              v6 ? "[" : "", req->host, v6 ? "]" : "");
    if (rc == 0 && req->port)
        rc = envoi_buf_printf(head, ":%u", req->port);
    if (rc == 0)
        rc = envoi_buf_append_str(head, "\r\nUser-Agent: envoi\r\nAccept: application/json\r\n"
                                        "Connection: close\r\n");
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

int envoi_http_write_request(envoi_conn *c, const envoi_http_request *req, envoi_error *err)
{
    envoi_buf head = ENVOI_BUF_INIT;
    int rc = build_head(req, &head);
    if (rc < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else
        rc = envoi_conn_write(c, head.data, head.len, err);
    envoi_buf_wipe_free(&head);
    if (rc == 0 && req->body && req->body_len)
        rc = envoi_conn_write(c, req->body, req->body_len, err);
    return rc == 0 ? envoi_conn_flush(c, err) : rc;
}
