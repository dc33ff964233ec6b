/* envoid's HTTP server (libmicrohttpd, a thread per connection so that
 * submissions waiting for their durable commit never wait on each other):
 * bounded request bodies, the bearer token, then the API. */
#ifndef ENVOI_DAEMON_HTTP_H
#define ENVOI_DAEMON_HTTP_H

#include "daemon/api.h"
#include "daemon/settings.h"
#include "daemon/token.h"
#include "envoi/error.h"

typedef struct envoid_http envoid_http;

/* Listen on s->addr and serve api; token (may hold no value) guards every
 * request. api and token must outlive the server. ENVOI_ECONNECT with err
 * filled when the address cannot be bound. */
int envoid_http_start(envoid_http **out, const envoid_settings *s, const envoid_api *api,
                      const envoid_token *token, envoi_error *err);
/* Stop accepting connections, let the requests under way finish (at most
 * grace_ms), then close every connection and free the server. */
void envoid_http_stop(envoid_http *h, int grace_ms);

#endif
