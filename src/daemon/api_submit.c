/* POST /v1/messages: a JSON or message/rfc822 body becomes a queued
 * message, acknowledged only once the queue's commit is durable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/api_impl.h"
#include "daemon/log.h"
#include "daemon/submission.h"
#include "daemon/submission_impl.h"
#include "util/err.h"

#define MAX_QUERY_RECIPIENTS 1000

static bool has_type(const char *content_type, const char *type)
{
    if (!content_type)
        return false;
    while (*content_type == ' ')
        content_type++;
    size_t n = strlen(type);
    return strncasecmp(content_type, type, n) == 0 &&
           (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

/* Every "to" argument, each split at commas, copied into list. */
static int collect_recipients(const envoid_request *req, char **list, size_t *count,
                              envoi_error *err)
{
    *count = 0;
    for (size_t i = 0; i < req->arg_count; i++) {
        if (strcmp(req->args[i].key, "to") != 0)
            continue;
        const char *p = req->args[i].value;
        do {
            size_t n = strcspn(p, ",");
            if (n == 0)
                return envoi_err_set(err, ENVOI_EINVAL, "to: empty address");
            if (*count >= MAX_QUERY_RECIPIENTS)
                return envoi_err_set(err, ENVOI_EINVAL, "to: more than %d recipients",
                                     MAX_QUERY_RECIPIENTS);
            list[*count] = strndup(p, n);
            if (!list[*count])
                return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
            (*count)++;
            p += n;
        } while (*p++ == ',');
    }
    return 0;
}

static int build_from_raw_body(const envoid_api *api, const envoid_request *req,
                               envoid_submission *sub, envoi_error *err)
{
    char **list = calloc(MAX_QUERY_RECIPIENTS, sizeof *list);
    size_t count = 0;
    int rc = list ? collect_recipients(req, list, &count, err)
                  : envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (rc == 0)
        rc =
            envoid_submission_from_raw(envoid_request_arg(req, "from"), (const char *const *)list,
                                       count, req->body, req->body_len, api->max_message, sub, err);
    for (size_t i = 0; list && i < count; i++)
        free(list[i]);
    free(list);
    return rc;
}

static spool_submission queued_form(const envoid_submission *sub)
{
    return (spool_submission){
        .from = sub->from,
        .recipients = (const char *const *)sub->recipients,
        .recipient_count = sub->recipient_count,
        .source = sub->source,
        .source_len = sub->source_len,
        .relay = NULL,
    };
}

/* The rewritten source in place of the submitted one, once checked like any
 * submitted source. */
static int take_rewrite(const envoid_api *api, envoid_submission *sub,
                        const envoid_filter_result *res, envoi_error *err)
{
    envoid_submission fresh = {0};
    int rc = envoid_set_source(&fresh, res->output, res->output_len, api->max_message,
                               "the content filter's output", err);
    if (rc < 0)
        return rc;
    free(sub->source);
    sub->source = fresh.source;
    sub->source_len = fresh.source_len;
    return 0;
}

/* One line per verdict. size: the message's as submitted; refused: why a
 * rewrite could not be queued, or NULL. */
static void log_verdict(const envoid_submission *sub, size_t size, const envoid_filter_result *res,
                        const char *refused)
{
    envoid_filter_verdict v = res->verdict;
    const char *name = envoid_filter_verdict_name(v);
    if (v == ENVOID_FILTER_ACCEPT || v == ENVOID_FILTER_REWRITE)
        envoid_info("filter verdict=%s from=<%s> recipients=%zu size=%zu new-size=%zu%s%s%s", name,
                    sub->from, sub->recipient_count, size,
                    v == ENVOID_FILTER_REWRITE ? res->output_len : size,
                    refused ? " refused=\"" : "", refused ? refused : "", refused ? "\"" : "");
    else
        envoid_log(v == ENVOID_FILTER_REJECT ? "info" : "warning",
                   "filter verdict=%s from=<%s> recipients=%zu size=%zu exit=%d reason=\"%s\"",
                   name, sub->from, sub->recipient_count, size, res->exit_status, res->reason);
}

/* The error reply for a verdict that keeps the message out of the queue. */
static void reply_refusal(const envoid_filter_result *res, envoid_reply *rep)
{
    char text[ENVOID_FILTER_REASON_SIZE + 64];
    if (res->verdict == ENVOID_FILTER_REJECT) {
        envoid_reply_error(rep, 422, res->reason);
    } else if (res->verdict == ENVOID_FILTER_TOOBIG) {
        snprintf(text, sizeof text, "the message as filtered is too large: %s", res->reason);
        envoid_reply_error(rep, 413, text);
    } else {
        snprintf(text, sizeof text, "the content filter failed (try again later): %s", res->reason);
        envoid_reply_error(rep, 503, text);
    }
}

/* Run the content filter on sub: 0 to queue it (perhaps rewritten), else the
 * error reply is made. */
static int filter_it(const envoid_api *api, envoid_submission *sub, envoid_reply *rep)
{
    envoid_filter_result res;
    size_t size = sub->source_len;
    envoid_filter_run(api->filter, sub->from, (const char *const *)sub->recipients,
                      sub->recipient_count, sub->source, sub->source_len, &res);
    envoi_error err = {0};
    int rc = 0;
    if (res.verdict == ENVOID_FILTER_REWRITE)
        rc = take_rewrite(api, sub, &res, &err);
    log_verdict(sub, size, &res, rc < 0 ? err.text : NULL);
    if (rc < 0)
        envoid_reply_error(rep, err.code == ENVOI_ENOMEM ? 503 : 422, err.text);
    else if (res.verdict != ENVOID_FILTER_ACCEPT && res.verdict != ENVOID_FILTER_REWRITE) {
        reply_refusal(&res, rep);
        rc = -1;
    }
    envoid_filter_result_free(&res);
    return rc;
}

/* The reply to a submission the queue took (rc 0, id) or refused. */
static void answer_queued(const envoid_api *api, const envoid_submission *sub, int rc,
                          const char *id, const envoi_error *err, envoid_reply *rep)
{
    if (rc == ENVOI_ESTATE) {
        envoid_reply_error(rep, 503, err->text[0] ? err->text : "the spooler is paused");
    } else if (rc < 0) {
        envoid_reply_queue_error(api, rep, err);
        envoid_info("refused status=%u reason=\"%s\"", rep->status, err->text);
    } else {
        envoid_info("submitted id=%s from=<%s> recipients=%zu size=%zu", id, sub->from,
                    sub->recipient_count, sub->source_len);
        if (api->submitted)
            api->submitted(api->submitted_ctx);
        envoid_reply_json(rep, 202, json_pack("{s:s,s:s}", "id", id, "status", "pending"));
    }
}

/* A submission waiting for its commit while the HTTP thread goes on. */
typedef struct deferred {
    const envoid_api *api;
    envoid_submission sub;
    spool_submission queued; /* points into sub */
    envoid_later *later;
} deferred;

static void finish_deferred(deferred *d, int rc, const char *id, const envoi_error *err)
{
    envoid_later *later = d->later;
    answer_queued(d->api, &d->sub, rc, id, err, &later->reply);
    envoid_submission_free(&d->sub);
    free(d);
    later->ready(later);
}

static void on_committed(void *ctx, int rc, const char *id, const envoi_error *err)
{
    finish_deferred(ctx, rc, id, err);
}

/* Hand sub (taken over) to the queue, the request held; the reply comes
 * through later. */
static void queue_later(const envoid_api *api, envoid_submission *sub, envoid_later *later)
{
    deferred *d = calloc(1, sizeof *d);
    envoi_error err = {0};
    if (!d) {
        envoid_submission_free(sub);
        envoid_reply_error(&later->reply, 503, "out of memory");
        later->ready(later);
        return;
    }
    *d = (deferred){.api = api, .sub = *sub, .later = later};
    d->queued = queued_form(&d->sub);
    int rc = spool_queue_submit_async(api->queue, &d->queued, on_committed, d, &err);
    if (rc < 0)
        finish_deferred(d, rc, "", &err);
}

bool envoid_api_submit(const envoid_api *api, const envoid_request *req, envoid_reply *rep,
                       envoid_later *later)
{
    envoi_error err = {0};
    envoid_submission sub = {0};
    int rc;
    if (has_type(req->content_type, "message/rfc822"))
        rc = build_from_raw_body(api, req, &sub, &err);
    else if (!req->content_type || has_type(req->content_type, "application/json"))
        rc = envoid_submission_from_json(req->body, req->body_len, api->max_message, &sub, &err);
    else {
        envoid_reply_error(rep, 415, "Content-Type must be application/json or message/rfc822");
        return false;
    }
    if (rc == 0 && later && !api->filter && later->hold(later)) {
        queue_later(api, &sub, later);
        return true;
    }
    char id[SPOOL_ID_SIZE] = "";
    if (rc == 0 && api->filter && filter_it(api, &sub, rep) < 0) {
        envoid_submission_free(&sub);
        return false;
    }
    if (rc == 0) {
        spool_submission m = queued_form(&sub);
        rc = spool_queue_submit(api->queue, &m, id, &err);
    }
    answer_queued(api, &sub, rc, id, &err, rep);
    envoid_submission_free(&sub);
    return false;
}
