/* Running IMAP commands: the commands in flight and their tags, waiting
 * for a command's tagged response while untagged ones go to a handler, and
 * mapping NO / BAD / a broken connection to error classes with the
 * server's words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/session.h"
#include "util/err.h"

/* ---- pending commands ----------------------------------------------------- */

imap_pending *imap_find_pending(envoi_imap *s, unsigned tag)
{
    for (size_t i = 0; i < s->npending; i++)
        if (s->pending[i].tag == tag)
            return &s->pending[i];
    return NULL;
}

static void drop_pending(envoi_imap *s, imap_pending *p)
{
    size_t i = (size_t)(p - s->pending);
    memmove(&s->pending[i], &s->pending[i + 1], (s->npending - i - 1) * sizeof *p);
    s->npending--;
}

int imap_broken(envoi_imap *s, int rc)
{
    if (s->bye && rc == ENVOI_ECLOSED)
        envoi_err_set(&s->err, rc, "the server ended the session: %s",
                      s->bye_text.data ? s->bye_text.data : "");
    imap_close(s);
    return rc;
}

int imap_fail_tagged(envoi_imap *s, const imap_response *r, const char *what, bool login)
{
    int code = r->status == IMAP_STATUS_BAD ? ENVOI_EPROTOCOL
               : login                      ? ENVOI_EAUTH
                                            : ENVOI_EPERMFAIL;
    const char *c = r->code;
    if (!strcmp(c, "AUTHENTICATIONFAILED") || !strcmp(c, "AUTHORIZATIONFAILED") ||
        !strcmp(c, "EXPIRED"))
        code = ENVOI_EAUTH;
    else if (!strcmp(c, "UNAVAILABLE") || !strcmp(c, "INUSE") || !strcmp(c, "LIMIT"))
        code = ENVOI_ETEMPFAIL;
    envoi_buf words = ENVOI_BUF_INIT;
    int b = envoi_buf_printf(&words, "%s %s: ", what,
                             r->status == IMAP_STATUS_BAD ? "rejected as invalid" : "refused");
    if (b == 0)
        b = envoi_pp_quote(&words, r->text, strlen(r->text), 800);
    envoi_err_reply(&s->err, code, 0, c, b == 0 ? words.data : what);
    envoi_buf_free(&words);
    return code;
}

int imap_note_tagged(envoi_imap *s, const imap_response *r)
{
    unsigned tag = 0;
    if (r->tag[0] == 'A' && sscanf(r->tag + 1, "%u", &tag) != 1)
        tag = 0;
    imap_pending *p = tag ? imap_find_pending(s, tag) : NULL;
    if (!p) {
        envoi_buf q = ENVOI_BUF_INIT;
        envoi_pp_quote(&q, r->tag, strlen(r->tag), 60);
        envoi_err_set(&s->err, ENVOI_EPROTOCOL, "the server answered a command never sent (%s)",
                      q.data ? q.data : "");
        envoi_buf_free(&q);
        imap_close(s);
        return ENVOI_EPROTOCOL;
    }
    envoi_buf_clear(&s->last);
    envoi_buf_append_str(&s->last, r->text);
    p->done = true;
    if (r->status == IMAP_STATUS_OK)
        p->rc = 0;
    else if (r->status == IMAP_STATUS_NO || r->status == IMAP_STATUS_BAD)
        p->rc = imap_fail_tagged(s, r, p->verb, !strcasecmp(p->verb, "LOGIN"));
    else
        p->rc = envoi_err_set(&s->err, ENVOI_EPROTOCOL, "tagged response with no status");
    return 0;
}

static int wait_for(envoi_imap *s, unsigned tag, imap_untagged_fn fn, void *ctx,
                    imap_response *cont, int *cb_rc)
{
    if (!s->conn)
        return envoi_err_set(&s->err, ENVOI_ESTATE, "not connected");
    int rc = envoi_conn_flush(s->conn, &s->err);
    if (rc < 0)
        return imap_broken(s, rc);
    for (;;) {
        imap_pending *p = imap_find_pending(s, tag);
        if (!p)
            return envoi_err_set(&s->err, ENVOI_ESTATE, "no such command in flight");
        if (p->done)
            return 0;
        imap_response r;
        if ((rc = imap_read_response(s, &r)) < 0)
            return rc;
        if (r.kind == IMAP_RESP_UNTAGGED) {
            if (fn && !*cb_rc && r.status != IMAP_STATUS_BYE)
                *cb_rc = fn(ctx, &r, s->streamed);
            if (!*cb_rc && s->sink_rc)
                *cb_rc = s->sink_rc;
        } else if (r.kind == IMAP_RESP_CONTINUATION) {
            if (cont) {
                *cont = r;
                return 1;
            }
            imap_response_free(&r);
            envoi_err_set(&s->err, ENVOI_EPROTOCOL, "unexpected continuation request");
            imap_close(s);
            return ENVOI_EPROTOCOL;
        } else if ((rc = imap_note_tagged(s, &r)) < 0) {
            imap_response_free(&r);
            return rc;
        }
        imap_response_free(&r);
    }
}

int imap_wait_cont(envoi_imap *s, unsigned tag, imap_response *cont)
{
    int cb_rc = 0;
    return wait_for(s, tag, NULL, NULL, cont, &cb_rc);
}

int imap_wait(envoi_imap *s, unsigned tag, imap_untagged_fn fn, void *ctx)
{
    int cb_rc = 0;
    int rc = wait_for(s, tag, fn, ctx, NULL, &cb_rc);
    if (rc < 0)
        return rc;
    imap_pending *p = imap_find_pending(s, tag);
    rc = p->rc;
    drop_pending(s, p);
    if (cb_rc < 0 && rc == 0) {
        if (s->err.code != cb_rc)
            envoi_err_set(&s->err, cb_rc, "stopped: %s", envoi_strerror(cb_rc));
        return cb_rc;
    }
    return rc;
}

int imap_run(envoi_imap *s, imap_cmd *c, imap_untagged_fn fn, void *ctx)
{
    unsigned tag;
    int rc = imap_send(s, c, &tag);
    return rc < 0 ? rc : imap_wait(s, tag, fn, ctx);
}

int imap_simple(envoi_imap *s, const char *text, imap_untagged_fn fn, void *ctx)
{
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, text);
    int rc = imap_run(s, &c, fn, ctx);
    imap_cmd_free(&c);
    return rc;
}
