/* The HTTP JSON API of envoid, apart from the HTTP server: a request
 * (method, path, query, body) in, a status and a JSON body out.
 *
 *   POST /v1/messages                 submit (JSON, or message/rfc822 with ?from=&to=)
 *   GET  /v1/messages?status=&q=&offset=&limit=   list, newest first
 *   GET  /v1/messages/{id}            status, recipients, attempts
 *   POST /v1/messages/{id}/retry      retry now
 *   POST /v1/messages/{id}/cancel     cancel a pending message
 *   GET  /v1/stats                    counts and paused
 *   POST /v1/pause, POST /v1/resume   refuse / accept new submissions
 *   GET  /                            the dashboard (daemon/dashboard.h)
 *   GET  /v1/messages/{id}/source     the queued source, as text
 *   GET  /v1/capture[?offset=&limit=] the capture mailbox, newest first
 *   GET  /v1/capture/{id}             a captured message, parsed
 *   GET  /v1/capture/{id}/html        its HTML body, sandboxed
 *   GET  /v1/capture/{id}/attachments/{n}   an attachment, as a download
 *
 * Errors are {"error": "..."} with 400, 401, 404, 405, 409, 413, 415, 422
 * (refused by the content filter), 503, 507 or 500. */
#ifndef ENVOI_DAEMON_API_H
#define ENVOI_DAEMON_API_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/filter.h"
#include "spool/queue.h"

typedef struct envoid_api {
    spool_queue *queue;
    const char *spool_dir;
    size_t max_message;
    void (*submitted)(void *ctx); /* called after each accepted submission; may be NULL */
    void *submitted_ctx;
    const envoid_filter *filter; /* content filter run before queueing; NULL: none */
} envoid_api;

typedef struct envoid_query_arg {
    char *key;
    char *value; /* "" when the argument has no '=' */
} envoid_query_arg;

typedef struct envoid_request {
    const char *method;
    const char *path;
    const char *content_type; /* NULL when absent */
    const envoid_query_arg *args;
    size_t arg_count;
    const char *body;
    size_t body_len;
} envoid_request;

typedef struct envoid_reply {
    unsigned status;
    char *body;        /* JSON text (malloc'd), NUL-terminated */
    const char *allow; /* for 405: the methods allowed */
    /* Replies other than JSON (the dashboard, sources, attachments): */
    size_t body_len;          /* 0: strlen(body); else body's length (NUL-terminated still) */
    const char *content_type; /* NULL: application/json */
    const char *csp;          /* a Content-Security-Policy header, NULL: none */
    char *disposition;        /* a Content-Disposition header (malloc'd), NULL: none */
} envoid_reply;

/* Answer req. Never fails: on any problem the reply is an error status. */
void envoid_api_handle(const envoid_api *api, const envoid_request *req, envoid_reply *rep);

/* A reply that is finished later, on another thread: a submission waits for
 * its commit without holding a thread of the HTTP server. */
typedef struct envoid_later envoid_later;
struct envoid_later {
    /* Called (on the calling thread) before the request is handed over:
     * true, and from then on the reply comes only through ready; false
     * (the server is stopping), and the API answers at once instead. */
    bool (*hold)(envoid_later *later);
    /* Called once, from any thread, when reply is final; the API touches
     * neither later nor the request afterwards. */
    void (*ready)(envoid_later *later);
    envoid_reply reply;
};

/* envoid_api_handle, except that a request waiting on the queue may be
 * answered later: then true, after later->hold, and the reply arrives in
 * later->reply with later->ready. later NULL, or a content filter set:
 * always answered at once in rep (false). */
bool envoid_api_handle_later(const envoid_api *api, const envoid_request *req, envoid_reply *rep,
                             envoid_later *later);
/* An error reply: {"error": text}. */
void envoid_reply_error(envoid_reply *rep, unsigned status, const char *text);
void envoid_reply_free(envoid_reply *rep);
/* True for what anyone may fetch without the bearer token: the dashboard's
 * page (it holds no data and asks for the token itself). */
bool envoid_api_is_public(const char *method, const char *path);
/* The largest request body accepted for a given source limit: room for a
 * JSON-escaped source. */
size_t envoid_api_body_limit(size_t max_message);

#endif
