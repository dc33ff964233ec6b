/* "envoi send": parse the options, read the config account, compose the
 * message (or take --raw as is), then print it (--dry-run) or send it and
 * report the result on standard error or as JSON. */
#include "cli/send.h"

#include <stdlib.h>
#include <string.h>

#include "cli/account.h"
#include "cli/compose.h"
#include "cli/config.h"
#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/oauth_account.h"
#include "cli/output/json.h"
#include "cli/report.h"
#include "cli/secret_source.h"
#include "cli/send_args.h"
#include "cli/send_async.h"
#include "cli/send_plan.h"
#include "cli/send_sign.h"
#include "cli/trace.h"
#include "envoi/smtp.h"
#include "util/err.h"

typedef struct send_run {
    cli_send_args args;
    envoi_config *cfg;
    envoi_account acc;
    bool have_account;
    cli_send_plan plan;
    const char **rcpts; /* --to, --cc, --bcc in order */
    size_t nrcpts;
    envoi_message *msg;
    envoi_smtp *smtp;
    envoi_oauth *oauth; /* the account's token provider; outlives smtp */
    cli_signing sign;   /* DKIM signer, S/MIME settings */
    envoi_buf prepared; /* the source after S/MIME, when S/MIME applies */
    cli_trace trace;
    envoi_error err;
    FILE *out;
    FILE *errout;
} send_run;

static int usage_error(send_run *r, const char *why)
{
    cli_report(r->errout, "send", "%s", why);
    cli_help_hint(r->errout, "send");
    return EX_USAGE;
}

/* Report err (server named when connected), on stderr and as JSON. */
static int fail(send_run *r, int status)
{
    envoi_buf line = ENVOI_BUF_INIT;
    const char *server = r->smtp ? r->plan.label : NULL;
    if (cli_describe_error(&line, &r->err, server) < 0)
        envoi_buf_clear(&line);
    cli_report(r->errout, "send", "%s", line.data ? line.data : envoi_strerror(r->err.code));
    if (r->args.json && !r->args.dry_run) {
        size_t n = 0;
        const envoi_rcpt_status *st = r->smtp ? envoi_smtp_recipients(r->smtp, &n) : NULL;
        cli_send_result res = {r->plan.label, NULL, st, n, r->rcpts, r->nrcpts, &r->err, line.data};
        cli_json_print_result(r->out, &res);
    }
    envoi_buf_free(&line);
    return status;
}

static int fail_error(send_run *r)
{
    return fail(r, cli_exit_for_error(&r->err));
}

static int load_config(send_run *r)
{
    envoi_buf found = ENVOI_BUF_INIT;
    const char *path = r->args.config;
    if (!path) {
        int rc = envoi_config_default_path(&found);
        if (rc < 0) {
            envoi_buf_free(&found);
            envoi_err_set(&r->err, rc, "out of memory");
            return fail_error(r);
        }
        path = rc == 1 ? found.data : NULL;
    }
    if (!path) {
        envoi_buf_free(&found);
        if (!r->args.account)
            return 0;
        envoi_err_set(&r->err, ENVOI_ECONFIG,
                      "--account %s: no config file ($XDG_CONFIG_HOME/envoi/config, "
                      "~/.config/envoi/config or /etc/envoi/config)",
                      r->args.account);
        return fail(r, EX_CONFIG);
    }
    int rc = envoi_config_load(&r->cfg, path, &r->err);
    envoi_buf_free(&found);
    if (rc == ENVOI_EFILE) /* a config file named or found must be readable */
        r->err.code = ENVOI_ECONFIG;
    if (rc < 0)
        return fail_error(r);
    const envoi_config_section *section;
    if (envoi_account_select(r->cfg, r->args.account, &section, &r->err) < 0)
        return fail_error(r);
    if (section) {
        if (envoi_account_read(r->cfg, section, &r->acc, &r->err) < 0)
            return fail_error(r);
        r->have_account = true;
    }
    return 0;
}

static int collect_recipients(send_run *r)
{
    const cli_strlist *lists[] = {&r->args.to, &r->args.cc, &r->args.bcc};
    size_t n = r->args.to.count + r->args.cc.count + r->args.bcc.count;
    r->rcpts = calloc(n ? n : 1, sizeof *r->rcpts);
    if (!r->rcpts)
        return ENVOI_ENOMEM;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < lists[i]->count; j++)
            r->rcpts[r->nrcpts++] = lists[i]->items[j];
    return 0;
}

static int make_plan(send_run *r)
{
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_send_plan_make(&r->plan, &r->args, r->have_account ? &r->acc : NULL,
                                getenv("ENVOI_PASSWORD"), &why);
    if (rc == CLI_USAGE && r->cfg && !r->have_account && !r->plan.host &&
        envoi_account_count(r->cfg) > 1)
        envoi_buf_printf(&why, "; %s has several accounts: choose one with --account",
                         envoi_config_name(r->cfg));
    int status = 0;
    if (rc == CLI_USAGE)
        status = usage_error(r, why.data ? why.data : "bad arguments");
    else if (rc < 0)
        status = fail(r, cli_exit_for_code(envoi_err_set(&r->err, rc, "out of memory")));
    envoi_buf_free(&why);
    return status;
}

static int write_to_file(void *ctx, const void *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : ENVOI_EIO;
}

/* The source as it goes out, signed and encrypted (--dry-run). */
static int print_signed(send_run *r)
{
    envoi_buf src = ENVOI_BUF_INIT;
    const envoi_buf *prepared = r->sign.smime ? &r->prepared : NULL;
    int rc = cli_signing_final(&r->sign, r->msg, r->args.raw, prepared, &src, &r->err);
    if (rc == 0)
        rc = write_to_file(r->out, src.data ? src.data : "", src.len);
    envoi_buf_free(&src);
    return rc;
}

static int print_message(send_run *r)
{
    int rc;
    if (r->sign.dkim || r->sign.smime) {
        rc = print_signed(r);
    } else if (r->args.raw) {
        envoi_buf raw = ENVOI_BUF_INIT;
        rc = cli_read_file(r->args.raw, &raw, &r->err);
        if (rc == 0)
            rc = write_to_file(r->out, raw.data, raw.len);
        envoi_buf_free(&raw);
    } else {
        rc = envoi_message_write(r->msg, write_to_file, r->out);
    }
    if (rc == 0 && fflush(r->out) != 0)
        rc = ENVOI_EIO;
    if (rc < 0 && r->err.code != rc)
        envoi_err_set(&r->err, rc, "writing the message: %s", envoi_strerror(rc));
    return rc < 0 ? fail_error(r) : EX_OK;
}

/* Read the password or token, hand it to the session, wipe it. */
static int hand_secret(send_run *r)
{
    const cli_send_plan *p = &r->plan;
    if (p->oauth_refresh && p->user) {
        int rc = cli_oauth_from_account(&r->acc, &r->oauth, &r->err);
        if (rc == 0 && (rc = envoi_smtp_set_oauth(r->smtp, p->user, r->oauth)) < 0)
            envoi_err_set(&r->err, rc, "--user %s: %s", p->user, envoi_strerror(rc));
        return rc;
    }
    if (p->secret_kind == CLI_SECRET_NONE)
        return 0;
    envoi_buf secret = ENVOI_BUF_INIT;
    int rc = cli_secret_read(p->secret_kind, p->secret_source, &secret, &r->err);
    if (rc == 0) {
        rc = p->secret_kind == CLI_SECRET_OAUTH
                 ? envoi_smtp_set_oauth_token(r->smtp, p->user, secret.data)
                 : envoi_smtp_set_login(r->smtp, p->user, secret.data);
        if (rc < 0)
            envoi_err_set(&r->err, rc, "--user %s: %s", p->user, envoi_strerror(rc));
    }
    envoi_buf_wipe_free(&secret);
    return rc;
}

/* Apply a setting; failures are usage errors naming the option. */
static int check_setting(send_run *r, int rc, const char *option, const char *value)
{
    if (rc < 0)
        envoi_err_set(&r->err, rc, "%s %s: %s", option, value ? value : "", envoi_strerror(rc));
    return rc;
}

static int configure_connection(send_run *r)
{
    const cli_send_plan *p = &r->plan;
    envoi_smtp *s = r->smtp;
    int connect_ms = p->connect_timeout_ms >= 0 ? p->connect_timeout_ms : p->timeout_ms;
    int rc = check_setting(r, envoi_smtp_set_server(s, p->host, p->port), "--server", p->label);
    if (rc == 0)
        rc = check_setting(r, envoi_smtp_set_security(s, p->security), "--security", NULL);
    if (rc == 0 && p->timeout_ms >= 0)
        rc = check_setting(r, envoi_smtp_set_timeout(s, p->timeout_ms), "--timeout", NULL);
    if (rc == 0 && connect_ms >= 0)
        rc = check_setting(r, envoi_smtp_set_connect_timeout(s, connect_ms), "--connect-timeout",
                           NULL);
    if (rc == 0 && p->ca_file)
        rc = check_setting(r, envoi_smtp_set_ca_file(s, p->ca_file), "--ca-file", p->ca_file);
    if (rc == 0 && p->crl_file)
        rc = check_setting(r, envoi_smtp_set_crl_file(s, p->crl_file), "--crl-file", p->crl_file);
    if (rc == 0 && p->ignore_cert)
        rc = check_setting(r, envoi_smtp_set_ignore_cert(s, p->ignore_cert), "--ignore-cert", NULL);
    if (rc == 0 && p->helo)
        rc = check_setting(r, envoi_smtp_set_helo_name(s, p->helo), "--helo", p->helo);
    return rc;
}

static int configure_delivery(send_run *r)
{
    const cli_send_args *a = &r->args;
    envoi_smtp *s = r->smtp;
    int rc = 0;
    if (r->plan.auth)
        rc = check_setting(r, envoi_smtp_set_auth_mechanism(s, r->plan.auth), "--auth",
                           r->plan.auth);
    if (rc == 0 && a->allow_plaintext_auth)
        rc = check_setting(r, envoi_smtp_set_allow_plaintext_auth(s, true),
                           "--allow-plaintext-auth", NULL);
    if (rc == 0 && a->partial)
        rc = check_setting(r, envoi_smtp_set_partial_send(s, true), "--partial", NULL);
    if (rc == 0 && (a->dsn_notify || a->dsn_ret || a->envid))
        rc = check_setting(r, envoi_smtp_set_dsn(s, a->dsn_notify, a->dsn_ret, a->envid), "--dsn",
                           a->envid);
    if (rc == 0)
        rc = cli_trace_open(&r->trace, a->trace, a->verbose, r->errout, &r->err);
    if (rc == 0 && r->trace.out)
        rc =
            check_setting(r, envoi_smtp_set_trace(s, cli_trace_line, &r->trace), "--verbose", NULL);
    return rc;
}

static int setup_session(send_run *r)
{
    r->smtp = envoi_smtp_new();
    if (!r->smtp)
        return envoi_err_set(&r->err, ENVOI_ENOMEM, "out of memory");
    int rc = configure_connection(r);
    if (rc == 0)
        rc = configure_delivery(r);
    if (rc == 0 && r->sign.dkim)
        rc = check_setting(r, envoi_smtp_set_dkim(r->smtp, r->sign.dkim), "--dkim-key", NULL);
    if (rc == ENVOI_EINVAL) /* a value the library refused, e.g. --auth */
        return EX_USAGE;
    if (rc == 0)
        rc = hand_secret(r);
    return rc < 0 ? cli_exit_for_code(r->err.code) : 0;
}

static void warn_refused(send_run *r, const envoi_rcpt_status *st, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* A recipient RCPT accepted is not "refused" when the message itself failed. */
        if (st[i].accepted || st[i].reply_code == 0 || st[i].reply_code / 100 == 2)
            continue;
        cli_report(r->errout, "send", "recipient %s refused by %s: %d%s%s %s", st[i].address,
                   r->plan.label, st[i].reply_code, st[i].enhanced && *st[i].enhanced ? " " : "",
                   st[i].enhanced ? st[i].enhanced : "", st[i].text ? st[i].text : "");
    }
}

/* The S/MIME result, with the envelope of --raw or of the composed message. */
static int send_prepared(send_run *r)
{
    const char *data = r->prepared.data ? r->prepared.data : "";
    if (r->args.raw)
        return envoi_smtp_send_data(r->smtp, data, r->prepared.len, r->plan.from, r->rcpts,
                                    r->nrcpts);
    const char **rcpts = NULL;
    size_t n = 0;
    if (cli_message_rcpts(r->msg, &rcpts, &n) < 0)
        return envoi_err_set(&r->err, ENVOI_ENOMEM, "out of memory");
    const char *from = envoi_message_envelope_from(r->msg);
    int rc = envoi_smtp_send_data(r->smtp, data, r->prepared.len, from ? from : "", rcpts, n);
    free(rcpts);
    return rc;
}

static int transmit(send_run *r)
{
    int rc;
    if (r->sign.smime)
        rc = send_prepared(r);
    else if (r->args.raw)
        rc = envoi_smtp_send_file(r->smtp, r->args.raw, r->plan.from, r->rcpts, r->nrcpts);
    else
        rc = envoi_smtp_send(r->smtp, r->msg);
    if (rc < 0)
        r->err = *envoi_smtp_error(r->smtp);
    size_t n = 0;
    const envoi_rcpt_status *st = envoi_smtp_recipients(r->smtp, &n);
    warn_refused(r, st, n);
    if (rc < 0)
        return fail_error(r);
    envoi_smtp_quit(r->smtp); /* the message is accepted: QUIT's fate is moot */
    if (r->args.json) {
        cli_send_result res = {
            r->plan.label, envoi_smtp_last_reply(r->smtp), st, n, r->rcpts, r->nrcpts, NULL, NULL};
        if (cli_json_print_result(r->out, &res) < 0) {
            envoi_err_set(&r->err, ENVOI_EIO, "writing the JSON result failed");
            return fail(r, EX_IOERR);
        }
    }
    return EX_OK;
}

static int prepare_message(send_run *r)
{
    int rc = r->args.raw ? cli_check_readable("--raw", r->args.raw, &r->err)
                         : cli_compose(&r->args, r->plan.from, &r->msg, &r->err);
    if (rc == 0 && r->sign.smime)
        rc = cli_signing_prepare(&r->sign, r->msg, r->args.raw, &r->prepared, &r->err);
    return rc < 0 ? fail_error(r) : 0;
}

/* The DKIM signer and S/MIME settings: options over the account. */
static int setup_signing(send_run *r)
{
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_signing_setup(&r->sign, &r->args, r->have_account ? &r->acc : NULL, &why, &r->err);
    int status = 0;
    if (rc == CLI_USAGE)
        status = usage_error(r, why.data ? why.data : "bad arguments");
    else if (rc < 0)
        status = fail(r, cli_exit_for_code(r->err.code));
    envoi_buf_free(&why);
    return status;
}

/* --async, signed or encrypted: envoid gets the source as it goes out. */
static int hand_signed_to_spooler(send_run *r, cli_async_request *req)
{
    envoi_buf src = ENVOI_BUF_INIT;
    const char **rcpts = NULL;
    const envoi_buf *prepared = r->sign.smime ? &r->prepared : NULL;
    int rc = cli_signing_final(&r->sign, r->msg, r->args.raw, prepared, &src, &r->err);
    if (rc == 0 && !r->args.raw) {
        if (cli_message_rcpts(r->msg, &rcpts, &req->nrcpts) < 0)
            rc = envoi_err_set(&r->err, ENVOI_ENOMEM, "out of memory");
        req->rcpts = rcpts;
        req->from = envoi_message_envelope_from(r->msg);
    }
    int status = rc < 0 ? fail_error(r) : 0;
    if (status == 0) {
        req->msg = NULL;
        req->raw_path = NULL;
        req->source = src.data ? src.data : "";
        req->source_len = src.len;
        status = cli_send_async(req, r->out, r->errout);
    }
    free(rcpts);
    envoi_buf_free(&src);
    return status;
}

/* --async: envoid gets the message (composed, or --raw as is) and its id is printed. */
static int hand_to_spooler(send_run *r)
{
    cli_async_request req = {
        .cfg = r->cfg,
        .spooler = r->args.spooler,
        .json = r->args.json,
        .msg = r->args.raw ? NULL : r->msg,
        .raw_path = r->args.raw,
        .from = r->plan.from,
        .rcpts = r->rcpts,
        .nrcpts = r->nrcpts,
    };
    if (r->sign.dkim || r->sign.smime)
        return hand_signed_to_spooler(r, &req);
    return cli_send_async(&req, r->out, r->errout);
}

static int run(send_run *r, int argc, char **argv)
{
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_send_args_parse(&r->args, argc, argv, &why);
    int status = rc == CLI_USAGE ? usage_error(r, why.data ? why.data : "bad arguments") : 0;
    envoi_buf_free(&why);
    if (rc == ENVOI_ENOMEM)
        return EX_OSERR;
    if (status)
        return status;
    if (r->args.help) {
        cli_help_send(r->out);
        return EX_OK;
    }
    if (collect_recipients(r) < 0)
        return EX_OSERR;
    if ((status = load_config(r)) || (status = make_plan(r)) || (status = setup_signing(r)) ||
        (status = prepare_message(r)))
        return status;
    if (r->args.dry_run)
        return print_message(r);
    if (r->args.async)
        return hand_to_spooler(r);
    if ((status = setup_session(r)) != 0) {
        if (status == EX_USAGE) {
            cli_report(r->errout, "send", "%s", r->err.text);
            cli_help_hint(r->errout, "send");
            return status;
        }
        envoi_smtp_free(r->smtp); /* not connected yet: name no server */
        r->smtp = NULL;
        return fail(r, status);
    }
    return transmit(r);
}

int cli_send_main(int argc, char **argv, FILE *out, FILE *errout)
{
    send_run r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.errout = errout;
    int status = run(&r, argc, argv);
    if (r.smtp)
        envoi_smtp_free(r.smtp);
    envoi_oauth_free(r.oauth);
    cli_trace_close(&r.trace);
    if (r.msg)
        envoi_message_free(r.msg);
    free(r.rcpts);
    cli_signing_free(&r.sign);
    envoi_buf_free(&r.prepared);
    cli_send_plan_free(&r.plan);
    envoi_config_free(r.cfg);
    cli_send_args_free(&r.args);
    return status;
}
