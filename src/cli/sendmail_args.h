/* The options of "envoi sendmail" as programs pass them to sendmail: single
 * letters with the value attached or in the next argument, the ones with
 * no meaning here accepted and ignored. */
#ifndef ENVOI_CLI_SENDMAIL_ARGS_H
#define ENVOI_CLI_SENDMAIL_ARGS_H

#include <stdbool.h>

#include "cli/send_args.h"
#include "util/buf.h"

/* Strings point into argv unless in a list; NULL when not given. */
typedef struct cli_sendmail_args {
    bool extract;          /* -t: recipients from To, Cc, Bcc too */
    bool ignore_dots;      /* -i, -oi: a lone "." does not end the message */
    bool verbose;          /* -v: the SMTP dialogue on standard error */
    const char *from;      /* -f, -r: envelope sender; "" is the null sender */
    const char *full_name; /* -F: display name of an added From */
    const char *config;    /* -C, --config */
    const char *account;   /* --account */
    int dsn_notify;        /* -N: ENVOI_DSN_... flags, 0: none */
    int dsn_ret;           /* -R: envoi_dsn_ret */
    const char *envid;     /* -V */
    cli_strlist rcpts;     /* the command line's, split at commas */
    bool help;
} cli_sendmail_args;

/* Parse argv[1..argc-1] (argv[0] is "sendmail"). Options and recipients may
 * be mixed; "--" ends the options. Returns 0, CLI_USAGE with the reason in
 * why, or ENVOI_ENOMEM. Free with cli_sendmail_args_free even after a
 * failure. */
int cli_sendmail_args_parse(cli_sendmail_args *a, int argc, char **argv, envoi_buf *why);
void cli_sendmail_args_free(cli_sendmail_args *a);

#endif
