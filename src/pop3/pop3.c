/* The public POP3 session API: settings, what the server announced, and
 * the one-line commands. The authorization phase is in client.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pop3/session.h"
#include "util/err.h"
#include "util/secret.h"

enum {
    DEFAULT_CONNECT_MS = 30 * 1000,
    DEFAULT_IO_MS = 2 * 60 * 1000,
    DEFAULT_DEPTH = 16,
};

envoi_pop3 *envoi_pop3_new(void)
{
    envoi_pop3 *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    proto_endpoint_init(&s->ep, DEFAULT_CONNECT_MS, DEFAULT_IO_MS);
    s->depth = DEFAULT_DEPTH;
    envoi_pp_init(&s->pp, &s->err);
    return s;
}

void envoi_pop3_free(envoi_pop3 *s)
{
    if (!s)
        return;
    pop3_close(s, false);
    pop3_entries_free(s);
    pop3_seen_free(s);
    proto_endpoint_free(&s->ep);
    envoi_pp_free(&s->pp);
    pop3_caps_free(&s->caps);
    envoi_buf_free(&s->greeting);
    envoi_buf_free(&s->line);
    free(s);
}

/* Text that goes on a command line: no line break, no NUL, not empty. */
static bool is_word(const char *p)
{
    return p && *p && !proto_has_line_break(p);
}

int envoi_pop3_set_server(envoi_pop3 *s, const char *host, unsigned port)
{
    return proto_endpoint_set_server(&s->ep, host, port, &s->err);
}

int envoi_pop3_set_security(envoi_pop3 *s, envoi_security security)
{
    return proto_endpoint_set_security(&s->ep, security, &s->err);
}

/* USER and APOP put the name on a command line: one word. */
static int set_credentials(envoi_pop3 *s, const char *user, const char *secret, bool is_token)
{
    if (!is_word(user) || strchr(user, ' ') || (secret && !is_word(secret)))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid user or password");
    return proto_endpoint_set_login(&s->ep, user, secret, is_token, &s->err);
}

int envoi_pop3_set_login(envoi_pop3 *s, const char *user, const char *password)
{
    return set_credentials(s, user, password, false);
}

int envoi_pop3_set_oauth_token(envoi_pop3 *s, const char *user, const char *token)
{
    return set_credentials(s, user, token, true);
}

int envoi_pop3_set_oauth(envoi_pop3 *s, const char *user, envoi_oauth *o)
{
    if (!is_word(user) || strchr(user, ' '))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid user");
    return proto_endpoint_set_oauth(&s->ep, user, o, &s->err);
}

int envoi_pop3_set_auth_mechanism(envoi_pop3 *s, const char *mechanism)
{
    if (mechanism && strcasecmp(mechanism, "USER") && strcasecmp(mechanism, "APOP") &&
        !envoi_sasl_known(mechanism))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "unknown authentication mechanism");
    return proto_set_string(&s->ep.mech, mechanism, false, &s->err);
}

int envoi_pop3_set_allow_plaintext_auth(envoi_pop3 *s, bool allow)
{
    s->ep.allow_plain_auth = allow;
    return 0;
}

int envoi_pop3_set_ca_file(envoi_pop3 *s, const char *path)
{
    return proto_set_string(&s->ep.ca_file, path, false, &s->err);
}

int envoi_pop3_set_crl_file(envoi_pop3 *s, const char *path)
{
    return proto_set_string(&s->ep.crl_file, path, false, &s->err);
}

int envoi_pop3_set_ignore_cert(envoi_pop3 *s, int flags)
{
    s->ep.ignore_cert = flags;
    return 0;
}

int envoi_pop3_set_connect_timeout(envoi_pop3 *s, int ms)
{
    return proto_endpoint_set_connect_timeout(&s->ep, ms, &s->err);
}

int envoi_pop3_set_timeout(envoi_pop3 *s, int ms)
{
    return proto_endpoint_set_timeout(&s->ep, s->conn, ms, &s->err);
}

int envoi_pop3_set_pipeline_depth(envoi_pop3 *s, unsigned depth)
{
    if (depth == 0 || depth > 1024)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "pipeline depth must be 1 to 1024");
    s->depth = depth;
    return 0;
}

int envoi_pop3_set_trace(envoi_pop3 *s, void (*trace)(void *ctx, bool sent, const char *line),
                         void *ctx)
{
    s->pp.trace = trace;
    s->pp.trace_ctx = ctx;
    return 0;
}

int envoi_pop3_connect(envoi_pop3 *s)
{
    return pop3_ready(s);
}

int envoi_pop3_capabilities(const envoi_pop3 *s)
{
    return s->caps.flags;
}

const char *envoi_pop3_capa_lines(const envoi_pop3 *s)
{
    return s->caps.lines.data ? s->caps.lines.data : "";
}

const char *envoi_pop3_auth_mechanisms(const envoi_pop3 *s)
{
    return s->caps.sasl.data ? s->caps.sasl.data : "";
}

const char *envoi_pop3_auth_method(const envoi_pop3 *s)
{
    return s->method;
}

const char *envoi_pop3_greeting(const envoi_pop3 *s)
{
    return s->greeting.data ? s->greeting.data : "";
}

bool envoi_pop3_is_encrypted(const envoi_pop3 *s)
{
    return s->conn && envoi_conn_is_tls(s->conn);
}

const char *envoi_pop3_last_reply(const envoi_pop3 *s)
{
    return s->st.text && s->line.data ? s->st.text : "";
}

const envoi_error *envoi_pop3_error(const envoi_pop3 *s)
{
    return &s->err;
}

int envoi_pop3_delete(envoi_pop3 *s, unsigned number)
{
    if (number == 0)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "message numbers start at 1");
    char cmd[32];
    snprintf(cmd, sizeof cmd, "DELE %u", number);
    int rc = pop3_simple(s, cmd, "DELE refused");
    envoi_pop3_entry *e = rc == 0 ? pop3_entry(s, number) : NULL;
    if (e)
        e->deleted = true;
    return rc;
}

int envoi_pop3_reset(envoi_pop3 *s)
{
    int rc = pop3_simple(s, "RSET", "RSET refused");
    for (size_t i = 0; rc == 0 && i < s->nentries; i++)
        s->entries[i].deleted = false;
    return rc;
}

int envoi_pop3_noop(envoi_pop3 *s)
{
    return pop3_simple(s, "NOOP", "NOOP refused");
}

int envoi_pop3_quit(envoi_pop3 *s)
{
    int saved = envoi_pop3_save_seen(s);
    envoi_error keep = s->err;
    if (s->state != POP3_TRANSACTION) {
        pop3_close(s, false);
        return saved;
    }
    int rc = pop3_send(s, "QUIT", SIZE_MAX);
    if (rc == 0)
        rc = pop3_read_status(s);
    if (rc == 0 && !s->st.ok)
        rc = pop3_fail_status(s, ENVOI_EPERMFAIL,
                              "QUIT refused: messages marked for deletion may remain");
    else if (rc < 0) {
        char text[sizeof s->err.text];
        snprintf(text, sizeof text, "%s", s->err.text);
        envoi_err_set(&s->err, rc, "no reply to QUIT: messages marked for deletion may remain (%s)",
                      text);
    }
    pop3_close(s, false);
    pop3_entries_free(s);
    if (rc == 0 && saved < 0) {
        s->err = keep;
        return saved;
    }
    return rc;
}
