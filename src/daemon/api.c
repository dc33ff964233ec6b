/* The API's router and its replies: which handler a method and path go
 * to, and how errors become statuses. */
#include "daemon/api.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "daemon/api_impl.h"
#include "daemon/dashboard.h"

#define BODY_SLACK ((size_t)64 * 1024)

size_t envoid_api_body_limit(size_t max_message)
{
    /* A JSON string escapes each CR and LF in two characters: twice the
     * source covers text; the slack covers the other members. */
    if (max_message > (SIZE_MAX - BODY_SLACK) / 2)
        return SIZE_MAX;
    return max_message * 2 + BODY_SLACK;
}

void envoid_reply_free(envoid_reply *rep)
{
    free(rep->body);
    rep->body = NULL;
    free(rep->disposition);
    rep->disposition = NULL;
}

void envoid_reply_json(envoid_reply *rep, unsigned status, json_t *json)
{
    envoid_reply_free(rep);
    rep->body_len = 0;
    rep->content_type = NULL;
    rep->csp = NULL;
    rep->body = json ? json_dumps(json, JSON_COMPACT) : NULL;
    json_decref(json);
    rep->status = status;
    if (!rep->body) {
        rep->status = 500;
        rep->body = strdup("{\"error\":\"out of memory\"}");
    }
}

void envoid_reply_error(envoid_reply *rep, unsigned status, const char *text)
{
    envoid_reply_json(rep, status, json_pack("{s:s}", "error", text));
}

/* Little room left where the queue lives: a refused write is a full disk. */
static bool disk_is_full(const char *dir)
{
    struct statvfs vfs;
    if (!dir || statvfs(dir, &vfs) != 0)
        return false;
    return (unsigned long long)vfs.f_bavail * vfs.f_frsize < 1024ULL * 1024;
}

static unsigned status_for(const envoid_api *api, const envoi_error *err)
{
    switch (err->code) {
    case ENVOI_EINVAL:
    case ENVOI_EHEADER:
    case ENVOI_EADDRESS:
    case ENVOI_EIDNA:
        return 400;
    case ENVOI_ENOTFOUND:
        return 404;
    case ENVOI_ETOOBIG:
        return 413;
    case ENVOI_EFILE:
        return (strstr(err->text, "full") || disk_is_full(api->spool_dir)) ? 507 : 500;
    default:
        return 500;
    }
}

void envoid_reply_queue_error(const envoid_api *api, envoid_reply *rep, const envoi_error *err)
{
    envoid_reply_error(rep, status_for(api, err),
                       err->text[0] ? err->text : envoi_strerror(err->code));
}

const char *envoid_request_arg(const envoid_request *req, const char *key)
{
    for (size_t i = 0; i < req->arg_count; i++)
        if (strcmp(req->args[i].key, key) == 0)
            return req->args[i].value;
    return NULL;
}

json_t *envoid_json_time(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char text[40];
    if (!gmtime_r(&secs, &tm))
        return json_null();
    size_t n = strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(text + n, sizeof text - n, ".%03dZ", (int)(ms % 1000));
    return json_string(text);
}

/* An id as the queue makes them: [0-9a-z], shorter than SPOOL_ID_SIZE. */
static bool is_id(const char *s, size_t len)
{
    if (len == 0 || len >= SPOOL_ID_SIZE)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z')))
            return false;
    return true;
}

static bool is_method(const envoid_request *req, const char *method)
{
    return strcmp(req->method, method) == 0;
}

static void not_allowed(envoid_reply *rep, const char *allow)
{
    rep->allow = allow;
    envoid_reply_error(rep, 405, "method not allowed here");
}

/* /v1/messages/{id}[/retry|/cancel] */
static void route_message(const envoid_api *api, const envoid_request *req, const char *rest,
                          envoid_reply *rep)
{
    const char *slash = strchr(rest, '/');
    size_t id_len = slash ? (size_t)(slash - rest) : strlen(rest);
    if (!is_id(rest, id_len)) {
        envoid_reply_error(rep, 404, "no such message");
        return;
    }
    char id[SPOOL_ID_SIZE];
    memcpy(id, rest, id_len);
    id[id_len] = '\0';
    const char *action = slash ? slash + 1 : NULL;
    if (!action) {
        if (is_method(req, "GET"))
            envoid_api_show(api, id, rep);
        else
            not_allowed(rep, "GET");
    } else if (strcmp(action, "retry") == 0 || strcmp(action, "cancel") == 0) {
        if (!is_method(req, "POST"))
            not_allowed(rep, "POST");
        else if (action[0] == 'r')
            envoid_api_retry(api, id, rep);
        else
            envoid_api_cancel(api, id, rep);
    } else {
        envoid_reply_error(rep, 404, "no such resource");
    }
}

void envoid_api_handle(const envoid_api *api, const envoid_request *req, envoid_reply *rep)
{
    envoid_api_handle_later(api, req, rep, NULL);
}

bool envoid_api_handle_later(const envoid_api *api, const envoid_request *req, envoid_reply *rep,
                             envoid_later *later)
{
    static const char prefix[] = "/v1/messages/";
    rep->allow = NULL;
    const char *path = req->path;
    if (envoid_dashboard_route(api, req, rep))
        return false;
    if (strcmp(path, "/v1/messages") == 0) {
        if (is_method(req, "POST"))
            return envoid_api_submit(api, req, rep, later);
        else if (is_method(req, "GET"))
            envoid_api_list(api, req, rep);
        else
            not_allowed(rep, "GET, POST");
    } else if (strncmp(path, prefix, sizeof prefix - 1) == 0) {
        route_message(api, req, path + sizeof prefix - 1, rep);
    } else if (strcmp(path, "/v1/stats") == 0) {
        if (is_method(req, "GET"))
            envoid_api_stats(api, rep);
        else
            not_allowed(rep, "GET");
    } else if (strcmp(path, "/v1/pause") == 0 || strcmp(path, "/v1/resume") == 0) {
        if (is_method(req, "POST"))
            envoid_api_set_paused(api, path[4] == 'p', rep);
        else
            not_allowed(rep, "POST");
    } else {
        envoid_reply_error(rep, 404, "no such resource");
    }
    return false;
}
