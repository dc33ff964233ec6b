/* Merging "envoi send" options over the config account, with defaults. */
#include "cli/send_plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/values.h"
#include "envoi/error.h"

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

static const char *pick(const char *flag, const char *configured)
{
    return flag ? flag : configured;
}

static int pick_int(int flag, int configured)
{
    return flag >= 0 ? flag : configured;
}

/* Host and port: the port from the config only goes with its server. */
static int choose_server(cli_send_plan *p, const cli_send_args *a, const envoi_account *acc)
{
    const char *spec = a->server ? a->server : acc->server;
    unsigned port = 0;
    if (spec) {
        int rc = envoi_value_hostport(spec, &p->host, &port);
        if (rc != 0)
            return rc == ENVOI_ENOMEM ? rc : CLI_USAGE; /* checked when parsed */
    }
    if (!a->server && acc->port)
        port = acc->port;
    if (a->port)
        port = a->port;
    p->port = port;
    return 0;
}

/* The secret: options first, then ENVOI_PASSWORD, then the account. */
static void choose_secret(cli_send_plan *p, const cli_send_args *a, const envoi_account *acc,
                          const char *env_password)
{
    if (a->password_file) {
        p->secret_kind = CLI_SECRET_FILE;
        p->secret_source = a->password_file;
    } else if (a->password_command) {
        p->secret_kind = CLI_SECRET_COMMAND;
        p->secret_source = a->password_command;
    } else if (a->oauth_token_command) {
        p->secret_kind = CLI_SECRET_OAUTH;
        p->secret_source = a->oauth_token_command;
    } else if (env_password) {
        p->secret_kind = CLI_SECRET_ENV;
        p->secret_source = env_password;
    } else if (acc->password_file) {
        p->secret_kind = CLI_SECRET_FILE;
        p->secret_source = acc->password_file;
    } else if (acc->password_command) {
        p->secret_kind = CLI_SECRET_COMMAND;
        p->secret_source = acc->password_command;
    } else if (acc->password_env) {
        p->secret_kind = CLI_SECRET_ENV_NAMED;
        p->secret_source = acc->password_env;
    } else if (acc->oauth_token_command) {
        p->secret_kind = CLI_SECRET_OAUTH;
        p->secret_source = acc->oauth_token_command;
    } else if (acc->oauth_token_endpoint) {
        p->oauth_refresh = true;
    }
}

static const cli_default_ports smtp_ports = {25, 587, 465};

static void apply_default_security(cli_send_plan *p, int chosen, const cli_default_ports *ports)
{
    bool login = p->user != NULL;
    if (chosen >= 0)
        p->security = (envoi_security)chosen;
    else if (p->port == ports->tls)
        p->security = ENVOI_SECURITY_TLS;
    else if (login)
        p->security = ENVOI_SECURITY_STARTTLS;
    else
        p->security = ENVOI_SECURITY_NONE;
    if (p->host && p->port == 0)
        p->port = p->security == ENVOI_SECURITY_TLS                 ? ports->tls
                  : p->security == ENVOI_SECURITY_STARTTLS && login ? ports->starttls
                                                                    : ports->plain;
}

static int make_label(cli_send_plan *p)
{
    if (!p->host)
        return 0;
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = strchr(p->host, ':') ? envoi_buf_printf(&b, "[%s]:%u", p->host, p->port)
                                  : envoi_buf_printf(&b, "%s:%u", p->host, p->port);
    if (rc < 0 || !(p->label = envoi_buf_steal(&b, NULL)))
        return ENVOI_ENOMEM;
    return 0;
}

static int check_login(const cli_send_plan *p, envoi_buf *why)
{
    if (p->user && p->secret_kind == CLI_SECRET_NONE && !p->oauth_refresh)
        return usage(why,
                     "--user %s needs a password: --password-file, --password-command "
                     "or the ENVOI_PASSWORD environment variable",
                     p->user);
    if (!p->user && p->secret_kind != CLI_SECRET_NONE && p->secret_kind != CLI_SECRET_ENV)
        return usage(why, "a password or token was given without --user");
    if (!p->user && p->oauth_refresh)
        return usage(why, "%s",
                     "the account's oauth-token-endpoint needs a user (--user or user =)");
    return 0;
}

static int check_message(const cli_send_plan *p, const cli_send_args *a, envoi_buf *why)
{
    if (!p->from)
        return usage(why, "no sender: give --from (or 'from' in the config account)");
    if (p->recipient_count == 0)
        return usage(why, "no recipient: give --to, --cc or --bcc");
    if (!p->host && !a->dry_run && !a->async)
        return usage(why, "no server: give --server (or --account with a config file)");
    return 0;
}

int cli_server_plan_make(cli_send_plan *p, const cli_send_args *a, const envoi_account *acc_in,
                         const char *env_password, const cli_default_ports *ports, envoi_buf *why)
{
    memset(p, 0, sizeof *p);
    envoi_account none = {
        .security = -1, .ignore_cert = -1, .timeout_ms = -1, .connect_timeout_ms = -1};
    const envoi_account *acc = acc_in ? acc_in : &none;
    int rc = choose_server(p, a, acc);
    if (rc != 0)
        return rc == CLI_USAGE ? usage(why, "bad server") : rc;
    p->user = pick(a->user, acc->user);
    choose_secret(p, a, acc, env_password);
    /* ENVOI_PASSWORD alone, without a user, is not a login. */
    if (!p->user && p->secret_kind == CLI_SECRET_ENV)
        p->secret_kind = CLI_SECRET_NONE;
    apply_default_security(p, pick_int(a->security, acc->security), ports);
    p->auth = pick(a->auth, acc->auth);
    p->ca_file = pick(a->ca_file, acc->ca_file);
    p->crl_file = pick(a->crl_file, acc->crl_file);
    p->ignore_cert = pick_int(a->ignore_cert, acc->ignore_cert);
    if (p->ignore_cert < 0)
        p->ignore_cert = 0;
    p->timeout_ms = pick_int(a->timeout_ms, acc->timeout_ms);
    p->connect_timeout_ms = pick_int(a->connect_timeout_ms, acc->connect_timeout_ms);
    p->helo = pick(a->helo, acc->helo);
    p->from = pick(a->from, acc->from);
    p->recipient_count = a->to.count + a->cc.count + a->bcc.count;
    if ((rc = make_label(p)) < 0)
        return rc;
    return check_login(p, why);
}

int cli_send_plan_make(cli_send_plan *p, const cli_send_args *a, const envoi_account *acc,
                       const char *env_password, envoi_buf *why)
{
    int rc = cli_server_plan_make(p, a, acc, env_password, &smtp_ports, why);
    return rc != 0 ? rc : check_message(p, a, why);
}

void cli_send_plan_free(cli_send_plan *p)
{
    free(p->host);
    free(p->label);
    p->host = p->label = NULL;
}
