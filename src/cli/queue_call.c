/* Calls to envoid's API as the CLI sees them: statuses to errors, errors to
 * exit codes and to one line that says what to do. */
#include "cli/queue_call.h"

#include <stdbool.h>
#include <string.h>
#include <sysexits.h>

#include "cli/report.h"
#include "util/err.h"

static int code_for_status(unsigned status)
{
    switch (status) {
    case 404:
        return ENVOI_ENOTFOUND;
    case 401:
    case 403:
        return ENVOI_EAUTH;
    case 409:
    case 503:
        return ENVOI_ESTATE;
    case 400:
    case 415:
        return ENVOI_EINVAL;
    case 413:
        return ENVOI_ETOOBIG;
    default:
        return status >= 500 ? ENVOI_ETEMPFAIL : ENVOI_EPROTOCOL;
    }
}

/* The "error" member of an error answer, else a generic text. */
static int status_error(const cli_spooler *sp, const cli_http_reply *rep, envoi_error *err)
{
    json_t *root = json_loadb(rep->body.data ? rep->body.data : "", rep->body.len, 0, NULL);
    const char *text = json_string_value(json_object_get(root, "error"));
    int code = code_for_status(rep->status);
    if (text)
        envoi_err_set(err, code, "%.900s", text);
    else
        envoi_err_set(err, code, "%s answered HTTP %u", sp->label, rep->status);
    err->reply_code = (int)rep->status;
    json_decref(root);
    return code;
}

int cli_queue_call(const cli_spooler *sp, const char *method, const char *target,
                   const char *content_type, const void *body, size_t len, json_t **out,
                   envoi_error *err)
{
    *out = NULL;
    cli_http_reply rep = {0, ENVOI_BUF_INIT};
    int rc = cli_http_request(sp, method, target, content_type, body, len, &rep, err);
    if (rc == 0 && (rep.status < 200 || rep.status > 299))
        rc = status_error(sp, &rep, err);
    if (rc == 0) {
        json_error_t jerr;
        *out = json_loadb(rep.body.data, rep.body.len, 0, &jerr);
        if (!json_is_object(*out)) {
            json_decref(*out);
            *out = NULL;
            rc = envoi_err_set(err, ENVOI_EPROTOCOL, "%s answered %s that is not a JSON object",
                               sp->label, rep.body.len ? "something" : "nothing");
        }
    }
    cli_http_reply_free(&rep);
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
    case ENVOI_EFILE:
        return EX_NOINPUT;
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
