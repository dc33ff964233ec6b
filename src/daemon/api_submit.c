/* POST /v1/messages: a JSON or message/rfc822 body becomes a queued
 * message, acknowledged only once the queue's commit is durable. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/api_impl.h"
#include "daemon/log.h"
#include "daemon/submission.h"
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

static int queue_it(const envoid_api *api, const envoid_submission *sub, char id[SPOOL_ID_SIZE],
                    envoi_error *err)
{
    spool_submission m = {
        .from = sub->from,
        .recipients = (const char *const *)sub->recipients,
        .recipient_count = sub->recipient_count,
        .source = sub->source,
        .source_len = sub->source_len,
        .relay = NULL,
    };
    return spool_queue_submit(api->queue, &m, id, err);
}

void envoid_api_submit(const envoid_api *api, const envoid_request *req, envoid_reply *rep)
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
        return;
    }
    char id[SPOOL_ID_SIZE] = "";
    if (rc == 0)
        rc = queue_it(api, &sub, id, &err);
    if (rc == ENVOI_ESTATE) {
        envoid_reply_error(rep, 503, err.text[0] ? err.text : "the spooler is paused");
    } else if (rc < 0) {
        envoid_reply_queue_error(api, rep, &err);
        envoid_info("refused status=%u reason=\"%s\"", rep->status, err.text);
    } else {
        envoid_info("submitted id=%s from=<%s> recipients=%zu size=%zu", id, sub.from,
                    sub.recipient_count, sub.source_len);
        if (api->submitted)
            api->submitted(api->submitted_ctx);
        envoid_reply_json(rep, 202, json_pack("{s:s,s:s}", "id", id, "status", "pending"));
    }
    envoid_submission_free(&sub);
}
