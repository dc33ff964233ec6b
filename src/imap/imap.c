/* The public IMAP session API: creating and freeing a session, its
 * settings, what the server announced, NOOP and LOGOUT. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/session.h"
#include "proto/sasl.h"
#include "util/err.h"

enum {
    DEFAULT_CONNECT_MS = 30 * 1000,
    DEFAULT_IO_MS = 2 * 60 * 1000,
    DEFAULT_DEPTH = 8,
    MAX_DEPTH = 32,
};

envoi_imap *envoi_imap_new(void)
{
    envoi_imap *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    proto_endpoint_init(&s->ep, DEFAULT_CONNECT_MS, DEFAULT_IO_MS);
    s->depth = DEFAULT_DEPTH;
    s->max_literal = 64ull << 20;
    return s;
}

void envoi_imap_free(envoi_imap *s)
{
    if (!s)
        return;
    imap_close(s);
    imap_folders_free(s);
    imap_entries_free(s);
    proto_endpoint_free(&s->ep);
    free(s->id_name);
    free(s->id_version);
    free(s->mbox_name);
    free(s->ns_prefix);
    envoi_buf_free(&s->caps);
    envoi_buf_free(&s->greeting);
    envoi_buf_free(&s->last);
    envoi_buf_free(&s->alerts);
    envoi_buf_free(&s->bye_text);
    envoi_buf_wipe_free(&s->resp);
    envoi_buf_wipe_free(&s->trace);
    free(s);
}

int envoi_imap_set_server(envoi_imap *s, const char *host, unsigned port)
{
    return proto_endpoint_set_server(&s->ep, host, port, &s->err);
}

int envoi_imap_set_security(envoi_imap *s, envoi_security security)
{
    return proto_endpoint_set_security(&s->ep, security, &s->err);
}

int envoi_imap_set_login(envoi_imap *s, const char *user, const char *password)
{
    if (!user || !*user || !password)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid user or password");
    return proto_endpoint_set_login(&s->ep, user, password, false, &s->err);
}

int envoi_imap_set_oauth_token(envoi_imap *s, const char *user, const char *token)
{
    if (!user || !*user || !token || !*token)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid user or token");
    return proto_endpoint_set_login(&s->ep, user, token, true, &s->err);
}

int envoi_imap_set_oauth(envoi_imap *s, const char *user, envoi_oauth *o)
{
    return proto_endpoint_set_oauth(&s->ep, user, o, &s->err);
}

int envoi_imap_set_auth_mechanism(envoi_imap *s, const char *mechanism)
{
    if (mechanism && strcasecmp(mechanism, "LOGIN-COMMAND") && !envoi_sasl_known(mechanism))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "unknown authentication mechanism");
    return proto_set_string(&s->ep.mech, mechanism, false, &s->err);
}

int envoi_imap_set_allow_plaintext_auth(envoi_imap *s, bool allow)
{
    s->ep.allow_plain_auth = allow;
    return 0;
}

int envoi_imap_set_ca_file(envoi_imap *s, const char *path)
{
    return proto_set_string(&s->ep.ca_file, path, false, &s->err);
}

int envoi_imap_set_crl_file(envoi_imap *s, const char *path)
{
    return proto_set_string(&s->ep.crl_file, path, false, &s->err);
}

int envoi_imap_set_ignore_cert(envoi_imap *s, int flags)
{
    s->ep.ignore_cert = flags;
    return 0;
}

int envoi_imap_set_connect_timeout(envoi_imap *s, int ms)
{
    return proto_endpoint_set_connect_timeout(&s->ep, ms, &s->err);
}

int envoi_imap_set_timeout(envoi_imap *s, int ms)
{
    return proto_endpoint_set_timeout(&s->ep, s->conn, ms, &s->err);
}

int envoi_imap_set_pipeline_depth(envoi_imap *s, unsigned depth)
{
    if (depth == 0 || depth > MAX_DEPTH)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "pipeline depth must be 1 to %d", MAX_DEPTH);
    s->depth = depth;
    return 0;
}

int envoi_imap_set_max_literal(envoi_imap *s, uint64_t bytes)
{
    if (bytes == 0)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "the literal limit must be positive");
    s->max_literal = bytes;
    return 0;
}

int envoi_imap_set_trace(envoi_imap *s, void (*trace)(void *ctx, bool sent, const char *line),
                         void *ctx)
{
    s->trace_fn = trace;
    s->trace_ctx = ctx;
    return 0;
}

int envoi_imap_set_client_id(envoi_imap *s, const char *name, const char *version)
{
    int rc = proto_set_string(&s->id_name, name, false, &s->err);
    return rc < 0 ? rc : proto_set_string(&s->id_version, version, false, &s->err);
}

int envoi_imap_connect(envoi_imap *s)
{
    return imap_ready(s);
}

const char *envoi_imap_capabilities(const envoi_imap *s)
{
    return s->caps.len > 1 ? s->caps.data + 1 : "";
}

bool envoi_imap_has_capability(const envoi_imap *s, const char *cap)
{
    return cap && *cap && !strchr(cap, ' ') && imap_has_cap(s, cap);
}

const char *envoi_imap_auth_method(const envoi_imap *s)
{
    return s->method;
}

const char *envoi_imap_greeting(const envoi_imap *s)
{
    return s->greeting.data ? s->greeting.data : "";
}

bool envoi_imap_is_encrypted(const envoi_imap *s)
{
    return s->conn && envoi_conn_is_tls(s->conn);
}

const char *envoi_imap_last_reply(const envoi_imap *s)
{
    return s->last.data ? s->last.data : "";
}

const char *envoi_imap_alerts(const envoi_imap *s)
{
    return s->alerts.data ? s->alerts.data : "";
}

const envoi_error *envoi_imap_error(const envoi_imap *s)
{
    return &s->err;
}

int envoi_imap_noop(envoi_imap *s)
{
    int rc = imap_ready(s);
    return rc < 0 ? rc : imap_simple(s, "NOOP", NULL, NULL);
}

int envoi_imap_logout(envoi_imap *s)
{
    if (s->state == IMAP_DISCONNECTED)
        return 0;
    int rc = imap_simple(s, "LOGOUT", NULL, NULL);
    if (rc == ENVOI_ECLOSED && s->bye) /* BYE then the close, without the tagged OK */
        rc = 0;
    imap_close(s);
    return rc;
}
