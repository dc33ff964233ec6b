/* Pieces shared by the handlers of the HTTP API. */
#ifndef ENVOI_DAEMON_API_IMPL_H
#define ENVOI_DAEMON_API_IMPL_H

#include <jansson.h>
#include <stdint.h>

#include "daemon/api.h"

/* The reply {json} with status; takes the reference (NULL: 500). */
void envoid_reply_json(envoid_reply *rep, unsigned status, json_t *json);
/* An error reply for a queue failure: the status from err->code. */
void envoid_reply_queue_error(const envoid_api *api, envoid_reply *rep, const envoi_error *err);
/* The value of a query argument, NULL when absent (the first when repeated). */
const char *envoid_request_arg(const envoid_request *req, const char *key);
/* A time in milliseconds since the epoch as ISO 8601 UTC, or JSON null for 0. */
json_t *envoid_json_time(int64_t ms);

/* POST /v1/messages; with later (and no content filter), answered through
 * it once committed: true. */
bool envoid_api_submit(const envoid_api *api, const envoid_request *req, envoid_reply *rep,
                       envoid_later *later);
void envoid_api_list(const envoid_api *api, const envoid_request *req, envoid_reply *rep);
void envoid_api_show(const envoid_api *api, const char *id, envoid_reply *rep);
void envoid_api_stats(const envoid_api *api, envoid_reply *rep);
void envoid_api_retry(const envoid_api *api, const char *id, envoid_reply *rep);
void envoid_api_cancel(const envoid_api *api, const char *id, envoid_reply *rep);
void envoid_api_set_paused(const envoid_api *api, bool paused, envoid_reply *rep);

#endif
