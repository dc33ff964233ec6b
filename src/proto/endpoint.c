/* The connection settings every mail protocol session holds, and opening
 * the connection they describe. */
#include "proto/endpoint.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/secret.h"

void proto_endpoint_init(proto_endpoint *e, int connect_ms, int io_ms)
{
    memset(e, 0, sizeof *e);
    e->connect_ms = connect_ms;
    e->io_ms = io_ms;
}

void proto_endpoint_free(proto_endpoint *e)
{
    free(e->host);
    free(e->user);
    envoi_secret_free(e->password);
    envoi_secret_free(e->token);
    free(e->mech);
    free(e->ca_file);
    free(e->crl_file);
    int connect_ms = e->connect_ms, io_ms = e->io_ms;
    proto_endpoint_init(e, connect_ms, io_ms);
}

int proto_set_string(char **dst, const char *src, bool secret, envoi_error *err)
{
    char *copy = NULL;
    if (src && !(copy = strdup(src)))
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (secret)
        envoi_secret_free(*dst);
    else
        free(*dst);
    *dst = copy;
    return 0;
}

bool proto_has_line_break(const char *p)
{
    return p && p[strcspn(p, "\r\n")] != '\0';
}

int proto_endpoint_set_server(proto_endpoint *e, const char *host, unsigned port, envoi_error *err)
{
    if (!host || !*host || proto_has_line_break(host) || port > 65535)
        return envoi_err_set(err, ENVOI_EINVAL, "invalid server");
    e->port = port;
    return proto_set_string(&e->host, host, false, err);
}

int proto_endpoint_set_security(proto_endpoint *e, envoi_security security, envoi_error *err)
{
    if (security != ENVOI_SECURITY_NONE && security != ENVOI_SECURITY_STARTTLS &&
        security != ENVOI_SECURITY_TLS)
        return envoi_err_set(err, ENVOI_EINVAL, "invalid security setting");
    e->security = security;
    return 0;
}

int proto_endpoint_set_login(proto_endpoint *e, const char *user, const char *secret, bool is_token,
                             envoi_error *err)
{
    if (proto_has_line_break(user) || proto_has_line_break(secret))
        return envoi_err_set(err, ENVOI_EINVAL, "invalid user or password");
    int rc = proto_set_string(&e->user, user, false, err);
    e->oauth = NULL;
    if (rc == 0)
        rc = proto_set_string(is_token ? &e->token : &e->password, secret, true, err);
    if (rc == 0)
        rc = proto_set_string(is_token ? &e->password : &e->token, NULL, true, err);
    return rc;
}

int proto_endpoint_set_oauth(proto_endpoint *e, const char *user, envoi_oauth *o, envoi_error *err)
{
    if (!user || !*user || !o || proto_has_line_break(user))
        return envoi_err_set(err, ENVOI_EINVAL, "invalid user or OAuth provider");
    int rc = proto_endpoint_set_login(e, user, NULL, true, err);
    if (rc == 0)
        e->oauth = o;
    return rc;
}

int proto_endpoint_fetch_token(proto_endpoint *e, envoi_error *err)
{
    if (!e->oauth)
        return 0;
    e->oauth_retried = false;
    char *token = NULL;
    int rc = envoi_oauth_token(e->oauth, &token, NULL, err);
    if (rc < 0)
        return rc;
    envoi_secret_free(e->token);
    e->token = token;
    return 0;
}

int proto_endpoint_retry_token(proto_endpoint *e, envoi_error *err)
{
    if (!e->oauth || e->oauth_retried || !e->token)
        return 0;
    envoi_oauth_invalidate(e->oauth, e->token);
    char *token = NULL;
    envoi_error why;
    int rc = envoi_oauth_token(e->oauth, &token, NULL, &why);
    if (rc < 0) {
        *err = why;
        return rc;
    }
    e->oauth_retried = true;
    envoi_secret_free(e->token);
    e->token = token;
    return 1;
}

int proto_endpoint_set_connect_timeout(proto_endpoint *e, int ms, envoi_error *err)
{
    if (ms <= 0)
        return envoi_err_set(err, ENVOI_EINVAL, "timeout must be positive");
    e->connect_ms = ms;
    return 0;
}

int proto_endpoint_set_timeout(proto_endpoint *e, envoi_conn *conn, int ms, envoi_error *err)
{
    if (ms <= 0)
        return envoi_err_set(err, ENVOI_EINVAL, "timeout must be positive");
    e->io_ms = ms;
    if (conn)
        envoi_conn_set_timeout(conn, ms);
    return 0;
}

int proto_endpoint_start_tls(const proto_endpoint *e, envoi_conn *conn, envoi_error *err)
{
    envoi_tls_config cfg = {e->ca_file, e->crl_file, e->ignore_cert};
    return envoi_conn_start_tls(conn, &cfg, err);
}

int proto_endpoint_open(const proto_endpoint *e, unsigned default_port, envoi_conn **out,
                        envoi_error *err)
{
    *out = NULL;
    if (!e->host)
        return envoi_err_set(err, ENVOI_EINVAL, "no server set");
    envoi_conn *conn = NULL;
    int rc = envoi_conn_open(&conn, e->host, e->port ? e->port : default_port, e->connect_ms,
                             e->io_ms, err);
    if (rc < 0)
        return rc;
    if (e->security == ENVOI_SECURITY_TLS && (rc = proto_endpoint_start_tls(e, conn, err)) < 0) {
        envoi_conn_close(conn);
        return rc;
    }
    *out = conn;
    return 0;
}
