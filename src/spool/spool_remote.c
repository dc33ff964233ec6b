/* A URL spool: submission (POST /v1/messages, the source as
 * message/rfc822 with the envelope in the query) and status
 * (GET /v1/messages/{id}) over envoid's HTTP API, its statuses mapped to
 * envoi error codes. */
#include <string.h>

#include "spool/spool_http.h"
#include "spool/spool_impl.h"
#include "spool/spool_json.h"
#include "util/err.h"
#include "util/utf8.h"

/* One call to envoid; an answer other than a 2xx one is an error. */
static int exchange(envoi_spool *sp, const char *method, const char *target,
                    const char *content_type, const void *body, size_t len, envoi_buf *reply,
                    envoi_error *err)
{
    spool_http_peer peer = {.host = sp->url.host, .port = sp->url.port, .token = sp->token};
    return spool_http_call(&peer, method, target, content_type, body, len, reply, err);
}

static int build_submit_target(const envoi_spool *sp, const spool_msg *m, envoi_buf *t)
{
    int rc = envoi_buf_printf(t, "%s/v1/messages?from=", sp->url.prefix);
    if (rc == 0)
        rc = spool_http_escape(t, m->from);
    for (size_t i = 0; rc == 0 && i < m->nrcpts; i++) {
        rc = envoi_buf_append_str(t, "&to=");
        if (rc == 0)
            rc = spool_http_escape(t, m->rcpts[i]);
    }
    return rc;
}

/* Past this, the envelope goes in a JSON body instead of the query (the
 * server bounds a request's head). */
#define MAX_QUERY 8192

static int append_json_string(envoi_buf *b, const char *s, size_t len)
{
    int rc = envoi_buf_append_char(b, '"');
    for (size_t i = 0; rc == 0 && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            rc = envoi_buf_printf(b, "\\%c", c);
        else if (c == '\r')
            rc = envoi_buf_append_str(b, "\\r");
        else if (c == '\n')
            rc = envoi_buf_append_str(b, "\\n");
        else if (c < 0x20)
            rc = envoi_buf_printf(b, "\\u%04x", c);
        else
            rc = envoi_buf_append_char(b, (char)c);
    }
    return rc == 0 ? envoi_buf_append_char(b, '"') : rc;
}

/* {"from": ..., "recipients": [...], "raw": ...}: for long envelopes. */
static int build_json_body(const spool_msg *m, envoi_buf *b)
{
    int rc = envoi_buf_append_str(b, "{\"from\":");
    if (rc == 0)
        rc = append_json_string(b, m->from, strlen(m->from));
    if (rc == 0)
        rc = envoi_buf_append_str(b, ",\"recipients\":[");
    for (size_t i = 0; rc == 0 && i < m->nrcpts; i++) {
        if (i)
            rc = envoi_buf_append_char(b, ',');
        if (rc == 0)
            rc = append_json_string(b, m->rcpts[i], strlen(m->rcpts[i]));
    }
    if (rc == 0)
        rc = envoi_buf_append_str(b, "],\"raw\":");
    if (rc == 0)
        rc = append_json_string(b, m->data, m->len);
    return rc == 0 ? envoi_buf_append_char(b, '}') : rc;
}

/* The request for a submission: the source as message/rfc822 with the
 * envelope in the query (any bytes pass), or, for an envelope too long for
 * a query, everything as JSON (the source must then be UTF-8). */
static int build_submission(const envoi_spool *sp, const spool_msg *m, envoi_buf *target,
                            envoi_buf *json, envoi_error *err)
{
    if (build_submit_target(sp, m, target) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (target->len <= MAX_QUERY)
        return 0;
    if (!envoi_utf8_valid(m->data, m->len))
        return envoi_err_set(err, ENVOI_EINVAL,
                             "too many recipients for one HTTP submission of a source that is "
                             "not UTF-8");
    envoi_buf_clear(target);
    if (envoi_buf_printf(target, "%s/v1/messages", sp->url.prefix) < 0 ||
        build_json_body(m, json) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

static int read_id(const envoi_buf *reply, char id[SPOOL_ID_SIZE], envoi_error *err)
{
    spool_json_value v;
    const char *b = reply->data ? reply->data : "";
    if (spool_json_member(b, reply->len, "id", &v) != 0 || v.type != SPOOL_JSON_STRING ||
        v.len == 0 || v.len >= SPOOL_ID_SIZE)
        return envoi_err_set(err, ENVOI_EPROTOCOL, "the spool's answer has no message id");
    return spool_json_string(&v, id, SPOOL_ID_SIZE);
}

int spool_remote_submit(envoi_spool *sp, const spool_msg *m, char id[SPOOL_ID_SIZE],
                        envoi_error *err)
{
    envoi_buf target = ENVOI_BUF_INIT, reply = ENVOI_BUF_INIT, json = ENVOI_BUF_INIT;
    int rc = build_submission(sp, m, &target, &json, err);
    if (rc == 0 && json.data)
        rc =
            exchange(sp, "POST", target.data, "application/json", json.data, json.len, &reply, err);
    else if (rc == 0)
        rc = exchange(sp, "POST", target.data, "message/rfc822", m->data, m->len, &reply, err);
    if (rc == 0)
        rc = read_id(&reply, id, err);
    envoi_buf_free(&target);
    envoi_buf_free(&reply);
    envoi_buf_free(&json);
    return rc;
}

static int parse_status_name(const spool_json_value *v, envoi_spool_msg_status *out)
{
    static const envoi_spool_msg_status all[] = {ENVOI_SPOOL_PENDING, ENVOI_SPOOL_SENT,
                                                 ENVOI_SPOOL_ERROR, ENVOI_SPOOL_CANCELLED};
    char name[16];
    if (spool_json_string(v, name, sizeof name) != 0)
        return ENVOI_EPROTOCOL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(name, envoi_spool_status_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return ENVOI_EPROTOCOL;
}

/* The members of GET /v1/messages/{id} the state holds. */
static int read_state(const envoi_buf *reply, envoi_spool_state *out, envoi_error *err)
{
    const char *b = reply->data ? reply->data : "";
    spool_json_value v;
    uint64_t attempts = 0;
    if (spool_json_member(b, reply->len, "status", &v) != 0 ||
        parse_status_name(&v, &out->status) != 0)
        return envoi_err_set(err, ENVOI_EPROTOCOL, "the spool's answer has no known status");
    if (spool_json_member(b, reply->len, "attempts", &v) == 0 &&
        spool_json_uint(&v, &attempts) == 0)
        out->attempts = attempts > 0xFFFFFFFFu ? 0xFFFFFFFFu : (unsigned)attempts;
    if (spool_json_member(b, reply->len, "submitted", &v) == 0)
        spool_json_time(&v, &out->submitted_ms);
    if (out->status == ENVOI_SPOOL_PENDING && spool_json_member(b, reply->len, "next_try", &v) == 0)
        spool_json_time(&v, &out->next_try_ms);
    if (spool_json_member(b, reply->len, "done", &v) == 0)
        spool_json_time(&v, &out->done_ms);
    if (spool_json_member(b, reply->len, "reason", &v) == 0 && v.type == SPOOL_JSON_STRING)
        spool_json_string(&v, out->reason, sizeof out->reason);
    return 0;
}

int spool_remote_status(envoi_spool *sp, const char *id, envoi_spool_state *out, envoi_error *err)
{
    envoi_buf target = ENVOI_BUF_INIT, reply = ENVOI_BUF_INIT;
    int rc = envoi_buf_printf(&target, "%s/v1/messages/%s", sp->url.prefix, id);
    if (rc < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else
        rc = exchange(sp, "GET", target.data, NULL, NULL, 0, &reply, err);
    if (rc == 0)
        rc = read_state(&reply, out, err);
    envoi_buf_free(&target);
    envoi_buf_free(&reply);
    return rc;
}
