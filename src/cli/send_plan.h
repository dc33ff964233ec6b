/* What "envoi send" will do: the options merged over the config account
 * (an option given on the command line wins), with the defaults applied. */
#ifndef ENVOI_CLI_SEND_PLAN_H
#define ENVOI_CLI_SEND_PLAN_H

#include <stdbool.h>

#include "cli/account.h"
#include "cli/send_args.h"
#include "envoi/tls.h"
#include "util/buf.h"

/* Where the secret comes from; at most one applies. */
typedef enum cli_secret_kind {
    CLI_SECRET_NONE = 0,
    CLI_SECRET_FILE,      /* password file */
    CLI_SECRET_COMMAND,   /* password command */
    CLI_SECRET_ENV,       /* ENVOI_PASSWORD */
    CLI_SECRET_OAUTH,     /* OAuth token command */
    CLI_SECRET_ENV_NAMED, /* the variable the account's password-env names */
} cli_secret_kind;

typedef struct cli_send_plan {
    char *host;    /* NULL only with --dry-run and no server */
    unsigned port; /* never 0 when host is set */
    envoi_security security;
    char *label; /* "host:port" or "[v6]:port", for messages */
    const char *user;
    cli_secret_kind secret_kind;
    const char *secret_source; /* file, command, the variable's value (ENV) or name (ENV_NAMED) */
    bool oauth_refresh; /* no secret chosen: the account's OAuth refresh grant gives tokens */
    const char *auth;
    const char *ca_file;
    const char *crl_file;
    int ignore_cert; /* 0 when none */
    int timeout_ms;  /* -1: the library's default */
    int connect_timeout_ms;
    const char *helo;
    const char *from;
    size_t recipient_count; /* --to, --cc, --bcc together */
} cli_send_plan;

/* Default ports of a protocol: without TLS, with STARTTLS and a login
 * (SMTP submission), with implicit TLS (whose port also implies TLS). */
typedef struct cli_default_ports {
    unsigned plain, starttls, tls;
} cli_default_ports;

/* The server part of the merge, shared by "envoi list" and "envoi fetch":
 * server, login, security and TLS settings, without the message checks.
 * Returns 0, CLI_USAGE with the reason in why, or ENVOI_ENOMEM. */
int cli_server_plan_make(cli_send_plan *p, const cli_send_args *args, const envoi_account *acc,
                         const char *env_password, const cli_default_ports *ports, envoi_buf *why);

/* Merge args over acc (acc may be NULL). env_password is the value of
 * ENVOI_PASSWORD or NULL. Returns 0, CLI_USAGE with the reason in why,
 * or ENVOI_ENOMEM. Free with cli_send_plan_free even after a failure. */
int cli_send_plan_make(cli_send_plan *p, const cli_send_args *args, const envoi_account *acc,
                       const char *env_password, envoi_buf *why);
void cli_send_plan_free(cli_send_plan *p);

#endif
