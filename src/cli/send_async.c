/* "envoi send --async": POST /v1/messages with the raw form {"from",
 * "recipients", "raw"}; a source that is not UTF-8 (which JSON cannot
 * carry) goes as message/rfc822 with the envelope in the query instead. */
#include "cli/send_async.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/compose.h"
#include "cli/exit_codes.h"
#include "cli/queue_call.h"
#include "cli/queue_target.h"
#include "cli/report.h"
#include "mime/address.h"
#include "util/err.h"

typedef struct envelope {
    const char *from;
    const char **rcpts;
    size_t nrcpts;
} envelope;

static int take_envelope(const cli_async_request *req, envelope *env, envoi_error *err)
{
    if (!req->msg) {
        env->from = req->from;
        env->nrcpts = req->nrcpts;
        env->rcpts = calloc(req->nrcpts ? req->nrcpts : 1, sizeof *env->rcpts);
        for (size_t i = 0; env->rcpts && i < req->nrcpts; i++)
            env->rcpts[i] = req->rcpts[i];
    } else {
        env->from = envoi_message_envelope_from(req->msg);
        if (!env->from)
            return envoi_err_set(err, ENVOI_EADDRESS, "the message has no From address");
        env->nrcpts = envoi_message_recipient_count(req->msg);
        env->rcpts = calloc(env->nrcpts ? env->nrcpts : 1, sizeof *env->rcpts);
        for (size_t i = 0; env->rcpts && i < env->nrcpts; i++)
            env->rcpts[i] = envoi_message_recipient(req->msg, i);
    }
    return env->rcpts ? 0 : envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
}

static int append_to_buf(void *ctx, const void *data, size_t len)
{
    return envoi_buf_append(ctx, data, len);
}

static int take_source(const cli_async_request *req, envoi_buf *src, envoi_error *err)
{
    if (req->raw_path)
        return cli_read_file(req->raw_path, src, err);
    int rc = envoi_message_write(req->msg, append_to_buf, src);
    if (rc < 0)
        envoi_err_set(err, rc, "the message cannot be written: %s", envoi_strerror(rc));
    return rc;
}

/* {"from","recipients","raw"}; NULL when the source is not UTF-8. */
static char *json_body(const envelope *env, const envoi_buf *src)
{
    json_t *raw = json_stringn(src->data ? src->data : "", src->len);
    json_t *rcpts = json_array();
    json_t *o = json_object();
    char *text = NULL;
    if (raw && rcpts && o) {
        for (size_t i = 0; i < env->nrcpts; i++)
            json_array_append_new(rcpts, json_string(env->rcpts[i]));
        json_object_set_new(o, "from", json_string(env->from));
        json_object_set(o, "recipients", rcpts);
        json_object_set(o, "raw", raw);
        text = json_dumps(o, JSON_COMPACT);
    }
    json_decref(raw);
    json_decref(rcpts);
    json_decref(o);
    return text;
}

/* "?from=A&to=B&to=C" with bare addresses (a display name may hold the
 * comma that envoid splits "to" at). */
static int add_query_address(envoi_buf *t, const char *key, const char *text)
{
    envoi_mailbox mb = {0};
    const char *addr = envoi_mailbox_parse(text, &mb) == 0 ? mb.addr : text;
    int rc = envoi_buf_printf(t, "%s=", key);
    if (rc == 0)
        rc = cli_http_escape(t, addr);
    envoi_mailbox_clear(&mb);
    return rc;
}

static int rfc822_target(const envelope *env, envoi_buf *t)
{
    int rc = envoi_buf_append_str(t, "/v1/messages?");
    if (rc == 0)
        rc = add_query_address(t, "from", env->from);
    for (size_t i = 0; rc == 0 && i < env->nrcpts; i++) {
        rc = envoi_buf_append_char(t, '&');
        if (rc == 0)
            rc = add_query_address(t, "to", env->rcpts[i]);
    }
    return rc;
}

static int submit(const cli_spooler *sp, const envelope *env, const envoi_buf *src, json_t **reply,
                  envoi_error *err)
{
    char *body = json_body(env, src);
    if (body) {
        int rc = cli_queue_call(sp, "POST", "/v1/messages", "application/json", body, strlen(body),
                                reply, err);
        free(body);
        return rc;
    }
    envoi_buf target = ENVOI_BUF_INIT;
    int rc = rfc822_target(env, &target);
    if (rc < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else
        rc = cli_queue_call(sp, "POST", target.data, "message/rfc822", src->data, src->len, reply,
                            err);
    envoi_buf_free(&target);
    return rc;
}

static int print_id(const cli_async_request *req, const json_t *reply, FILE *out, FILE *errout)
{
    const char *id = json_string_value(json_object_get(reply, "id"));
    const char *status = json_string_value(json_object_get(reply, "status"));
    if (!id) {
        cli_report(errout, "send", "envoid accepted the message but gave no id");
        return EX_PROTOCOL;
    }
    int ok = req->json ? fprintf(out, "{\"id\":\"%s\",\"status\":\"%s\"}\n", id,
                                 status ? status : "pending")
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
    envelope env = {0};
    envoi_buf src = ENVOI_BUF_INIT;
    json_t *reply = NULL;
    int status = EX_OK;
    int rc = cli_spooler_setup(&sp, req->cfg, req->spooler, NULL, &err);
    if (rc == ENVOI_EINVAL) {
        cli_report(errout, "send", "--spooler: %s", err.text);
        status = EX_USAGE;
    } else if (rc < 0 || (rc = take_envelope(req, &env, &err)) < 0 ||
               (rc = take_source(req, &src, &err)) < 0) {
        cli_report(errout, "send", "%s", err.text[0] ? err.text : envoi_strerror(rc));
        status = cli_exit_for_code(rc);
    } else if ((rc = submit(&sp, &env, &src, &reply, &err)) < 0) {
        cli_queue_report(errout, "send", &sp, &err);
        status = cli_queue_exit(&err);
    } else {
        status = print_id(req, reply, out, errout);
    }
    if (rc < 0 && req->json)
        print_failure(out, &err, rc);
    json_decref(reply);
    envoi_buf_free(&src);
    free(env.rcpts);
    cli_spooler_free(&sp);
    return status;
}
