/* The public SMTP session API: settings, connecting, sending, results. The
 * conversation itself is the state machine in client.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtp/session.h"
#include "util/err.h"
#include "util/secret.h"

enum {
    DEFAULT_CONNECT_MS = 30 * 1000,
    DEFAULT_IO_MS = 10 * 60 * 1000,
};

envoi_smtp *envoi_smtp_new(void)
{
    envoi_smtp *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    proto_endpoint_init(&s->ep, DEFAULT_CONNECT_MS, DEFAULT_IO_MS);
    envoi_pp_init(&s->pp, &s->err);
    return s;
}

void envoi_smtp_free(envoi_smtp *s)
{
    if (!s)
        return;
    smtp_close(s, false);
    smtp_txn_clear(s);
    proto_endpoint_free(&s->ep);
    free(s->helo);
    free(s->dsn_envid);
    envoi_pp_free(&s->pp);
    envoi_smtp_caps_free(&s->caps);
    envoi_smtp_reply_free(&s->reply);
    envoi_buf_free(&s->t.from_wire);
    envoi_buf_free(&s->out);
    envoi_buf_free(&s->last_reply);
    envoi_buf_free(&s->ehlo_text);
    free(s);
}

static int set_string(envoi_smtp *s, char **dst, const char *src)
{
    return proto_set_string(dst, src, false, &s->err);
}

int envoi_smtp_set_server(envoi_smtp *s, const char *host, unsigned port)
{
    return proto_endpoint_set_server(&s->ep, host, port, &s->err);
}

int envoi_smtp_set_security(envoi_smtp *s, envoi_security security)
{
    return proto_endpoint_set_security(&s->ep, security, &s->err);
}

int envoi_smtp_set_login(envoi_smtp *s, const char *user, const char *password)
{
    return proto_endpoint_set_login(&s->ep, user, password, false, &s->err);
}

int envoi_smtp_set_oauth_token(envoi_smtp *s, const char *user, const char *token)
{
    return proto_endpoint_set_login(&s->ep, user, token, true, &s->err);
}

int envoi_smtp_set_oauth(envoi_smtp *s, const char *user, envoi_oauth *o)
{
    return proto_endpoint_set_oauth(&s->ep, user, o, &s->err);
}

int envoi_smtp_set_auth_mechanism(envoi_smtp *s, const char *mechanism)
{
    if (mechanism && !envoi_sasl_known(mechanism))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "unknown authentication mechanism");
    return set_string(s, &s->ep.mech, mechanism);
}

int envoi_smtp_set_allow_plaintext_auth(envoi_smtp *s, bool allow)
{
    s->ep.allow_plain_auth = allow;
    return 0;
}

int envoi_smtp_set_ca_file(envoi_smtp *s, const char *path)
{
    return set_string(s, &s->ep.ca_file, path);
}

int envoi_smtp_set_crl_file(envoi_smtp *s, const char *path)
{
    return set_string(s, &s->ep.crl_file, path);
}

int envoi_smtp_set_ignore_cert(envoi_smtp *s, int flags)
{
    s->ep.ignore_cert = flags;
    return 0;
}

int envoi_smtp_set_connect_timeout(envoi_smtp *s, int ms)
{
    return proto_endpoint_set_connect_timeout(&s->ep, ms, &s->err);
}

int envoi_smtp_set_timeout(envoi_smtp *s, int ms)
{
    return proto_endpoint_set_timeout(&s->ep, s->conn, ms, &s->err);
}

int envoi_smtp_set_helo_name(envoi_smtp *s, const char *name)
{
    if (name && (!*name || strcspn(name, " \t\r\n") != strlen(name)))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid HELO name");
    return set_string(s, &s->helo, name);
}

int envoi_smtp_set_partial_send(envoi_smtp *s, bool partial)
{
    s->partial = partial;
    return 0;
}

int envoi_smtp_set_dsn(envoi_smtp *s, int notify, envoi_dsn_ret ret, const char *envid)
{
    if ((notify & ENVOI_DSN_NEVER) && (notify & ~ENVOI_DSN_NEVER))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "DSN NEVER excludes the other conditions");
    if (ret != ENVOI_DSN_RET_DEFAULT && ret != ENVOI_DSN_RET_FULL && ret != ENVOI_DSN_RET_HDRS)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid DSN RET");
    s->dsn_notify = notify;
    s->dsn_ret = ret;
    return set_string(s, &s->dsn_envid, envid);
}

int envoi_smtp_set_trace(envoi_smtp *s, void (*trace)(void *ctx, bool sent, const char *line),
                         void *ctx)
{
    s->trace = trace;
    s->trace_ctx = ctx;
    s->pp.trace = trace;
    s->pp.trace_ctx = ctx;
    return 0;
}

/* This host's name for EHLO; "localhost" when it has none usable. */
static int default_helo(envoi_smtp *s)
{
    char name[256] = "";
    if (gethostname(name, sizeof name - 1) < 0 || !name[0] ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
            strlen(name))
        snprintf(name, sizeof name, "localhost");
    return set_string(s, &s->helo, name);
}

static unsigned default_port(const envoi_smtp *s)
{
    if (s->ep.port)
        return s->ep.port;
    if (s->ep.security == ENVOI_SECURITY_TLS)
        return 465;
    if (s->ep.security == ENVOI_SECURITY_STARTTLS && s->ep.user)
        return 587;
    return 25;
}

int envoi_smtp_connect(envoi_smtp *s)
{
    if (s->state != SMTP_DISCONNECTED)
        return 0;
    envoi_err_clear(&s->err);
    if (!s->ep.host)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no server set");
    if (!s->helo && default_helo(s) < 0)
        return ENVOI_ENOMEM;
    int rc = proto_endpoint_fetch_token(&s->ep, &s->err);
    if (rc < 0)
        return rc;
    rc = proto_endpoint_open(&s->ep, default_port(s), &s->conn, &s->err);
    if (rc < 0)
        return rc;
    s->pp.conn = s->conn;
    envoi_smtp_caps_reset(&s->caps);
    rc = smtp_enter(s, SMTP_GREETING);
    return rc < 0 ? rc : smtp_run(s, SMTP_READY);
}

int envoi_smtp_extensions(const envoi_smtp *s)
{
    return s->caps.ext;
}

unsigned long envoi_smtp_size_limit(const envoi_smtp *s)
{
    return s->caps.size;
}

const char *envoi_smtp_auth_mechanisms(const envoi_smtp *s)
{
    return s->caps.auth.data ? s->caps.auth.data : "";
}

const char *envoi_smtp_ehlo_lines(const envoi_smtp *s)
{
    return s->caps.lines.data ? s->caps.lines.data : "";
}

bool envoi_smtp_is_encrypted(const envoi_smtp *s)
{
    return s->conn && envoi_conn_is_tls(s->conn);
}

bool envoi_smtp_is_connected(const envoi_smtp *s)
{
    return s->state != SMTP_DISCONNECTED;
}

/* One message: connect when needed, envelope, body; the connection stays
 * open for the next message unless it failed. */
static int send_body(envoi_smtp *s, smtp_body *body, const char *from, const char *const *rcpts,
                     size_t nrcpts)
{
    smtp_txn_clear(s);
    envoi_buf_clear(&s->last_reply);
    s->last_id[0] = '\0';
    if (s->submit)
        return smtp_async_send(s, body, from, rcpts, nrcpts);
    int rc = envoi_smtp_connect(s);
    if (rc == 0) {
        envoi_err_clear(&s->err);
        rc = smtp_body_prepare(s, body);
    }
    if (rc == 0)
        rc = smtp_txn_begin(s, body, from, rcpts, nrcpts);
    if (rc == 0)
        rc = smtp_enter(s, SMTP_MAIL);
    if (rc < 0 && s->state == SMTP_MAIL)
        smtp_close(s, false);
    else if (rc == 0)
        rc = smtp_run(s, SMTP_READY);
    /* A refused transaction is reported even when the connection then
     * failed (RSET refused): that is what the caller needs to know. */
    if (s->t.txn_rc) {
        rc = s->t.txn_rc;
        s->err = s->t.txn_err;
    }
    smtp_txn_end(s, rc);
    smtp_body_release(body);
    return rc;
}

int envoi_smtp_send(envoi_smtp *s, envoi_message *msg)
{
    if (!msg)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no message");
    size_t n = envoi_message_recipient_count(msg);
    const char **rcpts = calloc(n ? n : 1, sizeof *rcpts);
    if (!rcpts)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        rcpts[i] = envoi_message_recipient(msg, i);
    const char *from = envoi_message_envelope_from(msg);
    int rc = from ? envoi_smtp_send_envelope(s, msg, from, rcpts, n)
                  : envoi_err_set(&s->err, ENVOI_EADDRESS, "the message has no From address");
    free(rcpts);
    return rc;
}

int envoi_smtp_send_envelope(envoi_smtp *s, envoi_message *msg, const char *from,
                             const char *const *rcpts, size_t nrcpts)
{
    if (!msg || !from || (nrcpts && !rcpts))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "missing message or envelope");
    smtp_body body = {.kind = SMTP_BODY_MSG, .msg = msg, .fd = -1};
    return send_body(s, &body, from, rcpts, nrcpts);
}

int envoi_smtp_send_file(envoi_smtp *s, const char *path, const char *from,
                         const char *const *rcpts, size_t nrcpts)
{
    if (!path || !from || (nrcpts && !rcpts))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "missing file or envelope");
    smtp_body body = {.kind = SMTP_BODY_FILE, .path = path, .fd = -1};
    return send_body(s, &body, from, rcpts, nrcpts);
}

int envoi_smtp_send_data(envoi_smtp *s, const void *data, size_t len, const char *from,
                         const char *const *rcpts, size_t nrcpts)
{
    if ((!data && len) || !from || (nrcpts && !rcpts))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "missing data or envelope");
    smtp_body body = {.kind = SMTP_BODY_MEM, .data = data ? data : "", .len = len, .fd = -1};
    return send_body(s, &body, from, rcpts, nrcpts);
}

const envoi_rcpt_status *envoi_smtp_recipients(const envoi_smtp *s, size_t *count)
{
    if (count)
        *count = s->t.status ? s->t.nrcpts : 0;
    return s->t.status;
}

const char *envoi_smtp_last_reply(const envoi_smtp *s)
{
    return s->last_reply.data ? s->last_reply.data : "";
}

int envoi_smtp_quit(envoi_smtp *s)
{
    if (s->state == SMTP_DISCONNECTED)
        return 0;
    if (s->state == SMTP_READY && smtp_enter(s, SMTP_QUIT) == 0) {
        envoi_error keep = s->err;
        smtp_run(s, SMTP_DISCONNECTED);
        s->err = keep; /* a server that hangs up without answering QUIT is fine */
    }
    smtp_close(s, false);
    return 0;
}

const envoi_error *envoi_smtp_error(const envoi_smtp *s)
{
    return &s->err;
}
