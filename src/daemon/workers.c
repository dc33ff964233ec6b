/* The delivery workers built into envoid: the pool of src/spool/deliver.h,
 * delivering through the [account] that [spool] relay names (its secret
 * read once, at start) or, with no relay, into the capture mailbox
 * DIR/capture. workers = 0 starts no pool: messages are kept pending. */
#include "daemon/workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/account.h"
#include "cli/oauth_account.h"
#include "cli/secret_source.h"
#include "cli/send_args.h"
#include "cli/send_plan.h"
#include "cli/send_sign.h"
#include "daemon/log.h"
#include "spool/deliver.h"
#include "util/buf.h"
#include "util/err.h"

static const cli_default_ports smtp_ports = {25, 587, 465};

/* The running pool, and the relay's DKIM signer its workers share. */
typedef struct pool {
    spool_delivery *d;
    envoi_dkim_signer *dkim;
    envoi_oauth *oauth; /* the relay account's OAuth token provider, shared too */
} pool;

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

/* The relay account's DKIM signer (NULL when it has no dkim-* keys); key
 * problems are configuration errors. */
static int load_dkim(const envoid_workers_ctx *ctx, envoi_dkim_signer **dkim, envoi_error *err)
{
    envoi_account acc;
    memset(&acc, 0, sizeof acc);
    int rc = read_account(ctx, &acc, err);
    if (rc == 0)
        rc = cli_dkim_signer_from_account(&acc, dkim, err);
    if (rc < 0 && rc != ENVOI_ENOMEM)
        err->code = rc = ENVOI_ECONFIG;
    return rc;
}

/* The relay account's OAuth token provider, when its plan says so. */
static int load_oauth(const envoid_workers_ctx *ctx, const cli_send_plan *plan, envoi_oauth **oauth,
                      envoi_error *err)
{
    if (!plan->oauth_refresh || !plan->user)
        return 0;
    envoi_account acc;
    memset(&acc, 0, sizeof acc);
    int rc = read_account(ctx, &acc, err);
    return rc < 0 ? rc : cli_oauth_from_account(&acc, oauth, err);
}

static int start_with_relay(const envoid_workers_ctx *ctx, const spool_delivery_opts *opts,
                            spool_delivery **d, envoi_dkim_signer **dkim, envoi_oauth **oauth,
                            envoi_error *err)
{
    cli_send_plan plan;
    int rc = make_plan(ctx, &plan, err);
    if (rc == 0)
        rc = load_dkim(ctx, dkim, err);
    if (rc == 0)
        rc = load_oauth(ctx, &plan, oauth, err);
    envoi_buf secret = ENVOI_BUF_INIT;
    if (rc == 0 && plan.secret_kind != CLI_SECRET_NONE)
        rc = cli_secret_read(plan.secret_kind, plan.secret_source, &secret, err);
    if (rc == 0) {
        spool_relay relay;
        fill_relay(ctx, &plan, secret.data, &relay);
        relay.dkim = *dkim;
        relay.oauth = *oauth;
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
    envoi_dkim_signer *dkim = NULL;
    envoi_oauth *oauth = NULL;
    int rc;
    if (ctx->settings->relay)
        rc = start_with_relay(ctx, &opts, &d, &dkim, &oauth, err);
    else if ((rc = spool_delivery_start(ctx->queue, NULL, 0, ctx->settings->workers, "envoid",
                                        &opts, &d)) < 0)
        envoi_err_set(err, rc, "the delivery workers could not start");
    envoi_buf_free(&capture);
    pool *p = rc == 0 ? calloc(1, sizeof *p) : NULL;
    if (rc == 0 && !p) {
        spool_delivery_stop(d);
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    if (rc < 0) {
        envoi_dkim_signer_free(dkim);
        envoi_oauth_free(oauth);
        return rc;
    }
    p->d = d;
    p->dkim = dkim;
    p->oauth = oauth;
    *state = p;
    return rc;
}

static void wake_pool(void *state)
{
    pool *p = state;
    if (p && p->d)
        spool_delivery_wake(p->d);
}

static void stop_pool(void *state)
{
    pool *p = state;
    if (!p)
        return;
    spool_delivery_stop(p->d); /* the workers are done with the signer */
    envoi_dkim_signer_free(p->dkim);
    envoi_oauth_free(p->oauth);
    free(p);
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
