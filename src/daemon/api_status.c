/* GET /v1/messages/{id}, GET /v1/messages and GET /v1/stats: what the
 * queue knows of messages, as JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/api_impl.h"
#include "util/err.h"

#define LIST_DEFAULT 50
#define LIST_MAX 1000

static const char *recipient_state(spool_outcome outcome)
{
    switch (outcome) {
    case SPOOL_OUT_SENT:
        return "sent";
    case SPOOL_OUT_FAILED:
        return "failed";
    default:
        return "pending";
    }
}

/* The members every view of a message has (list and show). */
static json_t *info_json(const spool_info *info)
{
    json_t *o = json_pack(
        "{s:s,s:s,s:s?,s:s?,s:I,s:I,s:o,s:o,s:o,s:s?}", "id", info->id, "status",
        spool_status_name(info->status), "from", info->from, "subject", info->subject, "size",
        (json_int_t)info->size, "attempts", (json_int_t)info->attempts, "submitted",
        envoid_json_time(info->submitted_ms), "next_try", envoid_json_time(info->next_try_ms),
        "done", envoid_json_time(info->done_ms), "reason", info->reason);
    return o;
}

static json_t *recipients_json(const spool_info *info)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < info->recipient_count; i++) {
        const struct spool_info_rcpt *r = &info->recipients[i];
        json_array_append_new(a, json_pack("{s:s?,s:s,s:i,s:s?}", "address", r->address, "status",
                                           recipient_state(r->outcome), "reply_code", r->reply_code,
                                           "reply", r->reply));
    }
    return a;
}

static json_t *history_json(const spool_attempt *h, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:o,s:s?,s:i,s:s?}", "at",
                                           envoid_json_time(h[i].at_ms), "relay", h[i].relay,
                                           "reply_code", h[i].reply_code, "summary", h[i].summary));
    return a;
}

void envoid_api_show(const envoid_api *api, const char *id, envoid_reply *rep)
{
    envoi_error err = {0};
    spool_info info;
    memset(&info, 0, sizeof info);
    int rc = spool_queue_info(api->queue, id, &info, &err);
    if (rc < 0) {
        if (rc == ENVOI_ENOTFOUND)
            envoid_reply_error(rep, 404, "no such message");
        else
            envoid_reply_queue_error(api, rep, &err);
        return;
    }
    spool_attempt *hist = NULL;
    size_t n = 0;
    rc = spool_queue_history(api->queue, id, &hist, &n, &err);
    if (rc < 0) {
        envoid_reply_queue_error(api, rep, &err);
    } else {
        json_t *o = info_json(&info);
        if (o) {
            json_object_set_new(o, "recipients", recipients_json(&info));
            json_object_set_new(o, "history", history_json(hist, n));
        }
        envoid_reply_json(rep, 200, o);
        spool_attempts_free(hist, n);
    }
    spool_info_free(&info);
}

static int parse_count(const char *text, size_t fallback, size_t max, size_t *out)
{
    if (!text) {
        *out = fallback;
        return 0;
    }
    if (*text < '0' || *text > '9')
        return ENVOI_EINVAL;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v > max)
        return ENVOI_EINVAL;
    *out = (size_t)v;
    return 0;
}

static int parse_status(const char *text, int *out)
{
    static const spool_status all[] = {SPOOL_PENDING, SPOOL_SENT, SPOOL_ERROR, SPOOL_CANCELLED};
    *out = -1;
    if (!text || !*text)
        return 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(text, spool_status_name(all[i])) == 0) {
            *out = (int)all[i];
            return 0;
        }
    return ENVOI_EINVAL;
}

static int read_list_args(const envoid_request *req, int *status, size_t *offset, size_t *limit,
                          envoi_error *err)
{
    if (parse_status(envoid_request_arg(req, "status"), status) < 0)
        return envoi_err_set(err, ENVOI_EINVAL,
                             "status: expected pending, sent, error or cancelled");
    if (parse_count(envoid_request_arg(req, "offset"), 0, (size_t)1 << 40, offset) < 0)
        return envoi_err_set(err, ENVOI_EINVAL, "offset: expected a number");
    if (parse_count(envoid_request_arg(req, "limit"), LIST_DEFAULT, LIST_MAX, limit) < 0)
        return envoi_err_set(err, ENVOI_EINVAL, "limit: expected a number from 0 to %d", LIST_MAX);
    return 0;
}

void envoid_api_list(const envoid_api *api, const envoid_request *req, envoid_reply *rep)
{
    envoi_error err = {0};
    int status;
    size_t offset = 0, limit = 0;
    if (read_list_args(req, &status, &offset, &limit, &err) < 0) {
        envoid_reply_error(rep, 400, err.text);
        return;
    }
    const char *q = envoid_request_arg(req, "q");
    spool_info *infos = NULL;
    size_t n = 0;
    if (spool_queue_list(api->queue, status, q && *q ? q : NULL, offset, limit, &infos, &n, &err) <
        0) {
        envoid_reply_queue_error(api, rep, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        if (items)
            json_array_append_new(items, info_json(&infos[i]));
        spool_info_free(&infos[i]);
    }
    free(infos);
    envoid_reply_json(rep, 200,
                      json_pack("{s:o,s:I,s:I}", "messages", items, "offset", (json_int_t)offset,
                                "limit", (json_int_t)limit));
}

void envoid_api_stats(const envoid_api *api, envoid_reply *rep)
{
    envoi_error err = {0};
    spool_counts c;
    memset(&c, 0, sizeof c);
    if (spool_queue_counts(api->queue, &c, &err) < 0) {
        envoid_reply_queue_error(api, rep, &err);
        return;
    }
    envoid_reply_json(rep, 200,
                      json_pack("{s:I,s:I,s:I,s:I,s:I,s:b}", "pending", (json_int_t)c.pending,
                                "sent", (json_int_t)c.sent, "error", (json_int_t)c.error,
                                "cancelled", (json_int_t)c.cancelled, "due", (json_int_t)c.due,
                                "paused", c.paused));
}
