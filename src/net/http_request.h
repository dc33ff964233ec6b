/* Writing an HTTP/1.1 request on an envoi_conn: one request per connection
 * (Connection: close), JSON answers asked for, an optional bearer token. */
#ifndef ENVOI_NET_HTTP_REQUEST_H
#define ENVOI_NET_HTTP_REQUEST_H

#include <stddef.h>

#include "envoi/error.h"
#include "net/conn.h"

typedef struct envoi_http_request {
    const char *method;       /* "GET", "POST" */
    const char *target;       /* path and query, already escaped */
    const char *host;         /* for the Host field: name or address, IPv6 without brackets */
    unsigned port;            /* written in the Host field; 0: not written (the default) */
    const char *token;        /* bearer token, NULL: none */
    const char *content_type; /* NULL: no Content-Type */
    const void *body;         /* NULL: none (a POST still says Content-Length: 0) */
    size_t body_len;
} envoi_http_request;

/* Write req on c and flush it: the request line, Host, User-Agent, Accept:
 * application/json, Connection: close, Authorization when there is a token,
 * Content-Type and Content-Length when there is a body (Content-Length also
 * for any POST or content type), then the body. The head is wiped after, as
 * it may hold the token. 0, ENVOI_ENOMEM or a transport error of
 * envoi_conn's. */
int envoi_http_write_request(envoi_conn *c, const envoi_http_request *req, envoi_error *err);

#endif
