/* "envoi send --async": the message "envoi send" built, or a --raw file with
 * its envelope, handed to envoid through the URL spool of the public API
 * (include/envoi/spool.h); its id printed. */
#include "cli/send_async.h"

#include <jansson.h>
#include <sysexits.h>

#include "cli/compose.h"
#include "cli/exit_codes.h"
#include "cli/queue_call.h"
#include "cli/queue_target.h"
#include "cli/report.h"
#include "envoi/spool.h"
#include "util/err.h"

/* The URL spool of envoid at sp's address, with sp's token. NULL with err
 * filled on failure. The spool's own waits apply: a submission's answer
 * waits for envoid's durable commit. */
static envoi_spool *open_spool(const cli_spooler *sp, envoi_error *err)
{
    envoi_buf url = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&url, "http://%s", sp->label) < 0) {
        envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        return NULL;
    }
    envoi_spool *spool = envoi_spool_open(url.data, err);
    envoi_buf_free(&url);
    if (spool && sp->token && envoi_spool_set_token(spool, sp->token) < 0) {
        *err = *envoi_spool_error(spool);
        envoi_spool_close(spool);
        return NULL;
    }
    return spool;
}

/* Queue the composed message for its own envelope, or the --raw source
 * for the given one; err from the spool on failure. */
static int submit(envoi_spool *spool, const cli_async_request *req, const envoi_buf *raw,
                  char id[ENVOI_SPOOL_ID_SIZE], envoi_error *err)
{
    int rc = req->source     ? envoi_spool_submit_raw(spool, req->from, req->rcpts, req->nrcpts,
                                                      req->source, req->source_len, id)
             : req->raw_path ? envoi_spool_submit_raw(spool, req->from, req->rcpts, req->nrcpts,
                                                      raw->data, raw->len, id)
                             : envoi_spool_submit(spool, req->msg, id);
    if (rc < 0)
        *err = *envoi_spool_error(spool);
    return rc;
}

static int print_id(const cli_async_request *req, const char *id, FILE *out, FILE *errout)
{
    int ok = req->json ? fprintf(out, "{\"id\":\"%s\",\"status\":\"pending\"}\n", id)
                       : fprintf(out, "%s\n", id);
    if (ok < 0 || fflush(out) != 0) {
        cli_report(errout, "send", "the message %s is queued, but writing its id failed", id);
        return EX_IOERR;
    }
    return EX_OK;
}

/* --json on failure: {"id":null,"status":"error","error":{"code","reply_code","text"}}. */
static void print_failure(FILE *out, const envoi_error *err, int rc)
{
    json_t *o = json_pack("{s:n,s:s,s:{s:s,s:i,s:s}}", "id", "status", "error", "error", "code",
                          envoi_err_name(rc), "reply_code", err->reply_code, "text",
                          err->text[0] ? err->text : envoi_strerror(rc));
    if (o && json_dumpf(o, out, JSON_COMPACT) == 0)
        fputc('\n', out);
    json_decref(o);
}

int cli_send_async(const cli_async_request *req, FILE *out, FILE *errout)
{
    cli_spooler sp = {0};
    envoi_error err = {0};
    envoi_buf raw = ENVOI_BUF_INIT;
    envoi_spool *spool = NULL;
    char id[ENVOI_SPOOL_ID_SIZE] = "";
    int status = EX_OK;
    int rc = cli_spooler_setup(&sp, req->cfg, req->spooler, NULL, &err);
    if (rc == ENVOI_EINVAL) {
        cli_report(errout, "send", "--spooler: %s", err.text);
        status = EX_USAGE;
    } else if (rc < 0 || (req->raw_path && (rc = cli_read_file(req->raw_path, &raw, &err)) < 0)) {
        cli_report(errout, "send", "%s", err.text[0] ? err.text : envoi_strerror(rc));
        status = cli_exit_for_code(rc);
    } else if (!(spool = open_spool(&sp, &err)) || (rc = submit(spool, req, &raw, id, &err)) < 0) {
        rc = err.code < 0 ? err.code : ENVOI_EPROTOCOL; /* err always has a code */
        cli_queue_report(errout, "send", &sp, &err);
        status = cli_queue_exit(&err);
    } else {
        status = print_id(req, id, out, errout);
    }
    if (rc < 0 && req->json)
        print_failure(out, &err, rc);
    envoi_spool_close(spool);
    envoi_buf_free(&raw);
    cli_spooler_free(&sp);
    return status;
}
