/* "envoi sendmail" handing its message on: through the account's SMTP
 * server with its login and TLS settings, or into the spool. */
#include "cli/sendmail_send.h"

#include <string.h>
#include <sysexits.h>

#include "cli/exit_codes.h"
#include "cli/oauth_account.h"
#include "cli/queue_target.h"
#include "cli/report.h"
#include "cli/secret_source.h"
#include "cli/send_plan.h"
#include "cli/send_sign.h"
#include "envoi/smtp.h"
#include "envoi/spool.h"
#include "util/err.h"

static const cli_default_ports smtp_ports = {25, 587, 465};

static void trace_line(void *ctx, bool sent, const char *line)
{
    size_t len = strcspn(line, "\r\n");
    fprintf(ctx, "%s %.*s\n", sent ? ">" : "<", (int)len, line);
}

/* Read the password or token, hand it to the session, wipe it. */
static int hand_secret(envoi_smtp *s, const cli_send_plan *p, envoi_error *err)
{
    if (p->secret_kind == CLI_SECRET_NONE)
        return 0;
    envoi_buf secret = ENVOI_BUF_INIT;
    int rc = cli_secret_read(p->secret_kind, p->secret_source, &secret, err);
    if (rc == 0) {
        rc = p->secret_kind == CLI_SECRET_OAUTH
                 ? envoi_smtp_set_oauth_token(s, p->user, secret.data)
                 : envoi_smtp_set_login(s, p->user, secret.data);
        if (rc < 0)
            envoi_err_set(err, rc, "user %s: %s", p->user, envoi_strerror(rc));
    }
    envoi_buf_wipe_free(&secret);
    return rc;
}

/* What the account adds to the session beyond its server and password: a
 * DKIM signer (dkim-* keys) and an OAuth token provider
 * (oauth-token-endpoint), owned here, freed after the session. */
typedef struct sendmail_extras {
    envoi_dkim_signer *dkim;
    envoi_oauth *oauth;
} sendmail_extras;

static int hand_extras(envoi_smtp *s, const cli_send_plan *p, const envoi_account *acc,
                       sendmail_extras *x, envoi_error *err)
{
    int rc = cli_dkim_signer_from_account(acc, &x->dkim, err);
    if (rc == 0 && x->dkim && (rc = envoi_smtp_set_dkim(s, x->dkim)) < 0)
        envoi_err_set(err, rc, "DKIM: %s", envoi_strerror(rc));
    if (rc == 0 && p->oauth_refresh && p->user) {
        rc = cli_oauth_from_account(acc, &x->oauth, err);
        if (rc == 0 && (rc = envoi_smtp_set_oauth(s, p->user, x->oauth)) < 0)
            envoi_err_set(err, rc, "user %s: %s", p->user, envoi_strerror(rc));
    }
    return rc;
}

static int configure(envoi_smtp *s, const cli_send_plan *p, const cli_sendmail_job *job)
{
    const cli_sendmail_args *a = job->args;
    int connect_ms = p->connect_timeout_ms >= 0 ? p->connect_timeout_ms : p->timeout_ms;
    int rc = envoi_smtp_set_server(s, p->host, p->port);
    if (rc == 0)
        rc = envoi_smtp_set_security(s, p->security);
    if (rc == 0 && p->timeout_ms >= 0)
        rc = envoi_smtp_set_timeout(s, p->timeout_ms);
    if (rc == 0 && connect_ms >= 0)
        rc = envoi_smtp_set_connect_timeout(s, connect_ms);
    if (rc == 0 && p->ca_file)
        rc = envoi_smtp_set_ca_file(s, p->ca_file);
    if (rc == 0 && p->crl_file)
        rc = envoi_smtp_set_crl_file(s, p->crl_file);
    if (rc == 0 && p->ignore_cert)
        rc = envoi_smtp_set_ignore_cert(s, p->ignore_cert);
    if (rc == 0 && p->helo)
        rc = envoi_smtp_set_helo_name(s, p->helo);
    if (rc == 0 && p->auth)
        rc = envoi_smtp_set_auth_mechanism(s, p->auth);
    if (rc == 0 && (a->dsn_notify || a->dsn_ret || a->envid))
        rc = envoi_smtp_set_dsn(s, a->dsn_notify, a->dsn_ret, a->envid);
    if (rc == 0 && a->verbose)
        rc = envoi_smtp_set_trace(s, trace_line, job->errout);
    return rc;
}

static void warn_refused(const envoi_smtp *s, const char *label, FILE *errout)
{
    size_t n = 0;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &n);
    for (size_t i = 0; i < n; i++) {
        if (st[i].accepted || st[i].reply_code == 0 || st[i].reply_code / 100 == 2)
            continue;
        cli_report(errout, "sendmail", "recipient %s refused by %s: %d%s%s %s", st[i].address,
                   label, st[i].reply_code, st[i].enhanced && *st[i].enhanced ? " " : "",
                   st[i].enhanced ? st[i].enhanced : "", st[i].text ? st[i].text : "");
    }
}

static int report_failure(const envoi_error *err, const char *label, FILE *errout)
{
    envoi_buf line = ENVOI_BUF_INIT;
    if (cli_describe_error(&line, err, label) < 0)
        envoi_buf_clear(&line);
    cli_report(errout, "sendmail", "%s", line.data ? line.data : envoi_strerror(err->code));
    envoi_buf_free(&line);
    return cli_exit_for_error(err);
}

static int transmit(envoi_smtp *s, const cli_send_plan *p, const cli_sendmail_job *job,
                    sendmail_extras *x)
{
    envoi_error err = {0};
    int rc = configure(s, p, job);
    if (rc < 0) {
        envoi_err_set(&err, rc, "%s: a setting of the account was refused: %s",
                      envoi_config_name(job->conf->cfg), envoi_strerror(rc));
        report_failure(&err, NULL, job->errout);
        return EX_CONFIG;
    }
    if (hand_secret(s, p, &err) < 0 || hand_extras(s, p, &job->conf->acc, x, &err) < 0)
        return report_failure(&err, NULL, job->errout);
    rc = envoi_smtp_send_data(s, job->src->data, job->src->len, job->from, job->rcpts, job->nrcpts);
    if (rc < 0) {
        warn_refused(s, p->label, job->errout);
        return report_failure(envoi_smtp_error(s), p->label, job->errout);
    }
    envoi_smtp_quit(s); /* the message is accepted: QUIT's fate is moot */
    if (job->args->verbose)
        cli_report(job->errout, "sendmail", "sent through %s: %s", p->label,
                   envoi_smtp_last_reply(s));
    return EX_OK;
}

int cli_sendmail_direct(const cli_sendmail_job *job)
{
    cli_send_args none;
    cli_server_args_init(&none);
    cli_send_plan plan;
    envoi_buf why = ENVOI_BUF_INIT;
    int status = EX_OK;
    int rc = cli_server_plan_make(&plan, &none, &job->conf->acc, NULL, &smtp_ports, &why);
    if (rc == ENVOI_ENOMEM) {
        status = EX_OSERR;
    } else if (rc != 0) {
        cli_report(job->errout, "sendmail", "%s: [account %s]: %s",
                   envoi_config_name(job->conf->cfg), job->conf->acc.name,
                   why.data ? why.data : "bad settings");
        status = EX_CONFIG;
    } else {
        envoi_smtp *s = envoi_smtp_new();
        sendmail_extras extras = {0};
        status = s ? transmit(s, &plan, job, &extras) : EX_OSERR;
        envoi_smtp_free(s);
        envoi_dkim_signer_free(extras.dkim);
        envoi_oauth_free(extras.oauth);
    }
    envoi_buf_free(&why);
    cli_send_plan_free(&plan);
    return status;
}

/* The spool: [sendmail] spool, else envoid where [spool] listen says. */
static envoi_spool *open_spool(const cli_sendmail_job *job, envoi_buf *where, envoi_error *err)
{
    cli_spooler sp = {0};
    envoi_spool *spool = NULL;
    int rc = 0;
    if (job->conf->spool)
        rc = envoi_buf_append_str(where, job->conf->spool);
    else if ((rc = cli_spooler_setup(&sp, job->conf->cfg, NULL, NULL, err)) == 0)
        rc = envoi_buf_printf(where, "http://%s", sp.label);
    if (rc == 0 && (spool = envoi_spool_open(where->data, err)) && sp.token &&
        envoi_spool_set_token(spool, sp.token) < 0) {
        envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        envoi_spool_close(spool);
        spool = NULL;
    }
    if (rc < 0 && err->code == 0)
        envoi_err_set(err, rc, "%s", envoi_strerror(rc));
    cli_spooler_free(&sp);
    return spool;
}

static int queue_exit(const envoi_error *err)
{
    if (err->code == ENVOI_ESTATE) /* paused: try again later */
        return EX_TEMPFAIL;
    return cli_exit_for_code(err->code);
}

int cli_sendmail_queue(const cli_sendmail_job *job)
{
    envoi_error err = {0};
    envoi_buf where = ENVOI_BUF_INIT;
    envoi_spool *spool = open_spool(job, &where, &err);
    int status = EX_OK;
    char id[ENVOI_SPOOL_ID_SIZE];
    if (!spool) {
        cli_report(job->errout, "sendmail", "the spool%s%s: %s", where.data ? " " : "",
                   where.data ? where.data : "", err.text);
        status = err.code == ENVOI_ECONFIG ? EX_CONFIG : EX_TEMPFAIL;
    } else if (envoi_spool_submit_raw(spool, job->from, job->rcpts, job->nrcpts, job->src->data,
                                      job->src->len, id) < 0) {
        const envoi_error *e = envoi_spool_error(spool);
        cli_report(job->errout, "sendmail", "queueing in %s failed: %s%s", where.data,
                   e->text[0] ? e->text : envoi_strerror(e->code),
                   e->code == ENVOI_ECONNECT ? " (is envoid running?)" : "");
        status = queue_exit(e);
    } else if (job->args->verbose) {
        cli_report(job->errout, "sendmail", "queued in %s as %s", where.data, id);
    }
    envoi_spool_close(spool);
    envoi_buf_free(&where);
    return status;
}
