/* Opening an IMAP session: the greeting (OK, PREAUTH or BYE), the
 * capabilities, STARTTLS (required when asked: never a silent fall back),
 * and logging in with LOGIN or AUTHENTICATE (SASL-IR when offered), then
 * ID when asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/session.h"
#include "proto/sasl.h"
#include "util/err.h"

enum { MAX_SASL_ROUNDS = 8 };

void imap_close(envoi_imap *s)
{
    envoi_conn_close(s->conn);
    s->conn = NULL;
    s->state = IMAP_DISCONNECTED;
    s->npending = 0;
    s->sink = NULL;
    imap_mailbox_reset(s);
}

bool imap_has_cap(const envoi_imap *s, const char *cap)
{
    if (!s->caps.data)
        return false;
    char want[64];
    int n = snprintf(want, sizeof want, " %s ", cap);
    if (n < 0 || (size_t)n >= sizeof want)
        return false;
    for (char *p = want; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    return strstr(s->caps.data, want) != NULL;
}

static int fail(envoi_imap *s, int code)
{
    imap_close(s);
    return code;
}

static int ask_capabilities(envoi_imap *s)
{
    envoi_buf_clear(&s->caps);
    int rc = imap_simple(s, "CAPABILITY", NULL, NULL);
    if (rc == 0 && !s->caps.len)
        rc = envoi_err_set(&s->err, ENVOI_EPROTOCOL, "the server listed no capabilities");
    return rc;
}

static int start_tls(envoi_imap *s)
{
    if (!imap_has_cap(s, "STARTTLS"))
        return envoi_err_set(&s->err, ENVOI_ENOTLS,
                             "STARTTLS is required but the server does not offer it");
    int rc = imap_simple(s, "STARTTLS", NULL, NULL);
    if (rc < 0) {
        if (s->conn) {
            char text[sizeof s->err.text];
            snprintf(text, sizeof text, "%s", s->err.text);
            envoi_err_set(&s->err, ENVOI_ENOTLS, "%s", text);
        }
        return s->conn ? ENVOI_ENOTLS : rc;
    }
    if ((rc = proto_endpoint_start_tls(&s->ep, s->conn, &s->err)) < 0)
        return rc;
    /* What the server said before TLS is forgotten; ask again. */
    return ask_capabilities(s);
}

/* The AUTH= mechanisms offered, space separated. */
static void offered_mechs(const envoi_imap *s, envoi_buf *out)
{
    const char *p = s->caps.data ? s->caps.data : "";
    while ((p = strstr(p, " AUTH=")) != NULL) {
        p += 6;
        size_t n = strcspn(p, " ");
        envoi_buf_append(out, p, n);
        envoi_buf_append(out, " ", 1);
    }
    if (!out->data)
        envoi_buf_append(out, "", 0);
}

static int login_command(envoi_imap *s)
{
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, "LOGIN ");
    imap_cmd_string(&c, s->ep.user, strlen(s->ep.user), false);
    imap_cmd_add(&c, " ");
    imap_cmd_string(&c, s->ep.password, strlen(s->ep.password), true);
    int rc = imap_run(s, &c, NULL, NULL);
    imap_cmd_free(&c);
    return rc;
}

static int answer(envoi_imap *s, envoi_sasl *sasl, const imap_response *cont, envoi_buf *initial)
{
    envoi_buf resp = ENVOI_BUF_INIT;
    int rc = 0;
    if (initial->len) {
        rc = envoi_buf_append(&resp, initial->data, initial->len);
        envoi_buf_wipe_free(initial);
    } else {
        rc = envoi_sasl_step(sasl, cont->text, strlen(cont->text), &resp);
    }
    if (rc == ENVOI_EPROTOCOL) {
        envoi_err_set(&s->err, rc, "AUTHENTICATE challenge is not base64");
        rc = imap_send_line(s, "*", 1, false); /* cancel; the server answers BAD */
    } else if (rc == 0) {
        rc = imap_send_line(s, resp.data ? resp.data : "", resp.len, true);
    }
    envoi_buf_wipe_free(&resp);
    return rc;
}

static int authenticate(envoi_imap *s, const char *mech)
{
    envoi_sasl_creds creds = {s->ep.user, s->ep.token ? NULL : s->ep.password, s->ep.token,
                              s->ep.host, s->ep.port ? s->ep.port : 143};
    envoi_sasl *sasl = NULL;
    int rc = envoi_sasl_new(&sasl, mech, &creds);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "cannot start %s", mech);
    envoi_buf initial = ENVOI_BUF_INIT;
    bool has = false;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_addf(&c, "AUTHENTICATE %s", envoi_sasl_name(sasl));
    if ((rc = envoi_sasl_initial(sasl, &initial, &has)) == 0 && has && imap_has_cap(s, "SASL-IR")) {
        imap_cmd_add(&c, " ");
        imap_cmd_secret(&c, initial.len ? initial.data : "=", initial.len ? initial.len : 1);
        envoi_buf_wipe_free(&initial);
    }
    unsigned tag = 0;
    if (rc < 0)
        envoi_err_set(&s->err, rc, "cannot start %s", mech);
    else
        rc = imap_send(s, &c, &tag);
    imap_cmd_free(&c);
    for (unsigned rounds = 0; rc == 0; rounds++) {
        imap_response cont;
        rc = imap_wait_cont(s, tag, &cont);
        if (rc <= 0)
            break;
        if (rounds == MAX_SASL_ROUNDS) { /* a server that never ends the exchange */
            imap_response_free(&cont);
            rc = envoi_err_set(&s->err, ENVOI_EPROTOCOL, "AUTHENTICATE never ends");
            imap_close(s);
            break;
        }
        rc = answer(s, sasl, &cont, &initial);
        imap_response_free(&cont);
    }
    envoi_buf_wipe_free(&initial);
    envoi_sasl_free(sasl);
    if (rc == 0) {
        rc = imap_wait(s, tag, NULL, NULL);
        if (rc == ENVOI_EPERMFAIL || rc == ENVOI_EPROTOCOL)
            s->err.code = rc = ENVOI_EAUTH;
    }
    return rc;
}

static int log_in(envoi_imap *s)
{
    if (!envoi_conn_is_tls(s->conn) && !s->ep.allow_plain_auth)
        return envoi_err_set(&s->err, ENVOI_EAUTHPLAIN,
                             "refusing to send the login over an unencrypted connection "
                             "(use TLS or STARTTLS, or allow plain-text authentication)");
    bool pw = s->ep.password != NULL, tok = s->ep.token != NULL;
    bool cmd_ok = pw && !imap_has_cap(s, "LOGINDISABLED");
    const char *forced = s->ep.mech;
    envoi_buf offered = ENVOI_BUF_INIT;
    offered_mechs(s, &offered);
    const char *mech = NULL;
    if (!(forced && !strcasecmp(forced, "LOGIN-COMMAND")))
        mech = envoi_sasl_choose(offered.data, forced, pw, tok);
    int rc;
    if (mech) {
        snprintf(s->method, sizeof s->method, "%s", mech);
        rc = authenticate(s, mech);
        /* A token from the provider may have been revoked: one more try with a new one. */
        int again = rc == ENVOI_EAUTH && s->conn ? proto_endpoint_retry_token(&s->ep, &s->err) : 0;
        if (again > 0)
            rc = authenticate(s, mech);
        else if (again < 0)
            rc = again;
    } else if (cmd_ok && (!forced || !strcasecmp(forced, "LOGIN-COMMAND"))) {
        snprintf(s->method, sizeof s->method, "LOGIN-COMMAND");
        rc = login_command(s);
    } else {
        rc = envoi_err_set(&s->err, ENVOI_ENOMECH,
                           "no usable login method%s%s (the server offers: %s%s)",
                           forced ? " for " : "", forced ? forced : "", offered.data,
                           imap_has_cap(s, "LOGINDISABLED") ? "" : "LOGIN-COMMAND");
    }
    envoi_buf_free(&offered);
    return rc;
}

static int send_id(envoi_imap *s)
{
    if (!s->id_name || !imap_has_cap(s, "ID"))
        return 0;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, "ID (\"name\" ");
    imap_cmd_string(&c, s->id_name, strlen(s->id_name), false);
    if (s->id_version) {
        imap_cmd_add(&c, " \"version\" ");
        imap_cmd_string(&c, s->id_version, strlen(s->id_version), false);
    }
    imap_cmd_add(&c, ")");
    int rc = imap_run(s, &c, NULL, NULL);
    imap_cmd_free(&c);
    return rc == ENVOI_EPERMFAIL || rc == ENVOI_EPROTOCOL ? 0 : rc; /* ID is only a courtesy */
}

static int greeting(envoi_imap *s, bool *preauth)
{
    imap_response r;
    int rc = imap_read_response(s, &r);
    if (rc < 0)
        return rc;
    envoi_buf_clear(&s->greeting);
    envoi_buf_append_str(&s->greeting, r.text ? r.text : "");
    if (r.kind != IMAP_RESP_UNTAGGED ||
        (r.status != IMAP_STATUS_OK && r.status != IMAP_STATUS_PREAUTH &&
         r.status != IMAP_STATUS_BYE))
        rc = envoi_err_set(&s->err, ENVOI_EPROTOCOL, "the server's greeting is not IMAP");
    else if (r.status == IMAP_STATUS_BYE)
        rc = envoi_err_reply(&s->err, ENVOI_ETEMPFAIL, 0, r.code,
                             s->bye_text.data ? s->bye_text.data : "");
    *preauth = r.status == IMAP_STATUS_PREAUTH;
    if (rc == ENVOI_ETEMPFAIL) {
        char text[900];
        memcpy(text, s->err.text, sizeof text - 1);
        text[sizeof text - 1] = '\0';
        snprintf(s->err.text, sizeof s->err.text, "the server refused the connection: %s", text);
    }
    imap_response_free(&r);
    return rc;
}

static int open_session(envoi_imap *s)
{
    unsigned port = s->ep.security == ENVOI_SECURITY_TLS ? 993 : 143;
    int rc = proto_endpoint_open(&s->ep, port, &s->conn, &s->err);
    if (rc < 0)
        return rc;
    s->state = IMAP_NOT_AUTHENTICATED;
    s->bye = false;
    s->method[0] = '\0';
    envoi_buf_clear(&s->caps);
    free(s->ns_prefix); /* asked again of this server when needed */
    s->ns_prefix = NULL;
    bool preauth = false;
    if ((rc = greeting(s, &preauth)) < 0)
        return fail(s, rc);
    bool want_tls = s->ep.security == ENVOI_SECURITY_STARTTLS;
    if (preauth && want_tls && !envoi_conn_is_tls(s->conn))
        return fail(s, envoi_err_set(&s->err, ENVOI_ENOTLS,
                                     "STARTTLS is required but the server logged in at once "
                                     "(PREAUTH) over plain text"));
    if (!s->caps.len && (rc = ask_capabilities(s)) < 0)
        return fail(s, rc);
    if (!preauth && want_tls && !envoi_conn_is_tls(s->conn) && (rc = start_tls(s)) < 0)
        return fail(s, rc);
    if (preauth) {
        snprintf(s->method, sizeof s->method, "PREAUTH");
    } else {
        s->caps_fresh = false; /* the login's answer may list them anew */
        if ((rc = log_in(s)) < 0)
            return fail(s, rc);
        if (!s->caps_fresh && (rc = ask_capabilities(s)) < 0)
            return fail(s, rc);
    }
    if ((rc = send_id(s)) < 0)
        return fail(s, rc);
    s->state = IMAP_AUTHENTICATED;
    return 0;
}

int imap_ready(envoi_imap *s)
{
    if (s->state >= IMAP_AUTHENTICATED)
        return 0;
    if (s->state != IMAP_DISCONNECTED)
        return envoi_err_set(&s->err, ENVOI_ESTATE, "the session is busy");
    if (!s->ep.host)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no server set");
    int rc = proto_endpoint_fetch_token(&s->ep, &s->err);
    if (rc < 0)
        return rc;
    if (!s->ep.user || (!s->ep.password && !s->ep.token))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no user and password (or token) set");
    envoi_err_clear(&s->err);
    return open_session(s);
}
