/* POST /v1/messages/{id}/retry|cancel, POST /v1/pause|resume: changes an
 * operator makes to the queue. */
#include <string.h>

#include "daemon/api_impl.h"
#include "daemon/log.h"

/* After a change: the message's id and new status. */
static void reply_status(const envoid_api *api, const char *id, envoid_reply *rep)
{
    envoi_error err = {0};
    spool_info info;
    memset(&info, 0, sizeof info);
    if (spool_queue_info(api->queue, id, &info, &err) < 0) {
        envoid_reply_queue_error(api, rep, &err);
        return;
    }
    envoid_reply_json(rep, 200,
                      json_pack("{s:s,s:s}", "id", id, "status", spool_status_name(info.status)));
    spool_info_free(&info);
}

static void change(const envoid_api *api, const char *id, const char *what,
                   int (*fn)(spool_queue *, const char *, envoi_error *), envoid_reply *rep)
{
    envoi_error err = {0};
    int rc = fn(api->queue, id, &err);
    if (rc == ENVOI_ENOTFOUND) {
        envoid_reply_error(rep, 404, "no such message");
    } else if (rc == ENVOI_ESTATE) {
        envoid_reply_error(rep, 409, err.text[0] ? err.text : "not allowed in this status");
    } else if (rc < 0) {
        envoid_reply_queue_error(api, rep, &err);
    } else {
        envoid_info("%s id=%s", what, id);
        reply_status(api, id, rep);
    }
}

void envoid_api_retry(const envoid_api *api, const char *id, envoid_reply *rep)
{
    change(api, id, "retry", spool_queue_retry, rep);
}

void envoid_api_cancel(const envoid_api *api, const char *id, envoid_reply *rep)
{
    change(api, id, "cancelled", spool_queue_cancel, rep);
}

void envoid_api_set_paused(const envoid_api *api, bool paused, envoid_reply *rep)
{
    envoi_error err = {0};
    if (spool_queue_set_paused(api->queue, paused, &err) < 0) {
        envoid_reply_queue_error(api, rep, &err);
        return;
    }
    envoid_info("%s", paused ? "paused: new submissions refused" : "resumed");
    envoid_reply_json(rep, 200, json_pack("{s:b}", "paused", paused));
}
