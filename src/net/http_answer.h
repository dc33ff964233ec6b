/* Reading an HTTP/1.1 answer from an envoi_conn: the status, the fields that
 * frame the body, the body bounded by a caller-given maximum. */
#ifndef ENVOI_NET_HTTP_ANSWER_H
#define ENVOI_NET_HTTP_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/error.h"
#include "net/conn.h"
#include "util/buf.h"

/* How one client reads its answers. */
typedef struct envoi_http_reading {
    const char *label;    /* who answers, in messages: "host:port", "token endpoint HOST" */
    const char *not_http; /* after label for a malformed answer, before ": " and what is
                           * wrong: " did not answer as envoid does" */
    size_t max_body;      /* the largest body accepted */
    int too_big;          /* the error code of a larger one: ENVOI_ETOOBIG, ENVOI_EPROTOCOL */
    bool secret;          /* the body may carry secrets: never left behind in memory that is
                           * given back (grown by copy and wipe), wiped on failure */
} envoi_http_reading;

/* Read the answer to the request just sent on c: interim 1xx answers are
 * skipped, *status gets the final one's status and body its body,
 * NUL-terminated (empty when it has none: 1xx, 204, 304). The body is framed
 * by Transfer-Encoding: chunked (trailers skipped), else Content-Length,
 * else the close; one over how->max_body is how->too_big. Fields and lines
 * are bounded (100 fields of 8 KiB); an answer that is not HTTP/1.x or is
 * malformed is ENVOI_EPROTOCOL, "LABEL NOT_HTTP: what is wrong"; a close
 * before or in the middle of the answer ENVOI_ECLOSED; transport failures as
 * envoi_conn's. body is emptied first and on failure (wiped when secret). */
int envoi_http_read_answer(envoi_conn *c, const envoi_http_reading *how, unsigned *status,
                           envoi_buf *body, envoi_error *err);

/* The decimal number text[0..len) of 1 to max_digits digits (max_digits 19
 * at most), as in Content-Length. 0, or ENVOI_EINVAL for anything else. */
int envoi_http_parse_decimal(const char *text, size_t len, size_t max_digits, size_t *out);

#endif
