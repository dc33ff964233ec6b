/* How "envoi sendmail" hands its message on: the [sendmail] section of the
 * config file, then straight to the SMTP server of an account, or to the
 * spooler (envoid's URL or a spool directory). */
#ifndef ENVOI_CLI_SENDMAIL_SEND_H
#define ENVOI_CLI_SENDMAIL_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/account.h"
#include "cli/config.h"
#include "cli/sendmail_args.h"
#include "util/buf.h"

/* [sendmail]: mode = direct | queue, account = NAME, spool = URL or DIR. */
typedef struct cli_sendmail_conf {
    envoi_config *cfg; /* owned */
    bool queue;
    const char *spool; /* NULL: envoid at [spool] listen (or its default) */
    envoi_account acc; /* direct mode: the account sent through */
} cli_sendmail_conf;

/* Load the config file (args->config, else the default one), read
 * [sendmail] and, in direct mode, the account (--account, else [sendmail]
 * account, else the default one). Returns 0 or an exit status (78 with
 * the reason reported on errout). Free with cli_sendmail_conf_free. */
int cli_sendmail_conf_load(cli_sendmail_conf *c, const cli_sendmail_args *args, FILE *errout);
void cli_sendmail_conf_free(cli_sendmail_conf *c);

/* One message with its envelope. */
typedef struct cli_sendmail_job {
    const cli_sendmail_conf *conf;
    const cli_sendmail_args *args;
    const char *from; /* "" for the null sender */
    const char *const *rcpts;
    size_t nrcpts;
    const envoi_buf *src;
    FILE *errout;
} cli_sendmail_job;

/* Send the message through the account's SMTP server. Returns the exit
 * status: 0, 69 refused for good, 75 a temporary failure, 78, 77... */
int cli_sendmail_direct(const cli_sendmail_job *job);
/* Queue the message in the spool. Returns 0, 75 (envoid not running,
 * paused), 69, 65, 77 or 78. */
int cli_sendmail_queue(const cli_sendmail_job *job);

#endif
