/* The SMTP conversation as one state machine: smtp_enter sends the command
 * of a state, smtp_handle reads the reply for the current one and decides
 * the next. Reading the two switches tells the whole protocol. */
#include <stdio.h>
#include <string.h>

#include "smtp/session.h"
#include "util/err.h"
#include "util/secret.h"

const char *const envoi_smtp_state_names[] = {
    [SMTP_DISCONNECTED] = "DISCONNECTED",
    [SMTP_GREETING] = "GREETING",
    [SMTP_EHLO] = "EHLO",
    [SMTP_HELO] = "HELO",
    [SMTP_STARTTLS] = "STARTTLS",
    [SMTP_AUTH] = "AUTH",
    [SMTP_READY] = "READY",
    [SMTP_MAIL] = "MAIL",
    [SMTP_RCPT] = "RCPT",
    [SMTP_DATA] = "DATA",
    [SMTP_BODY] = "end of DATA",
    [SMTP_BDAT] = "BDAT",
    [SMTP_RSET] = "RSET",
    [SMTP_QUIT] = "QUIT",
};

static int send_cmd(envoi_smtp *s, const char *cmd)
{
    int rc = envoi_pp_send(&s->pp, cmd, strlen(cmd), strlen(cmd));
    return rc < 0 ? rc : envoi_pp_flush(&s->pp);
}

static int send_hello(envoi_smtp *s, const char *verb)
{
    int rc = envoi_pp_sendf(&s->pp, "%s %s", verb, s->helo);
    return rc < 0 ? rc : envoi_pp_flush(&s->pp);
}

void smtp_close(envoi_smtp *s, bool polite)
{
    envoi_pp_hang_up(&s->pp, &s->conn, polite ? "QUIT" : NULL);
    s->state = SMTP_DISCONNECTED;
    envoi_smtp_caps_reset(&s->caps);
    envoi_sasl_free(s->sasl);
    s->sasl = NULL;
}

/* Record the current reply as the failure of `what`: 4xx temporary, 5xx
 * permanent, anything else not the protocol. Returns the code. */
int smtp_fail_reply(envoi_smtp *s, int code, const char *what)
{
    envoi_buf words = ENVOI_BUF_INIT;
    int rc = envoi_buf_printf(&words, "%s: ", what);
    if (rc == 0)
        rc = envoi_smtp_reply_words(&s->reply, &words);
    if (!code)
        code = s->reply.code / 100 == 4   ? ENVOI_ETEMPFAIL
               : s->reply.code / 100 == 5 ? ENVOI_EPERMFAIL
                                          : ENVOI_EPROTOCOL;
    envoi_err_reply(&s->err, code, s->reply.code, s->reply.enhanced,
                    rc == 0 && words.data ? words.data : what);
    envoi_buf_free(&words);
    return code;
}

/* The conversation is over: say why and close (politely when the server
 * is still talking to us). */
static int fail_session(envoi_smtp *s, int code, const char *what)
{
    smtp_fail_reply(s, code, what);
    smtp_close(s, s->reply.code != 421);
    return code;
}

static int start_auth(envoi_smtp *s)
{
    if (!envoi_conn_is_tls(s->conn) && !s->ep.allow_plain_auth)
        return envoi_err_set(&s->err, ENVOI_EAUTHPLAIN,
                             "refusing to send the login over an unencrypted connection "
                             "(use TLS or STARTTLS, or allow plain-text authentication)");
    if (!(s->caps.ext & ENVOI_SMTP_EXT_AUTH))
        return envoi_err_set(&s->err, ENVOI_ENOMECH, "the server offers no authentication");
    const char *mech = envoi_sasl_choose(s->caps.auth.data, s->ep.mech, s->ep.password != NULL,
                                         s->ep.token != NULL);
    if (!mech)
        return envoi_err_set(&s->err, ENVOI_ENOMECH,
                             "no usable authentication mechanism (the server offers: %s)",
                             s->caps.auth.data ? s->caps.auth.data : "");
    envoi_sasl_creds creds = {s->ep.user, s->ep.token ? NULL : s->ep.password, s->ep.token,
                              s->ep.host, s->ep.port};
    if (!s->ep.token && !s->ep.password)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no password or token for %s", mech);
    int rc = envoi_sasl_new(&s->sasl, mech, &creds);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "cannot start %s", mech);
    envoi_buf cmd = ENVOI_BUF_INIT, initial = ENVOI_BUF_INIT;
    bool has = false;
    rc = envoi_sasl_initial(s->sasl, &initial, &has);
    if (rc == 0)
        rc = envoi_buf_printf(&cmd, "AUTH %s", mech);
    size_t visible = cmd.len + 1;
    if (rc == 0 && has)
        rc = envoi_buf_printf(&cmd, " %s", initial.data);
    if (rc < 0)
        rc = envoi_err_set(&s->err, rc, "cannot build the AUTH command");
    else if ((rc = envoi_pp_send(&s->pp, cmd.data, cmd.len, has ? visible : cmd.len)) == 0)
        rc = envoi_pp_flush(&s->pp);
    envoi_buf_wipe_free(&cmd);
    envoi_buf_wipe_free(&initial);
    return rc;
}

static int answer_challenge(envoi_smtp *s)
{
    envoi_buf resp = ENVOI_BUF_INIT;
    const char *chal = s->reply.text.data ? s->reply.text.data : "";
    int rc = envoi_sasl_step(s->sasl, chal, strcspn(chal, "\n"), &resp);
    if (rc == ENVOI_EPROTOCOL)
        rc = fail_session(s, ENVOI_EPROTOCOL, "AUTH challenge is not base64");
    else if (rc < 0)
        rc = envoi_err_set(&s->err, rc, "AUTH %s failed", envoi_sasl_name(s->sasl));
    else if ((rc = envoi_pp_send(&s->pp, resp.data ? resp.data : "", resp.len, 0)) == 0)
        rc = envoi_pp_flush(&s->pp);
    envoi_buf_wipe_free(&resp);
    return rc;
}

int smtp_enter(envoi_smtp *s, enum smtp_state state)
{
    s->state = state;
    switch (state) {
    case SMTP_DISCONNECTED:
    case SMTP_GREETING:
    case SMTP_READY:
        return 0;
    case SMTP_EHLO:
        return send_hello(s, "EHLO");
    case SMTP_HELO:
        return send_hello(s, "HELO");
    case SMTP_STARTTLS:
        return send_cmd(s, "STARTTLS");
    case SMTP_AUTH:
        return start_auth(s);
    case SMTP_MAIL:
        return smtp_send_envelope(s);
    case SMTP_RCPT:
        return smtp_send_rcpt(s);
    case SMTP_DATA:
        return send_cmd(s, "DATA");
    case SMTP_BODY:
        return smtp_send_data_body(s);
    case SMTP_BDAT:
        return smtp_send_bdat_body(s);
    case SMTP_RSET:
        return send_cmd(s, "RSET");
    case SMTP_QUIT:
        return send_cmd(s, "QUIT");
    }
    return ENVOI_ESTATE;
}

/* After EHLO or HELO: secure the connection, then log in, then ready. */
static int after_hello(envoi_smtp *s)
{
    if (s->ep.security == ENVOI_SECURITY_STARTTLS && !envoi_conn_is_tls(s->conn)) {
        if (!(s->caps.ext & ENVOI_SMTP_EXT_STARTTLS)) {
            envoi_err_set(&s->err, ENVOI_ENOTLS,
                          "STARTTLS is required but the server does not offer it");
            smtp_close(s, true);
            return ENVOI_ENOTLS;
        }
        return smtp_enter(s, SMTP_STARTTLS);
    }
    if (s->ep.user && (s->ep.password || s->ep.token))
        return smtp_enter(s, SMTP_AUTH);
    return smtp_enter(s, SMTP_READY);
}

static int start_tls(envoi_smtp *s)
{
    int rc = proto_endpoint_start_tls(&s->ep, s->conn, &s->err);
    if (rc < 0)
        return rc;
    /* What the server said before TLS is forgotten; ask again. */
    envoi_smtp_caps_reset(&s->caps);
    return smtp_enter(s, SMTP_EHLO);
}

static bool ok(const envoi_smtp *s)
{
    return s->reply.code / 100 == 2;
}

static int handle_body_reply(envoi_smtp *s)
{
    if (s->t.aborting)
        return smtp_enter(s, SMTP_RSET);
    if (ok(s) && !s->t.txn_rc) {
        envoi_buf_clear(&s->last_reply);
        envoi_smtp_reply_format(&s->reply, &s->last_reply);
        return smtp_enter(s, SMTP_READY);
    }
    if (!s->t.txn_rc)
        smtp_txn_fail(s, s->state == SMTP_BDAT ? "message refused (BDAT)"
                                               : "message refused (end of DATA)");
    /* A refused end of DATA ends the transaction; after BDAT, make sure. */
    return smtp_enter(s, s->state == SMTP_BDAT ? SMTP_RSET : SMTP_READY);
}

static int handle_data_reply(envoi_smtp *s)
{
    if (s->reply.code == 354) {
        if (!s->t.txn_rc)
            return smtp_enter(s, SMTP_BODY);
        /* DATA went with the envelope, then every recipient was refused:
         * an empty body reaches nobody and keeps the conversation in step. */
        if (s->t.accepted == 0) {
            s->t.aborting = true;
            s->state = SMTP_BODY;
            return send_cmd(s, ".");
        }
        return envoi_err_set(&s->err, ENVOI_EPROTOCOL, "DATA accepted for a failed envelope");
    }
    if (!s->t.txn_rc)
        smtp_txn_fail(s, "DATA refused");
    return smtp_enter(s, SMTP_RSET);
}

static int handle_rcpt_reply(envoi_smtp *s)
{
    smtp_rcpt_reply(s);
    if (s->t.rcpt_done < s->t.nrcpts)
        return s->t.pipelined ? 0 : smtp_enter(s, SMTP_RCPT);
    smtp_rcpts_judge(s);
    if (s->t.data_sent) {
        s->state = s->t.bdat_inline ? SMTP_BDAT : SMTP_DATA;
        return 0;
    }
    if (s->t.txn_rc)
        return smtp_enter(s, SMTP_RSET);
    return smtp_enter(s, s->caps.ext & ENVOI_SMTP_EXT_CHUNKING ? SMTP_BDAT : SMTP_DATA);
}

static int handle_mail_reply(envoi_smtp *s)
{
    smtp_mail_reply(s);
    if (s->t.pipelined) {
        s->state = s->t.nrcpts ? SMTP_RCPT : SMTP_RSET;
        return 0;
    }
    return smtp_enter(s, s->t.txn_rc ? SMTP_RSET : SMTP_RCPT);
}

static int smtp_handle(envoi_smtp *s)
{
    if (s->reply.code == 421 && s->state != SMTP_QUIT)
        return fail_session(s, ENVOI_ETEMPFAIL, "the server is closing the connection");
    switch (s->state) {
    case SMTP_GREETING:
        if (!ok(s))
            return fail_session(s, 0, "the server refused the connection");
        return smtp_enter(s, SMTP_EHLO);
    case SMTP_EHLO:
        if (ok(s)) {
            envoi_buf_clear(&s->ehlo_text);
            int rc = envoi_smtp_caps_parse(&s->caps, &s->reply);
            return rc < 0 ? envoi_err_set(&s->err, rc, "out of memory") : after_hello(s);
        }
        if (s->reply.code / 100 != 5)
            return fail_session(s, 0, "EHLO refused");
        if (s->ep.security == ENVOI_SECURITY_STARTTLS && !envoi_conn_is_tls(s->conn))
            return fail_session(s, ENVOI_ENOTLS,
                                "STARTTLS is required but the server does not know EHLO");
        return smtp_enter(s, SMTP_HELO);
    case SMTP_HELO:
        if (!ok(s))
            return fail_session(s, 0, "HELO refused");
        envoi_smtp_caps_reset(&s->caps);
        return after_hello(s);
    case SMTP_STARTTLS:
        if (s->reply.code != 220)
            return fail_session(s, ENVOI_ENOTLS, "STARTTLS refused");
        return start_tls(s);
    case SMTP_AUTH:
        if (s->reply.code == 334)
            return answer_challenge(s);
        envoi_sasl_free(s->sasl);
        s->sasl = NULL;
        if (!ok(s) && s->reply.code / 100 == 5) {
            /* A token from the provider may have been revoked: one more try with a new one. */
            int again = proto_endpoint_retry_token(&s->ep, &s->err);
            if (again > 0)
                return smtp_enter(s, SMTP_AUTH);
            if (again < 0) {
                smtp_close(s, true);
                return again;
            }
        }
        if (!ok(s))
            return fail_session(s, ENVOI_EAUTH, "authentication refused");
        return smtp_enter(s, SMTP_READY);
    case SMTP_MAIL:
        return handle_mail_reply(s);
    case SMTP_RCPT:
        return handle_rcpt_reply(s);
    case SMTP_DATA:
        return handle_data_reply(s);
    case SMTP_BODY:
    case SMTP_BDAT:
        return handle_body_reply(s);
    case SMTP_RSET:
        if (!ok(s))
            smtp_close(s, false);
        else
            s->state = SMTP_READY;
        return 0;
    case SMTP_QUIT:
        smtp_close(s, false);
        return 0;
    case SMTP_DISCONNECTED:
    case SMTP_READY:
        break;
    }
    return envoi_err_set(&s->err, ENVOI_EPROTOCOL, "unexpected reply in state %s",
                         envoi_smtp_state_names[s->state]);
}

static int reply_line(void *ctx, const char *line, size_t len, envoi_error *err)
{
    return envoi_smtp_reply_add_line(ctx, line, len, err);
}

int smtp_read_reply(envoi_smtp *s)
{
    envoi_smtp_reply_reset(&s->reply);
    int rc = envoi_pp_read_response(&s->pp, reply_line, &s->reply);
    if (rc < 0) {
        if (rc == ENVOI_ECLOSED || rc == ENVOI_ETIMEDOUT || rc == ENVOI_EIO) {
            char text[sizeof s->err.text];
            snprintf(text, sizeof text, "%s", s->err.text);
            envoi_err_set(&s->err, rc, "%s (waiting for the reply to %s)", text,
                          envoi_smtp_state_names[s->state]);
        }
        return rc;
    }
    if (s->caps.ext & ENVOI_SMTP_EXT_ENHANCEDSTATUSCODES)
        envoi_smtp_reply_take_enhanced(&s->reply);
    return 0;
}

/* QUIT can still be said: the connection works and no body is half sent. */
static bool polite_after(const envoi_smtp *s, int rc)
{
    switch (rc) {
    case ENVOI_ECLOSED:
    case ENVOI_ETIMEDOUT:
    case ENVOI_EIO:
    case ENVOI_ETLS:
    case ENVOI_ECERT:
    case ENVOI_EPROTOCOL:
        return false;
    default:
        return s->state != SMTP_BODY && s->state != SMTP_BDAT;
    }
}

/* Read and handle replies until the conversation reaches `until`; any
 * failure here ends the connection. */
int smtp_run(envoi_smtp *s, enum smtp_state until)
{
    return smtp_run_either(s, until, until);
}

int smtp_run_either(envoi_smtp *s, enum smtp_state until, enum smtp_state or_until)
{
    while (s->state != until && s->state != or_until && s->state != SMTP_DISCONNECTED) {
        int rc = smtp_read_reply(s);
        if (rc < 0) {
            smtp_close(s, false);
            return rc;
        }
        rc = smtp_handle(s);
        if (rc < 0) {
            smtp_close(s, polite_after(s, rc));
            return rc;
        }
    }
    return s->state == until || s->state == or_until ? 0
           : s->err.code                             ? s->err.code
                                                     : ENVOI_ECLOSED;
}
