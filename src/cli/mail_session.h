/* The POP3 or IMAP session of "envoi list" and "envoi fetch": the config
 * account merged under the options, the password read and handed over,
 * errors reported as "envoi: COMMAND: ..." with their exit status. */
#ifndef ENVOI_CLI_MAIL_SESSION_H
#define ENVOI_CLI_MAIL_SESSION_H

#include <stdio.h>

#include "cli/account.h"
#include "cli/config.h"
#include "cli/mail_args.h"
#include "cli/send_plan.h"
#include "cli/trace.h"
#include "envoi/imap.h"
#include "envoi/pop3.h"

typedef struct cli_mail_session {
    const char *command; /* "list" or "fetch" */
    envoi_config *cfg;
    envoi_account acc;
    bool have_account;
    cli_send_plan plan;
    envoi_pop3 *pop3; /* --protocol pop3 */
    envoi_imap *imap; /* --protocol imap */
    /* the account's OAuth token provider; outlives the session */
    envoi_oauth *oauth;
    bool imap_wanted;
    cli_trace trace; /* -v or --trace FILE */
    envoi_error err;
    FILE *errout;
} cli_mail_session;

/* Load the config, merge, make the session of the protocol (m->pop3 or
 * m->imap, not yet connected). Returns 0 or the exit status, the failure
 * reported. */
int cli_mail_session_open(cli_mail_session *m, const cli_mail_args *a);
/* What cli_mail_session_start returns when the command is to run. */
#define CLI_SESSION_RUN (-1)
/* After a command's arguments were parsed (parse_rc: 0, CLI_USAGE with the
 * reason in why, or a negative code): its help printed when asked (exit 0),
 * a usage error reported with the hint (64), out of memory (71), or the
 * session opened: CLI_SESSION_RUN, else the exit status of the failure. */
int cli_mail_session_start(cli_mail_session *m, const cli_mail_args *a, int parse_rc,
                           const envoi_buf *why, void (*help)(FILE *out), FILE *out);
/* Report m->err (naming the server) and return its exit status. */
int cli_mail_session_fail(cli_mail_session *m);
/* Report the session's error (envoi_pop3_error) and return its status. */
int cli_mail_session_fail_pop3(cli_mail_session *m);
/* Report the session's error (envoi_imap_error) and return its status. */
int cli_mail_session_fail_imap(cli_mail_session *m);
/* The account name when one applies, else NULL. */
const char *cli_mail_session_account(const cli_mail_session *m);
/* Free the session (without QUIT or LOGOUT), the plan and the config. */
void cli_mail_session_close(cli_mail_session *m);

#endif
