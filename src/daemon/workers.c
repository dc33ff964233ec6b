/* The delivery workers built into envoid: the pool of src/spool/deliver.h,
 * delivering through the [account] that [spool] relay names (its secret
 * read once, at start) or, with no relay, into the capture mailbox
 * DIR/capture. workers = 0 starts no pool: messages are kept pending. */
#include "daemon/workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/account.h"
#include "cli/secret_source.h"
#include "cli/send_args.h"
#include "cli/send_plan.h"
#include "daemon/log.h"
#include "spool/deliver.h"
#include "util/buf.h"
#include "util/err.h"

static const cli_default_ports smtp_ports = {25, 587, 465};

static void log_delivery(void *ctx, const char *line)
{
    (void)ctx;
    envoid_info("delivery %s", line);
}

static int read_account(const envoid_workers_ctx *ctx, envoi_account *acc, envoi_error *err)
{
    const char *relay = ctx->settings->relay;
    const envoi_config_section *sec = NULL;
    if (!ctx->config)
        return envoi_err_set(err, ENVOI_ECONFIG, "relay %s: no config file to find it in", relay);
    int rc = envoi_account_select(ctx->config, relay, &sec, err);
    if (rc == 0 && !sec)
        rc = envoi_err_set(err, ENVOI_ECONFIG, "relay %s: no [account %s]", relay, relay);
    if (rc == 0)
        rc = envoi_account_read(ctx->config, sec, acc, err);
    return rc;
}

/* The relay's plan (server, security, login) from its account. */
static int make_plan(const envoid_workers_ctx *ctx, cli_send_plan *plan, envoi_error *err)
{
    envoi_account acc;
    memset(&acc, 0, sizeof acc);
    memset(plan, 0, sizeof *plan);
    int rc = read_account(ctx, &acc, err);
    if (rc < 0)
        return rc;
    cli_send_args args;
    cli_server_args_init(&args);
    envoi_buf why = ENVOI_BUF_INIT;
    rc = cli_server_plan_make(plan, &args, &acc, NULL, &smtp_ports, &why);
    if (rc == 0 && !plan->host)
        rc = envoi_err_set(err, ENVOI_ECONFIG, "relay %s: the account names no server",
                           ctx->settings->relay);
    else if (rc != 0)
        rc = envoi_err_set(err, rc < 0 ? rc : ENVOI_ECONFIG, "relay %s: %s", ctx->settings->relay,
                           why.data ? why.data : "bad account");
    envoi_buf_free(&why);
    return rc;
}

static void fill_relay(const envoid_workers_ctx *ctx, const cli_send_plan *p, const char *secret,
                       spool_relay *r)
{
    memset(r, 0, sizeof *r);
    r->name = ctx->settings->relay;
    r->host = p->host;
    r->port = p->port;
    r->security = p->security;
    r->user = p->user;
    if (p->secret_kind == CLI_SECRET_OAUTH)
        r->token = secret;
    else
        r->password = secret;
    r->ca_file = p->ca_file;
    r->ignore_cert = p->ignore_cert;
    r->connect_timeout_ms = p->connect_timeout_ms > 0 ? p->connect_timeout_ms : 0;
    r->timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : 0;
    r->helo = p->helo;
}

static int start_with_relay(const envoid_workers_ctx *ctx, const spool_delivery_opts *opts,
                            spool_delivery **d, envoi_error *err)
{
    cli_send_plan plan;
    int rc = make_plan(ctx, &plan, err);
    envoi_buf secret = ENVOI_BUF_INIT;
    if (rc == 0 && plan.secret_kind != CLI_SECRET_NONE)
        rc = cli_secret_read(plan.secret_kind, plan.secret_source, stderr, "envoid", &secret, err);
    if (rc == 0) {
        spool_relay relay;
        fill_relay(ctx, &plan, secret.data, &relay);
        rc = spool_delivery_start(ctx->queue, &relay, 1, ctx->settings->workers, "envoid", opts, d);
        if (rc < 0)
            envoi_err_set(err, rc, "the delivery workers could not start");
    }
    envoi_buf_wipe_free(&secret);
    cli_send_plan_free(&plan);
    return rc;
}

static int start_pool(const envoid_workers_ctx *ctx, void **state, envoi_error *err)
{
    *state = NULL;
    if (ctx->settings->workers == 0) {
        envoid_warn("workers = 0: no delivery, messages are queued and stay pending");
        return 0;
    }
    envoi_buf capture = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&capture, "%s/capture", ctx->settings->dir) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    spool_delivery_opts opts = {.capture_dir = capture.data, .log = log_delivery};
    spool_delivery *d = NULL;
    int rc;
    if (ctx->settings->relay)
        rc = start_with_relay(ctx, &opts, &d, err);
    else if ((rc = spool_delivery_start(ctx->queue, NULL, 0, ctx->settings->workers, "envoid",
                                        &opts, &d)) < 0)
        envoi_err_set(err, rc, "the delivery workers could not start");
    envoi_buf_free(&capture);
    *state = d;
    return rc;
}

static void wake_pool(void *state)
{
    if (state)
        spool_delivery_wake(state);
}

static void stop_pool(void *state)
{
    spool_delivery_stop(state);
}

static const envoid_workers_ops spool_pool = {
    .name = "smtp",
    .start = start_pool,
    .wake = wake_pool,
    .stop = stop_pool,
};

const envoid_workers_ops *envoid_workers_builtin(void)
{
    return &spool_pool;
}
