/* Opening the POP3 or IMAP session of "envoi list" / "envoi fetch" from the options
 * and the config account, and reporting its failures. */
#include "cli/mail_session.h"

#include <stdlib.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/oauth_account.h"
#include "cli/report.h"
#include "cli/secret_source.h"
#include "util/err.h"

static const cli_default_ports pop3_ports = {110, 110, 995};
static const cli_default_ports imap_ports = {143, 143, 993};

static int usage_error(cli_mail_session *m, const char *why)
{
    cli_report(m->errout, m->command, "%s", why);
    cli_help_hint(m->errout, m->command);
    return EX_USAGE;
}

int cli_mail_session_fail(cli_mail_session *m)
{
    envoi_buf line = ENVOI_BUF_INIT;
    const char *server = m->pop3 || m->imap ? m->plan.label : NULL;
    if (cli_describe_error(&line, &m->err, server) < 0)
        envoi_buf_clear(&line);
    cli_report(m->errout, m->command, "%s", line.data ? line.data : envoi_strerror(m->err.code));
    envoi_buf_free(&line);
    return cli_exit_for_error(&m->err);
}

int cli_mail_session_fail_pop3(cli_mail_session *m)
{
    m->err = *envoi_pop3_error(m->pop3);
    return cli_mail_session_fail(m);
}

int cli_mail_session_fail_imap(cli_mail_session *m)
{
    m->err = *envoi_imap_error(m->imap);
    return cli_mail_session_fail(m);
}

static int load_config(cli_mail_session *m, const cli_mail_args *a)
{
    envoi_buf found = ENVOI_BUF_INIT;
    const char *path = a->server.config;
    if (!path) {
        int rc = envoi_config_default_path(&found);
        if (rc < 0) {
            envoi_buf_free(&found);
            envoi_err_set(&m->err, rc, "out of memory");
            return cli_mail_session_fail(m);
        }
        path = rc == 1 ? found.data : NULL;
    }
    if (!path) {
        envoi_buf_free(&found);
        if (!a->server.account)
            return 0;
        envoi_err_set(&m->err, ENVOI_ECONFIG,
                      "--account %s: no config file ($XDG_CONFIG_HOME/envoi/config, "
                      "~/.config/envoi/config or /etc/envoi/config)",
                      a->server.account);
        return cli_mail_session_fail(m);
    }
    int rc = envoi_config_load(&m->cfg, path, &m->err);
    envoi_buf_free(&found);
    if (rc == ENVOI_EFILE)
        m->err.code = ENVOI_ECONFIG;
    if (rc < 0)
        return cli_mail_session_fail(m);
    const envoi_config_section *section;
    if (envoi_account_select(m->cfg, a->server.account, &section, &m->err) < 0)
        return cli_mail_session_fail(m);
    if (section) {
        if (envoi_account_read(m->cfg, section, &m->acc, &m->err) < 0)
            return cli_mail_session_fail(m);
        m->have_account = true;
    }
    return 0;
}

static int make_plan(cli_mail_session *m, const cli_mail_args *a)
{
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_server_plan_make(&m->plan, &a->server, m->have_account ? &m->acc : NULL,
                                  getenv("ENVOI_PASSWORD"),
                                  m->imap_wanted ? &imap_ports : &pop3_ports, &why);
    if (rc == 0 && !m->plan.host)
        rc = envoi_buf_append_str(&why, "no server: give --server (or --account with a "
                                        "config file)") < 0
                 ? ENVOI_ENOMEM
                 : CLI_USAGE;
    int status = 0;
    if (rc == CLI_USAGE)
        status = usage_error(m, why.data ? why.data : "bad arguments");
    else if (rc < 0)
        status = EX_OSERR;
    envoi_buf_free(&why);
    return status;
}

static int hand_secret(cli_mail_session *m)
{
    const cli_send_plan *p = &m->plan;
    if (p->oauth_refresh && p->user) {
        int rc = cli_oauth_from_account(&m->acc, &m->oauth, &m->err);
        if (rc == 0)
            rc = m->imap ? envoi_imap_set_oauth(m->imap, p->user, m->oauth)
                         : envoi_pop3_set_oauth(m->pop3, p->user, m->oauth);
        if (rc < 0 && m->err.code != rc)
            envoi_err_set(&m->err, rc, "--user %s: %s", p->user, envoi_strerror(rc));
        return rc;
    }
    if (p->secret_kind == CLI_SECRET_NONE)
        return 0;
    envoi_buf secret = ENVOI_BUF_INIT;
    int rc = cli_secret_read(p->secret_kind, p->secret_source, &secret, &m->err);
    if (rc == 0) {
        bool oauth = p->secret_kind == CLI_SECRET_OAUTH;
        if (m->imap)
            rc = oauth ? envoi_imap_set_oauth_token(m->imap, p->user, secret.data)
                       : envoi_imap_set_login(m->imap, p->user, secret.data);
        else
            rc = oauth ? envoi_pop3_set_oauth_token(m->pop3, p->user, secret.data)
                       : envoi_pop3_set_login(m->pop3, p->user, secret.data);
        if (rc < 0)
            envoi_err_set(&m->err, rc, "--user %s: %s", p->user, envoi_strerror(rc));
    }
    envoi_buf_wipe_free(&secret);
    return rc;
}

static int check_setting(cli_mail_session *m, int rc, const char *option, const char *value)
{
    if (rc < 0)
        envoi_err_set(&m->err, rc, "%s %s: %s", option, value ? value : "", envoi_strerror(rc));
    return rc;
}

static int configure(cli_mail_session *m, const cli_mail_args *a)
{
    const cli_send_plan *p = &m->plan;
    envoi_pop3 *s = m->pop3;
    int connect_ms = p->connect_timeout_ms >= 0 ? p->connect_timeout_ms : p->timeout_ms;
    int rc = check_setting(m, envoi_pop3_set_server(s, p->host, p->port), "--server", p->label);
    if (rc == 0)
        rc = check_setting(m, envoi_pop3_set_security(s, p->security), "--security", NULL);
    if (rc == 0 && p->timeout_ms >= 0)
        rc = check_setting(m, envoi_pop3_set_timeout(s, p->timeout_ms), "--timeout", NULL);
    if (rc == 0 && connect_ms >= 0)
        rc = check_setting(m, envoi_pop3_set_connect_timeout(s, connect_ms), "--connect-timeout",
                           NULL);
    if (rc == 0 && p->ca_file)
        rc = check_setting(m, envoi_pop3_set_ca_file(s, p->ca_file), "--ca-file", p->ca_file);
    if (rc == 0 && p->crl_file)
        rc = check_setting(m, envoi_pop3_set_crl_file(s, p->crl_file), "--crl-file", p->crl_file);
    if (rc == 0 && p->ignore_cert)
        rc = check_setting(m, envoi_pop3_set_ignore_cert(s, p->ignore_cert), "--ignore-cert", NULL);
    if (rc == 0 && p->auth)
        rc = check_setting(m, envoi_pop3_set_auth_mechanism(s, p->auth), "--auth", p->auth);
    if (rc == 0 && a->server.allow_plaintext_auth)
        rc = check_setting(m, envoi_pop3_set_allow_plaintext_auth(s, true),
                           "--allow-plaintext-auth", NULL);
    if (rc == 0)
        rc = cli_trace_open(&m->trace, a->server.trace, a->verbose, m->errout, &m->err);
    if (rc == 0 && m->trace.out)
        rc =
            check_setting(m, envoi_pop3_set_trace(s, cli_trace_line, &m->trace), "--verbose", NULL);
    return rc;
}

static int configure_imap(cli_mail_session *m, const cli_mail_args *a)
{
    const cli_send_plan *p = &m->plan;
    envoi_imap *s = m->imap;
    int connect_ms = p->connect_timeout_ms >= 0 ? p->connect_timeout_ms : p->timeout_ms;
    int rc = check_setting(m, envoi_imap_set_server(s, p->host, p->port), "--server", p->label);
    if (rc == 0)
        rc = check_setting(m, envoi_imap_set_security(s, p->security), "--security", NULL);
    if (rc == 0 && p->timeout_ms >= 0)
        rc = check_setting(m, envoi_imap_set_timeout(s, p->timeout_ms), "--timeout", NULL);
    if (rc == 0 && connect_ms >= 0)
        rc = check_setting(m, envoi_imap_set_connect_timeout(s, connect_ms), "--connect-timeout",
                           NULL);
    if (rc == 0 && p->ca_file)
        rc = check_setting(m, envoi_imap_set_ca_file(s, p->ca_file), "--ca-file", p->ca_file);
    if (rc == 0 && p->crl_file)
        rc = check_setting(m, envoi_imap_set_crl_file(s, p->crl_file), "--crl-file", p->crl_file);
    if (rc == 0 && p->ignore_cert)
        rc = check_setting(m, envoi_imap_set_ignore_cert(s, p->ignore_cert), "--ignore-cert", NULL);
    if (rc == 0 && p->auth)
        rc = check_setting(m, envoi_imap_set_auth_mechanism(s, p->auth), "--auth", p->auth);
    if (rc == 0 && a->server.allow_plaintext_auth)
        rc = check_setting(m, envoi_imap_set_allow_plaintext_auth(s, true),
                           "--allow-plaintext-auth", NULL);
    if (rc == 0)
        rc = cli_trace_open(&m->trace, a->server.trace, a->verbose, m->errout, &m->err);
    if (rc == 0 && m->trace.out)
        rc =
            check_setting(m, envoi_imap_set_trace(s, cli_trace_line, &m->trace), "--verbose", NULL);
    return rc;
}

static void free_sessions(cli_mail_session *m)
{
    envoi_pop3_free(m->pop3);
    m->pop3 = NULL;
    envoi_imap_free(m->imap);
    m->imap = NULL;
}

int cli_mail_session_open(cli_mail_session *m, const cli_mail_args *a)
{
    m->imap_wanted = strcmp(a->protocol, "imap") == 0;
    int status = load_config(m, a);
    if (status == 0)
        status = make_plan(m, a);
    if (status != 0)
        return status;
    int rc;
    if (m->imap_wanted) {
        if (!(m->imap = envoi_imap_new()))
            return EX_OSERR;
        rc = configure_imap(m, a);
    } else {
        if (!(m->pop3 = envoi_pop3_new()))
            return EX_OSERR;
        rc = configure(m, a);
    }
    if (rc == ENVOI_EINVAL) {
        free_sessions(m);
        return usage_error(m, m->err.text);
    }
    if (rc == 0)
        rc = hand_secret(m);
    if (rc < 0) {
        free_sessions(m); /* not connected yet: name no server */
        return cli_mail_session_fail(m);
    }
    return 0;
}

int cli_mail_session_start(cli_mail_session *m, const cli_mail_args *a, int parse_rc,
                           const envoi_buf *why, void (*help)(FILE *out), FILE *out)
{
    if (a->help && parse_rc != ENVOI_ENOMEM) {
        help(out);
        return EX_OK;
    }
    if (parse_rc == CLI_USAGE)
        return usage_error(m, why->data ? why->data : "bad arguments");
    if (parse_rc < 0)
        return EX_OSERR;
    int status = cli_mail_session_open(m, a);
    return status == 0 ? CLI_SESSION_RUN : status;
}

const char *cli_mail_session_account(const cli_mail_session *m)
{
    return m->have_account ? m->acc.name : NULL;
}

void cli_mail_session_close(cli_mail_session *m)
{
    free_sessions(m);
    envoi_oauth_free(m->oauth);
    m->oauth = NULL;
    cli_trace_close(&m->trace);
    cli_send_plan_free(&m->plan);
    envoi_config_free(m->cfg);
    m->cfg = NULL;
}
