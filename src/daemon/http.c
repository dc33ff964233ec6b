/* The HTTP side of envoid on libmicrohttpd: a request context per request
 * that gathers a bounded body, the token check, the answer from the API,
 * and a count of requests under way for a graceful stop. Without a content
 * filter a few event-driven threads serve every connection and a submission
 * waits for its commit suspended, holding no thread; with one (a filter runs
 * a program and may take seconds) each connection has its own thread. */
#include "daemon/http.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "util/buf.h"
#include "util/err.h"

#define CONNECTION_LIMIT 512
#define CONNECTION_TIMEOUT_S 60
#define MAX_POLL_THREADS 4
#define MAX_QUERY_ARGS 1100
/* A body announced this much over the limit is refused before it is read;
 * smaller excesses are read and dropped, so the client sees the answer. */
#define DRAIN_MAX ((uint64_t)16 * 1024 * 1024)

struct envoid_http {
    struct MHD_Daemon *mhd;
    const envoid_api *api;
    const envoid_token *token;
    size_t body_limit;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    size_t in_flight;
    size_t waiting;  /* requests suspended until the queue answers */
    bool stopping;   /* no more suspensions: MHD must not stop with one */
    bool event_mode; /* poll threads and suspended requests, not a thread each */
};

enum request_stage { GATHERING, WAITING, READY, ANSWERED };

struct request {
    envoi_buf body;
    unsigned early_status; /* 401 or 413 decided before the body: drained, then answered */
    envoid_http *h;
    struct MHD_Connection *conn;
    enum request_stage stage; /* WAITING and READY: under h->lock */
    envoid_later later;
};

__attribute__((format(printf, 2, 0))) static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    envoi_buf line = ENVOI_BUF_INIT;
    if (envoi_buf_vprintf(&line, fmt, ap) == 0) {
        while (line.len > 0 && line.data[line.len - 1] == '\n')
            line.data[--line.len] = '\0';
        envoid_warn("http: %s", line.data);
    }
    envoi_buf_free(&line);
}

static void count_request(envoid_http *h, int delta)
{
    pthread_mutex_lock(&h->lock);
    if (delta > 0)
        h->in_flight++;
    else if (h->in_flight > 0 && --h->in_flight == 0)
        pthread_cond_broadcast(&h->idle);
    pthread_mutex_unlock(&h->lock);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct request *r = *con_cls;
    if (!r)
        return;
    envoid_reply_free(&r->later.reply);
    envoi_buf_free(&r->body);
    free(r);
    *con_cls = NULL;
    count_request(cls, -1);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, envoid_reply *rep)
{
    size_t len = rep->body_len ? rep->body_len : rep->body ? strlen(rep->body) : 0;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, rep->body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        envoid_reply_free(rep);
        return MHD_NO;
    }
    rep->body = NULL; /* the response owns it now */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            rep->content_type ? rep->content_type : "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (rep->csp)
        MHD_add_response_header(resp, "Content-Security-Policy", rep->csp);
    if (rep->disposition)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, rep->disposition);
    envoid_reply_free(rep);
    if (rep->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
    if (rep->status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"envoid\"");
    enum MHD_Result ret = MHD_queue_response(c, rep->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *text)
{
    envoid_reply rep = {0};
    envoid_reply_error(&rep, status, text);
    return send_reply(c, &rep);
}

/* The announced body length, or -1 when none (chunked or absent). */
static int64_t announced_length(struct MHD_Connection *c)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (!v || *v < '0' || *v > '9')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n > INT64_MAX)
        return INT64_MAX;
    return (int64_t)n;
}

/* The request whose later this is. */
static struct request *request_of(envoid_later *later)
{
    return (struct request *)((char *)later - offsetof(struct request, later));
}

/* The API takes the request over: suspended until ready. Not once the
 * stop has begun (the submission is then made on this thread). */
static bool hold_request(envoid_later *later)
{
    struct request *r = request_of(later);
    pthread_mutex_lock(&r->h->lock);
    bool hold = !r->h->stopping;
    if (hold) {
        r->h->waiting++;
        r->stage = WAITING;
    }
    pthread_mutex_unlock(&r->h->lock);
    if (hold)
        MHD_suspend_connection(r->conn);
    return hold;
}

/* The reply is in r->later.reply: resume the connection so that it is sent.
 * The request may be gone as soon as it is resumed. */
static void request_ready(envoid_later *later)
{
    struct request *r = request_of(later);
    envoid_http *h = r->h;
    pthread_mutex_lock(&h->lock);
    r->stage = READY;
    pthread_mutex_unlock(&h->lock);
    MHD_resume_connection(r->conn);
    pthread_mutex_lock(&h->lock);
    if (--h->waiting == 0)
        pthread_cond_broadcast(&h->idle);
    pthread_mutex_unlock(&h->lock);
}

/* The first call of a request: its context, and what may be refused at once. */
static enum MHD_Result begin_request(envoid_http *h, struct MHD_Connection *c, const char *url,
                                     const char *method, void **con_cls)
{
    struct request *r = calloc(1, sizeof *r);
    if (!r)
        return MHD_NO;
    *con_cls = r;
    r->h = h;
    r->conn = c;
    r->later.hold = hold_request;
    r->later.ready = request_ready;
    count_request(h, +1);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    int64_t len = announced_length(c);
    if (!envoid_api_is_public(method, url) && !envoid_token_accepts(h->token, auth))
        r->early_status = 401;
    else if (len >= 0 && (uint64_t)len > h->body_limit)
        r->early_status = 413;
    if (r->early_status && len >= 0 && (uint64_t)len > h->body_limit + DRAIN_MAX)
        return send_error(c, r->early_status,
                          r->early_status == 401 ? "missing or wrong bearer token"
                                                 : "request body over the size limit");
    return MHD_YES;
}

static void take_body(envoid_http *h, struct request *r, const char *data, size_t len)
{
    if (r->early_status)
        return;
    if (len > h->body_limit - r->body.len) {
        r->early_status = 413;
        envoi_buf_free(&r->body);
        return;
    }
    if (envoi_buf_append(&r->body, data, len) < 0) {
        r->early_status = 413;
        envoi_buf_free(&r->body);
    }
}

struct args {
    envoid_query_arg *list;
    size_t count;
    bool failed;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct args *a = cls;
    if (a->count >= MAX_QUERY_ARGS) {
        a->failed = true;
        return MHD_NO;
    }
    envoid_query_arg *arg = &a->list[a->count];
    arg->key = strdup(key ? key : "");
    arg->value = strdup(value ? value : "");
    if (!arg->key || !arg->value) {
        free(arg->key);
        free(arg->value);
        a->failed = true;
        return MHD_NO;
    }
    a->count++;
    return MHD_YES;
}

static void free_args(struct args *a)
{
    for (size_t i = 0; i < a->count; i++) {
        free(a->list[i].key);
        free(a->list[i].value);
    }
    free(a->list);
}

static enum MHD_Result answer(envoid_http *h, struct MHD_Connection *c, const char *url,
                              const char *method, struct request *r)
{
    if (r->early_status == 401) {
        envoid_info("unauthorized method=%s path=%s", method, url);
        return send_error(c, 401, "missing or wrong bearer token");
    }
    if (r->early_status == 413)
        return send_error(c, 413, "request body over the size limit");
    struct args a = {calloc(MAX_QUERY_ARGS, sizeof(envoid_query_arg)), 0, false};
    if (!a.list)
        return send_error(c, 500, "out of memory");
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
    if (a.failed) {
        free_args(&a);
        return send_error(c, 400, "too many query arguments");
    }
    envoid_request req = {
        .method = method,
        .path = url,
        .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
        .args = a.list,
        .arg_count = a.count,
        .body = r->body.data ? r->body.data : "",
        .body_len = r->body.len,
    };
    envoid_reply rep = {0};
    bool later = envoid_api_handle_later(h->api, &req, &rep, h->event_mode ? &r->later : NULL);
    free_args(&a);
    return later ? MHD_YES : send_reply(c, &rep);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    envoid_http *h = cls;
    struct request *r = *con_cls;
    if (!r)
        return begin_request(h, c, url, method, con_cls);
    if (*upload_data_size > 0) {
        take_body(h, r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&h->lock);
    enum request_stage stage = r->stage;
    if (stage == READY)
        r->stage = ANSWERED;
    pthread_mutex_unlock(&h->lock);
    if (stage == READY)
        return send_reply(c, &r->later.reply);
    if (stage != GATHERING)
        return MHD_YES; /* still waiting (a call MHD makes on its own) */
    return answer(h, c, url, method, r);
}

/* Event mode: a poll thread per core, at most MAX_POLL_THREADS. */
static unsigned poll_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 2 ? 2u : n > MAX_POLL_THREADS ? (unsigned)MAX_POLL_THREADS : (unsigned)n;
}

int envoid_http_start(envoid_http **out, const envoid_settings *s, const envoid_api *api,
                      const envoid_token *token, envoi_error *err)
{
    envoid_http *h = calloc(1, sizeof *h);
    if (!h)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    h->api = api;
    h->token = token;
    h->body_limit = envoid_api_body_limit(s->max_message);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->idle, NULL);
    h->event_mode = api->filter == NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (h->event_mode)
        flags |= MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
    else
        flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    if (s->addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    errno = 0;
    h->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&s->addr, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)CONNECTION_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_THREAD_POOL_SIZE,
        h->event_mode ? poll_threads() : 0u, MHD_OPTION_END);
    if (!h->mhd) {
        int e = errno;
        pthread_cond_destroy(&h->idle);
        pthread_mutex_destroy(&h->lock);
        free(h);
        return envoi_err_set(err, ENVOI_ECONNECT, "cannot listen on %s: %s", s->listen,
                             e ? strerror(e) : "the HTTP server did not start");
    }
    *out = h;
    return 0;
}

static void wait_idle(envoid_http *h, int grace_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += grace_ms / 1000;
    until.tv_nsec += (long)(grace_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&h->lock);
    h->stopping = true;
    while (h->in_flight > 0) {
        if (pthread_cond_timedwait(&h->idle, &h->lock, &until) != 0)
            break;
    }
    size_t left = h->in_flight;
    /* A suspended request is resumed by the queue's committer, which
     * finishes what it holds: wait for it, or it would resume a connection
     * already gone. */
    if (h->waiting)
        envoid_info("waiting for %zu submissions to be committed", h->waiting);
    while (h->waiting > 0)
        pthread_cond_wait(&h->idle, &h->lock);
    pthread_mutex_unlock(&h->lock);
    if (left)
        envoid_warn("stopping with %zu requests still under way", left);
}

void envoid_http_stop(envoid_http *h, int grace_ms)
{
    if (!h)
        return;
    MHD_socket fd = MHD_quiesce_daemon(h->mhd);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    wait_idle(h, grace_ms);
    MHD_stop_daemon(h->mhd);
    pthread_cond_destroy(&h->idle);
    pthread_mutex_destroy(&h->lock);
    free(h);
}
