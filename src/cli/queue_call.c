/* Calls to envoid's API as the CLI sees them: statuses to errors, errors to
 * exit codes and to one line that says what to do. */
#include "cli/queue_call.h"

#include <stdbool.h>
#include <string.h>
#include <sysexits.h>

#include "cli/report.h"
#include "spool/spool_http.h"
#include "util/err.h"

int cli_queue_call(const cli_spooler *sp, const char *method, const char *target,
                   const char *content_type, const void *body, size_t len, json_t **out,
                   envoi_error *err)
{
    *out = NULL;
    int ms = sp->timeout_ms > 0 ? sp->timeout_ms : CLI_SPOOLER_TIMEOUT_MS;
    spool_http_peer peer = {
        .host = sp->host, .port = sp->port, .token = sp->token, .connect_ms = ms, .io_ms = ms};
    envoi_buf reply = ENVOI_BUF_INIT;
    int rc = spool_http_call(&peer, method, target, content_type, body, len, &reply, err);
    if (rc == 0) {
        json_error_t jerr;
        *out = json_loadb(reply.data, reply.len, 0, &jerr);
        if (!json_is_object(*out)) {
            json_decref(*out);
            *out = NULL;
            rc = envoi_err_set(err, ENVOI_EPROTOCOL, "%s answered %s that is not a JSON object",
                               sp->label, reply.len ? "something" : "nothing");
        }
    }
    envoi_buf_free(&reply);
    return rc;
}

int cli_queue_exit(const envoi_error *err)
{
    switch (err->code) {
    case ENVOI_ENOTFOUND:
        return EX_NOINPUT;
    case ENVOI_ECONNECT:
    case ENVOI_ERESOLVE:
    case ENVOI_ETIMEDOUT:
    case ENVOI_ECLOSED:
    case ENVOI_EIO:
    case ENVOI_ETEMPFAIL:
        return EX_TEMPFAIL;
    case ENVOI_ESTATE:
        return err->reply_code == 503 ? EX_TEMPFAIL : EX_UNAVAILABLE;
    case ENVOI_EAUTH:
        return EX_NOPERM;
    case ENVOI_ETOOBIG:
        return EX_UNAVAILABLE;
    case ENVOI_EINVAL:
    case ENVOI_EADDRESS:
    case ENVOI_EHEADER:
        return EX_DATAERR;
    case ENVOI_EPROTOCOL:
        return EX_PROTOCOL;
    case ENVOI_ECONFIG:
        return EX_CONFIG;
    case ENVOI_ENOMEM:
        return EX_OSERR;
    case ENVOI_EFILE: /* envoid's disk refused the write (507): for now */
        return err->reply_code ? EX_TEMPFAIL : EX_NOINPUT;
    default:
        return EX_SOFTWARE;
    }
}

static bool unreachable(int code)
{
    return code == ENVOI_ECONNECT || code == ENVOI_ERESOLVE || code == ENVOI_ETIMEDOUT ||
           code == ENVOI_ECLOSED || code == ENVOI_EIO;
}

void cli_queue_report(FILE *errout, const char *command, const cli_spooler *sp,
                      const envoi_error *err)
{
    const char *text = err->text[0] ? err->text : envoi_strerror(err->code);
    if (unreachable(err->code))
        cli_report(errout, command, "envoid at %s: %s; is envoid running? (make run)",
                   sp->label ? sp->label : "?", text);
    else if (err->code == ENVOI_EAUTH)
        cli_report(errout, command,
                   "envoid at %s refused the request: %s (check [spool] token-file)", sp->label,
                   text);
    else if (err->reply_code == 503)
        cli_report(errout, command, "envoid at %s: %s", sp->label, text);
    else
        cli_report(errout, command, "%s", text);
}
