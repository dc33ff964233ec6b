/* A small HTTP/1.1 client for envoid's API, as "envoi queue" and "envoi
 * send --async" use it: one request per connection (Connection: close),
 * plain TCP on loopback, bounded answers, a bearer token when configured. */
#ifndef ENVOI_CLI_QUEUE_HTTP_H
#define ENVOI_CLI_QUEUE_HTTP_H

#include <stddef.h>

#include "envoi/error.h"
#include "util/buf.h"

/* The largest answer body accepted: a page of 1,000 listed messages fits. */
#define CLI_HTTP_MAX_BODY ((size_t)16 << 20)
/* The default wait for the connection and for each read or write. */
#define CLI_HTTP_TIMEOUT_MS 30000

/* Where envoid is and how to talk to it. */
typedef struct cli_spooler {
    char *host;     /* host name or address, IPv6 without brackets */
    unsigned port;  /* 1..65535 */
    char *label;    /* "host:port" or "[v6]:port", for messages */
    char *token;    /* bearer token, NULL: none; wiped by cli_spooler_free */
    int timeout_ms; /* connect and each read or write */
} cli_spooler;

typedef struct cli_http_reply {
    unsigned status; /* 200, 404... */
    envoi_buf body;  /* NUL-terminated (empty when the answer had none) */
} cli_http_reply;

/* Set host, port and label from "http://HOST:PORT[/]", "HOST:PORT" or
 * "[V6]:PORT" (an envoid listen address). A wildcard address (0.0.0.0,
 * [::]) means this host's loopback. ENVOI_EINVAL with err naming what is
 * wrong, or ENVOI_ENOMEM. */
int cli_spooler_set_address(cli_spooler *sp, const char *where, envoi_error *err);
/* Wipe the token and free everything; sp is zeroed. */
void cli_spooler_free(cli_spooler *sp);

/* Send METHOD TARGET (a path with its query, already escaped) with an
 * optional body of content_type, and read the answer whole. Answers with
 * Content-Length, chunked encoding or none (read to the close) are taken;
 * a body over CLI_HTTP_MAX_BODY is ENVOI_ETOOBIG. Transport failures are
 * ENVOI_ECONNECT, ENVOI_ERESOLVE, ENVOI_ETIMEDOUT, ENVOI_ECLOSED or
 * ENVOI_EIO; an answer that is not HTTP is ENVOI_EPROTOCOL. Any HTTP status
 * is a success here: the caller reads rep->status. Free rep with
 * cli_http_reply_free even after a failure. */
int cli_http_request(const cli_spooler *sp, const char *method, const char *target,
                     const char *content_type, const void *body, size_t len, cli_http_reply *rep,
                     envoi_error *err);
void cli_http_reply_free(cli_http_reply *rep);

/* Append text to out with every byte outside [A-Za-z0-9-._~] as %XX (for
 * query values). 0 or ENVOI_ENOMEM. */
int cli_http_escape(envoi_buf *out, const char *text);

#endif
