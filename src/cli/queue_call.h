/* One call to envoid's JSON API: the HTTP status turned into an error
 * carrying envoid's own words, and the exit status the CLI gives for it. */
#ifndef ENVOI_CLI_QUEUE_CALL_H
#define ENVOI_CLI_QUEUE_CALL_H

#include <jansson.h>
#include <stdio.h>

#include "cli/queue_target.h"
#include "envoi/error.h"

/* METHOD TARGET with an optional body; on a 2xx answer *out gets its JSON
 * (an object; the caller json_decref's it). Other answers are errors as
 * spool_http_fail makes them (err->reply_code the HTTP status, err->text
 * envoid's "error" text); an answer that is not JSON is ENVOI_EPROTOCOL;
 * transport failures as spool_http_exchange. */
int cli_queue_call(const cli_spooler *sp, const char *method, const char *target,
                   const char *content_type, const void *body, size_t len, json_t **out,
                   envoi_error *err);

/* The exit status (sysexits.h) for a failed call: 66 unknown id, 75
 * envoid unreachable or paused or failing for now (its disk full too), 77
 * token refused, 69 refused in the message's status or too big, 65 data
 * refused, 76 not envoid's answer, 78 configuration, 71 out of memory. */
int cli_queue_exit(const envoi_error *err);

/* Report a failed call on errout ("envoi: COMMAND: ..."), adding the
 * hint "is envoid running? (make run)" when it could not be reached. */
void cli_queue_report(FILE *errout, const char *command, const cli_spooler *sp,
                      const envoi_error *err);

#endif
