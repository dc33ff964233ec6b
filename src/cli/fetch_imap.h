/* "envoi fetch --protocol imap": the messages of one folder into the
 * destination, batch by batch; \Seen or \Deleted set only after a commit. */
#ifndef ENVOI_CLI_FETCH_IMAP_H
#define ENVOI_CLI_FETCH_IMAP_H

#include <stdio.h>

#include "cli/mail_args.h"
#include "cli/mail_session.h"

/* Fetch a->folder over the open session m->imap into a->dest (JSON to out,
 * progress and reports to errout); LOGOUT at the end. Returns the exit
 * status. */
int cli_fetch_imap(cli_mail_session *m, const cli_mail_args *a, FILE *out, FILE *errout);

#endif
