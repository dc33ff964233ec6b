/* Logging in: choosing among USER/PASS, APOP and SASL (RFC 1939, RFC 5034),
 * sending each with its secret masked in the trace, and reading the
 * server's verdict. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pop3/session.h"
#include "util/err.h"
#include "util/secret.h"

enum { MAX_COMMAND = 255 }; /* RFC 2449: a command line's octets, without CRLF */

static bool has_apop(const envoi_pop3 *s)
{
    return (s->caps.flags & ENVOI_POP3_CAPA_APOP) != 0;
}

/* USER/PASS is worth trying when the server offers it, or when it did not
 * answer CAPA at all (RFC 1939 servers). */
static bool has_user(const envoi_pop3 *s)
{
    return !s->capa_known || (s->caps.flags & ENVOI_POP3_CAPA_USER);
}

static const char *sasl_offered(const envoi_pop3 *s)
{
    return s->caps.sasl.data ? s->caps.sasl.data : "";
}

/* The method to use, or NULL (with err filled) when none fits. */
static const char *choose(envoi_pop3 *s)
{
    bool pw = s->ep.password != NULL, tok = s->ep.token != NULL;
    if (s->ep.mech && !strcasecmp(s->ep.mech, "USER"))
        return has_user(s) && pw ? "USER" : NULL;
    if (s->ep.mech && !strcasecmp(s->ep.mech, "APOP"))
        return has_apop(s) && pw ? "APOP" : NULL;
    if (s->ep.mech)
        return envoi_sasl_choose(sasl_offered(s), s->ep.mech, pw, tok);
    const char *sasl = envoi_sasl_choose(sasl_offered(s), NULL, pw, tok);
    if (tok || (sasl && !strcasecmp(sasl, "CRAM-MD5")))
        return sasl;
    if (pw && has_apop(s))
        return "APOP";
    if (sasl)
        return sasl;
    return pw && has_user(s) ? "USER" : NULL;
}

static int send_apop(envoi_pop3 *s)
{
    const char *ts;
    size_t n;
    char hex[33];
    pop3_apop_timestamp(s->greeting.data, s->greeting.len, &ts, &n);
    int rc = pop3_apop_digest(ts, n, s->ep.password, hex);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "cannot compute the APOP digest");
    envoi_buf cmd = ENVOI_BUF_INIT;
    rc = envoi_buf_printf(&cmd, "APOP %s %s", s->ep.user, hex);
    envoi_wipe(hex, sizeof hex);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "out of memory");
    rc = pop3_send(s, cmd.data, cmd.len - 32);
    envoi_buf_wipe_free(&cmd);
    return rc;
}

static int start_sasl(envoi_pop3 *s, const char *mech)
{
    envoi_sasl_creds creds = {s->ep.user, s->ep.token ? NULL : s->ep.password, s->ep.token,
                              s->ep.host, s->ep.port ? s->ep.port : 110};
    int rc = envoi_sasl_new(&s->sasl, mech, &creds);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "cannot start %s", mech);
    envoi_buf cmd = ENVOI_BUF_INIT, initial = ENVOI_BUF_INIT;
    bool has = false;
    rc = envoi_sasl_initial(s->sasl, &initial, &has);
    if (rc == 0)
        rc = envoi_buf_printf(&cmd, "AUTH %s", envoi_sasl_name(s->sasl));
    size_t visible = cmd.len + 1;
    if (rc == 0 && has && cmd.len + 1 + initial.len <= MAX_COMMAND)
        rc = envoi_buf_printf(&cmd, " %s", initial.data);
    else if (rc == 0 && has) /* too long for the AUTH line: sent after the first "+" */
        rc = envoi_buf_append(&s->sasl_initial, initial.data, initial.len);
    if (rc < 0)
        rc = envoi_err_set(&s->err, rc, "cannot build the AUTH command");
    else
        rc = pop3_send(s, cmd.data, visible);
    envoi_buf_wipe_free(&cmd);
    envoi_buf_wipe_free(&initial);
    return rc;
}

int pop3_start_login(envoi_pop3 *s)
{
    if (!envoi_conn_is_tls(s->conn) && !s->ep.allow_plain_auth)
        return envoi_err_set(&s->err, ENVOI_EAUTHPLAIN,
                             "refusing to send the login over an unencrypted connection "
                             "(use TLS or STLS, or allow plain-text authentication)");
    const char *method = choose(s);
    if (!method)
        return envoi_err_set(
            &s->err, ENVOI_ENOMECH, "no usable login method%s%s (the server offers:%s%s SASL %s)",
            s->ep.mech ? " for " : "", s->ep.mech ? s->ep.mech : "", has_user(s) ? " USER" : "",
            has_apop(s) ? " APOP" : "", sasl_offered(s));
    snprintf(s->method, sizeof s->method, "%s", method);
    if (!strcmp(method, "USER")) {
        s->state = POP3_USER;
        int rc = pop3_sendf(s, "USER %s", s->ep.user);
        return rc < 0 ? rc : envoi_pp_flush(&s->pp);
    }
    if (!strcmp(method, "APOP")) {
        s->state = POP3_APOP;
        return send_apop(s);
    }
    s->state = POP3_AUTH;
    return start_sasl(s, method);
}

static int send_pass(envoi_pop3 *s)
{
    envoi_buf cmd = ENVOI_BUF_INIT;
    int rc = envoi_buf_printf(&cmd, "PASS %s", s->ep.password);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "out of memory");
    s->state = POP3_PASS;
    rc = pop3_send(s, cmd.data, 5);
    envoi_buf_wipe_free(&cmd);
    return rc;
}

static int answer_challenge(envoi_pop3 *s)
{
    envoi_buf resp = ENVOI_BUF_INIT;
    int rc = 0;
    if (s->sasl_initial.len) {
        rc = envoi_buf_append(&resp, s->sasl_initial.data, s->sasl_initial.len);
        envoi_buf_wipe_free(&s->sasl_initial);
    } else {
        rc = envoi_sasl_step(s->sasl, s->st.text, s->st.text_len, &resp);
    }
    if (rc == ENVOI_EPROTOCOL) {
        envoi_err_set(&s->err, rc, "AUTH challenge is not base64");
        pop3_send(s, "*", SIZE_MAX); /* cancel; the server answers -ERR */
    } else if (rc < 0) {
        envoi_err_set(&s->err, rc, "AUTH %s failed", envoi_sasl_name(s->sasl));
    } else {
        rc = pop3_send(s, resp.data ? resp.data : "", 0);
    }
    envoi_buf_wipe_free(&resp);
    return rc;
}

int pop3_login_reply(envoi_pop3 *s)
{
    if (s->state == POP3_AUTH && s->sasl_cont)
        return answer_challenge(s);
    envoi_sasl_free(s->sasl);
    s->sasl = NULL;
    envoi_buf_wipe_free(&s->sasl_initial);
    if (!s->st.ok && s->state == POP3_AUTH) {
        /* A token from the provider may have been revoked: one more try with a new one. */
        int again = proto_endpoint_retry_token(&s->ep, &s->err);
        if (again > 0)
            return pop3_start_login(s);
        if (again < 0) {
            pop3_close(s, true);
            return again;
        }
    }
    if (!s->st.ok) {
        const char *what = s->state == POP3_USER   ? "user refused"
                           : s->state == POP3_AUTH ? "authentication refused"
                                                   : "login refused";
        int rc = pop3_fail_status(s, ENVOI_EAUTH, what);
        pop3_close(s, true);
        return rc;
    }
    if (s->state == POP3_USER)
        return send_pass(s);
    s->state = POP3_TRANSACTION;
    return 0;
}
