/* One message transaction: the envelope (MAIL FROM with its parameters,
 * RCPT TO for each recipient, pipelined when the server allows) and the
 * fate of each recipient. */
#include <stdlib.h>
#include <string.h>

#include "smtp/envelope.h"
#include "smtp/session.h"
#include "util/err.h"

/* Only with a single recipient, or partial sending allowed, may DATA go
 * before the RCPT replies are known: otherwise a refused recipient could
 * no longer stop the message going to the others. */
static bool may_pipeline_data(const envoi_smtp *s)
{
    return s->t.nrcpts == 1 || s->partial;
}

void smtp_txn_clear(envoi_smtp *s)
{
    for (size_t i = 0; i < s->t.nrcpts; i++) {
        free(s->t.rcpts[i].address);
        free(s->t.rcpts[i].text);
        envoi_buf_free(&s->t.rcpts[i].wire);
    }
    free(s->t.rcpts);
    free(s->t.status);
    s->t.rcpts = NULL;
    s->t.status = NULL;
    s->t.nrcpts = 0;
    s->t.txn_rc = 0;
    envoi_buf_clear(&s->t.from_wire);
}

static int oom(envoi_smtp *s)
{
    return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
}

static int decide_utf8(envoi_smtp *s, const smtp_body *body, const char *from,
                       const char *const *rcpts, size_t n)
{
    bool need = body->utf8 || (from && envoi_smtp_addr_needs_utf8(from));
    for (size_t i = 0; i < n && !need; i++)
        need = envoi_smtp_addr_needs_utf8(rcpts[i]);
    if (need && !(s->caps.ext & ENVOI_SMTP_EXT_SMTPUTF8))
        return envoi_err_set(&s->err, ENVOI_EUNSUPPORTED,
                             "the message needs SMTPUTF8 (non-ASCII address or headers) and "
                             "the server does not offer it");
    s->t.utf8 = need;
    return 0;
}

int smtp_txn_begin(envoi_smtp *s, smtp_body *body, const char *from, const char *const *rcpts,
                   size_t n)
{
    smtp_txn_clear(s);
    envoi_buf_clear(&s->last_reply);
    s->t.txn_rc = 0;
    s->t.rcpt_sent = s->t.rcpt_done = s->t.accepted = 0;
    s->t.data_sent = s->t.bdat_inline = s->t.aborting = false;
    s->t.body = body;
    if (n == 0)
        return envoi_err_set(&s->err, ENVOI_ENORCPT, "the message has no recipient");
    s->t.rcpts = calloc(n, sizeof *s->t.rcpts);
    s->t.status = calloc(n, sizeof *s->t.status);
    if (!s->t.rcpts || !s->t.status)
        return oom(s);
    s->t.nrcpts = n;
    for (size_t i = 0; i < n; i++)
        if (!rcpts[i] || !(s->t.rcpts[i].address = strdup(rcpts[i])))
            return rcpts[i] ? oom(s) : envoi_err_set(&s->err, ENVOI_EINVAL, "NULL recipient");
    int rc = decide_utf8(s, body, from, rcpts, n);
    if (rc == 0)
        rc = envoi_smtp_addr_format(from, true, s->t.utf8, &s->t.from_wire, &s->err);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = envoi_smtp_addr_format(rcpts[i], false, s->t.utf8, &s->t.rcpts[i].wire, &s->err);
    if (rc < 0)
        return rc;
    if (s->caps.size && body->size > s->caps.size)
        return envoi_err_set(&s->err, ENVOI_ETOOBIG,
                             "the message (%zu bytes) is larger than the server accepts (%lu)",
                             body->size, s->caps.size);
    s->t.pipelined = (s->caps.ext & ENVOI_SMTP_EXT_PIPELINING) != 0;
    return 0;
}

static int build_mail(envoi_smtp *s, envoi_buf *cmd)
{
    int ext = s->caps.ext, rc = envoi_buf_printf(cmd, "MAIL FROM:<%s>",
                                                 s->t.from_wire.data ? s->t.from_wire.data : "");
    if (rc == 0 && (ext & ENVOI_SMTP_EXT_SIZE) && s->t.body->size)
        rc = envoi_buf_printf(cmd, " SIZE=%zu", s->t.body->size);
    if (rc == 0 && (ext & ENVOI_SMTP_EXT_8BITMIME) && s->t.body->eightbit)
        rc = envoi_buf_append_str(cmd, " BODY=8BITMIME");
    if (rc == 0 && s->t.utf8)
        rc = envoi_buf_append_str(cmd, " SMTPUTF8");
    if (rc == 0 && (ext & ENVOI_SMTP_EXT_DSN) && s->dsn_ret != ENVOI_DSN_RET_DEFAULT)
        rc =
            envoi_buf_append_str(cmd, s->dsn_ret == ENVOI_DSN_RET_FULL ? " RET=FULL" : " RET=HDRS");
    if (rc == 0 && (ext & ENVOI_SMTP_EXT_DSN) && s->dsn_envid && *s->dsn_envid) {
        rc = envoi_buf_append_str(cmd, " ENVID=");
        if (rc == 0)
            rc = envoi_smtp_xtext(s->dsn_envid, cmd);
    }
    return rc;
}

static int append_notify(envoi_buf *cmd, int notify)
{
    static const struct {
        int flag;
        const char *word;
    } words[] = {
        {ENVOI_DSN_SUCCESS, "SUCCESS"}, {ENVOI_DSN_FAILURE, "FAILURE"}, {ENVOI_DSN_DELAY, "DELAY"}};
    if (notify & ENVOI_DSN_NEVER)
        return envoi_buf_append_str(cmd, " NOTIFY=NEVER");
    int rc = envoi_buf_append_str(cmd, " NOTIFY="), first = 1;
    for (size_t i = 0; i < 3 && rc == 0; i++) {
        if (!(notify & words[i].flag))
            continue;
        if (!first)
            rc = envoi_buf_append_char(cmd, ',');
        if (rc == 0)
            rc = envoi_buf_append_str(cmd, words[i].word);
        first = 0;
    }
    return rc;
}

static int build_rcpt(envoi_smtp *s, const struct smtp_rcpt *r, envoi_buf *cmd)
{
    int rc = envoi_buf_printf(cmd, "RCPT TO:<%s>", r->wire.data);
    if (rc == 0 && (s->caps.ext & ENVOI_SMTP_EXT_DSN) && s->dsn_notify) {
        rc = append_notify(cmd, s->dsn_notify);
        if (rc == 0)
            rc = envoi_buf_append_str(cmd, " ORCPT=rfc822;");
        if (rc == 0)
            rc = envoi_smtp_xtext(r->wire.data, cmd);
    }
    return rc;
}

static int send_line(envoi_smtp *s, envoi_buf *cmd)
{
    int rc = envoi_pp_send(&s->pp, cmd->data, cmd->len, cmd->len);
    envoi_buf_clear(cmd);
    return rc;
}

int smtp_send_rcpt(envoi_smtp *s)
{
    envoi_buf cmd = ENVOI_BUF_INIT;
    int rc = build_rcpt(s, &s->t.rcpts[s->t.rcpt_sent], &cmd);
    if (rc < 0)
        rc = oom(s);
    else if ((rc = send_line(s, &cmd)) == 0)
        rc = envoi_pp_flush(&s->pp);
    s->t.rcpt_sent++;
    envoi_buf_free(&cmd);
    return rc;
}

static int send_pipelined_rest(envoi_smtp *s, envoi_buf *cmd)
{
    int rc = 0;
    for (; s->t.rcpt_sent < s->t.nrcpts && rc == 0; s->t.rcpt_sent++) {
        rc = build_rcpt(s, &s->t.rcpts[s->t.rcpt_sent], cmd);
        rc = rc < 0 ? oom(s) : send_line(s, cmd);
    }
    if (rc < 0 || !may_pipeline_data(s))
        return rc;
    if (s->caps.ext & ENVOI_SMTP_EXT_CHUNKING) {
        if (!smtp_body_fits_inline(s))
            return 0;
        s->t.data_sent = s->t.bdat_inline = true;
        return smtp_send_bdat_inline(s);
    }
    s->t.data_sent = true;
    return envoi_pp_send(&s->pp, "DATA", 4, 4);
}

int smtp_send_envelope(envoi_smtp *s)
{
    envoi_buf cmd = ENVOI_BUF_INIT;
    int rc = build_mail(s, &cmd);
    if (rc < 0)
        rc = oom(s);
    else
        rc = send_line(s, &cmd);
    if (rc == 0 && s->t.pipelined)
        rc = send_pipelined_rest(s, &cmd);
    if (rc == 0)
        rc = envoi_pp_flush(&s->pp);
    envoi_buf_free(&cmd);
    return rc;
}

void smtp_txn_fail(envoi_smtp *s, const char *what)
{
    if (s->t.txn_rc)
        return;
    s->t.txn_rc = smtp_fail_reply(s, 0, what);
    s->t.txn_err = s->err;
    envoi_buf_clear(&s->last_reply);
    envoi_smtp_reply_format(&s->reply, &s->last_reply);
}

void smtp_mail_reply(envoi_smtp *s)
{
    if (s->reply.code / 100 == 2)
        return;
    if (s->reply.code == 552 && !s->t.txn_rc) {
        s->t.txn_rc = smtp_fail_reply(s, ENVOI_ETOOBIG, "sender refused (MAIL FROM)");
        s->t.txn_err = s->err;
        envoi_smtp_reply_format(&s->reply, &s->last_reply);
        return;
    }
    smtp_txn_fail(s, "sender refused (MAIL FROM)");
}

void smtp_rcpt_reply(envoi_smtp *s)
{
    struct smtp_rcpt *r = &s->t.rcpts[s->t.rcpt_done++];
    envoi_buf words = ENVOI_BUF_INIT;
    r->code = s->reply.code;
    memcpy(r->enhanced, s->reply.enhanced, sizeof r->enhanced);
    envoi_smtp_reply_words(&s->reply, &words);
    free(r->text);
    r->text = envoi_buf_steal(&words, NULL);
    r->ok = s->reply.code / 100 == 2;
    if (r->ok)
        s->t.accepted++;
}

/* After the last RCPT reply: fail the message when nobody, or (unless
 * partial sending is on) not everybody, was accepted. The error names each
 * refused recipient with the server's words. */
void smtp_rcpts_judge(envoi_smtp *s)
{
    if (s->t.txn_rc || (s->t.accepted == s->t.nrcpts) || (s->t.accepted && s->partial))
        return;
    envoi_buf text = ENVOI_BUF_INIT;
    const struct smtp_rcpt *worst = NULL;
    envoi_buf_append_str(&text, s->t.accepted ? "recipients refused:" : "no recipient accepted:");
    for (size_t i = 0; i < s->t.nrcpts; i++) {
        const struct smtp_rcpt *r = &s->t.rcpts[i];
        if (r->ok)
            continue;
        if (!worst || (worst->code / 100 != 5 && r->code / 100 == 5))
            worst = r;
        envoi_buf_printf(&text, " %s (%03d%s%s%s%s);", r->wire.data, r->code,
                         r->enhanced[0] ? " " : "", r->enhanced, r->text && *r->text ? " " : "",
                         r->text ? r->text : "");
    }
    if (text.len && text.data[text.len - 1] == ';')
        text.data[--text.len] = '\0';
    int code = !s->t.accepted                    ? ENVOI_ENORCPT
               : worst && worst->code / 100 == 4 ? ENVOI_ETEMPFAIL
                                                 : ENVOI_EPERMFAIL;
    s->t.txn_rc = envoi_err_reply(&s->err, code, worst ? worst->code : 0,
                                  worst ? worst->enhanced : "", text.data ? text.data : "");
    s->t.txn_err = s->err;
    envoi_buf_free(&text);
}

void smtp_txn_end(envoi_smtp *s, int rc)
{
    if (rc < 0 && !s->t.txn_rc)
        s->t.txn_rc = rc;
    for (size_t i = 0; i < s->t.nrcpts; i++) {
        const struct smtp_rcpt *r = &s->t.rcpts[i];
        s->t.status[i] = (envoi_rcpt_status){
            .address = r->address,
            .reply_code = r->code,
            .enhanced = r->enhanced,
            .text = r->text ? r->text : "",
            .accepted = r->ok && s->t.txn_rc == 0,
        };
    }
    s->t.body = NULL;
}
