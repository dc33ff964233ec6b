/* A minimal HTTP/1.1 client for envoid's API: one request per connection
 * (Connection: close), plain TCP, a bounded reply read whole. */
#ifndef ENVOI_SPOOL_SPOOL_HTTP_H
#define ENVOI_SPOOL_SPOOL_HTTP_H

#include <stddef.h>

#include "envoi/error.h"
#include "util/buf.h"

typedef struct spool_http_request {
    const char *host;
    unsigned port;
    const char *method;       /* "GET", "POST" */
    const char *target;       /* path and query, already escaped */
    const char *content_type; /* NULL: no body */
    const void *body;
    size_t body_len;
    const char *token; /* bearer token, NULL: none */
} spool_http_request;

/* Largest reply body read. */
#define SPOOL_HTTP_MAX_REPLY ((size_t)4 * 1024 * 1024)

/* Send req and read the reply: *status gets its status code, body its body.
 * ENVOI_ECONNECT / ERESOLVE / ETIMEDOUT / ECLOSED / EIO from the
 * connection, ENVOI_EPROTOCOL for a reply that is not HTTP/1.x or too big. */
int spool_http_exchange(const spool_http_request *req, unsigned *status, envoi_buf *body,
                        envoi_error *err);

/* Append s percent-encoded for a query value. */
int spool_http_escape(envoi_buf *out, const char *s);

#endif
