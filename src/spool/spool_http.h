/* The HTTP/1.1 client of envoid's API, for the URL spool and for "envoi
 * queue": one request per connection (Connection: close), plain TCP, a
 * bearer token when given, the answer read whole within fixed bounds. */
#ifndef ENVOI_SPOOL_SPOOL_HTTP_H
#define ENVOI_SPOOL_SPOOL_HTTP_H

#include <stddef.h>

#include "envoi/error.h"
#include "util/buf.h"

/* The largest answer body accepted: a page of 1,000 listed messages fits. */
#define SPOOL_HTTP_MAX_BODY ((size_t)16 << 20)
/* The default waits: for the connection, and for each read or write (a
 * submission's answer waits for its durable commit). */
#define SPOOL_HTTP_CONNECT_MS (10 * 1000)
#define SPOOL_HTTP_IO_MS (5 * 60 * 1000)

typedef struct spool_http_request {
    const char *host;         /* name or address, IPv6 without brackets */
    unsigned port;            /* 1..65535 */
    const char *method;       /* "GET", "POST" */
    const char *target;       /* path and query, already escaped */
    const char *content_type; /* NULL: no Content-Type */
    const void *body;         /* NULL: none (a POST still says Content-Length: 0) */
    size_t body_len;
    const char *token; /* bearer token, NULL: none (the head holding it is wiped after) */
    int connect_ms;    /* 0 or less: SPOOL_HTTP_CONNECT_MS */
    int io_ms;         /* each read or write; 0 or less: SPOOL_HTTP_IO_MS */
} spool_http_request;

/* Send req and read the answer whole: *status gets its status (interim
 * 1xx answers skipped), body its body, NUL-terminated (empty when it had
 * none). Bodies with Content-Length, chunked (trailers skipped) or neither
 * (read to the close) are taken; one over SPOOL_HTTP_MAX_BODY is
 * ENVOI_ETOOBIG. Transport failures are ENVOI_ECONNECT, ENVOI_ERESOLVE,
 * ENVOI_ETIMEDOUT, ENVOI_ECLOSED or ENVOI_EIO; an answer that is not
 * HTTP/1.x is ENVOI_EPROTOCOL. Any status is a success here. */
int spool_http_exchange(const spool_http_request *req, unsigned *status, envoi_buf *body,
                        envoi_error *err);

/* Where envoid is: what every request to it shares. */
typedef struct spool_http_peer {
    const char *host;  /* name or address, IPv6 without brackets */
    unsigned port;     /* 1..65535 */
    const char *token; /* bearer token, NULL: none */
    int connect_ms;    /* 0 or less: SPOOL_HTTP_CONNECT_MS */
    int io_ms;         /* 0 or less: SPOOL_HTTP_IO_MS */
} spool_http_peer;

/* One call to envoid: METHOD TARGET with an optional body (content_type
 * NULL: none) as spool_http_exchange sends it. A 2xx answer's body goes in
 * reply (NUL-terminated); any other answer is an error as spool_http_fail
 * makes it; transport failures as spool_http_exchange. */
int spool_http_call(const spool_http_peer *peer, const char *method, const char *target,
                    const char *content_type, const void *body, size_t len, envoi_buf *reply,
                    envoi_error *err);

/* The decimal number text[0..len) of 1 to max_digits digits (max_digits
 * 19 at most). 0, or ENVOI_EINVAL for anything else. */
int spool_http_parse_number(const char *text, size_t len, size_t max_digits, size_t *out);
/* A port number, 1 to 65535. 0 or ENVOI_EINVAL. */
int spool_http_parse_port(const char *text, size_t len, unsigned *out);

/* Append s with every byte outside [A-Za-z0-9-._~@] as %XX (for query
 * values). 0 or ENVOI_ENOMEM. */
int spool_http_escape(envoi_buf *out, const char *s);

/* An error answer of envoid as err, returned: its code from the status
 * (400 and 415 ENVOI_EINVAL, 401 and 403 ENVOI_EAUTH, 404 ENVOI_ENOTFOUND,
 * 409 and 503 ENVOI_ESTATE, 413 ENVOI_ETOOBIG, 507 ENVOI_EFILE, other 5xx
 * ENVOI_ETEMPFAIL, else ENVOI_EPROTOCOL), reply_code the status, the text
 * its {"error": ...} member, else "HOST:PORT answered HTTP STATUS". */
int spool_http_fail(const spool_http_request *req, unsigned status, const envoi_buf *body,
                    envoi_error *err);

#endif
