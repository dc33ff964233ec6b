/* "envoi list --protocol imap": the messages of one folder (UID, size,
 * date, sender, subject) from the server's envelopes. */
#ifndef ENVOI_CLI_LIST_IMAP_H
#define ENVOI_CLI_LIST_IMAP_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/mail_args.h"
#include "cli/mail_session.h"

/* List a->folder over the open session m->imap to out, as a table or JSON
 * Lines; LOGOUT at the end. Returns the exit status. */
int cli_list_imap(cli_mail_session *m, const cli_mail_args *a, FILE *out);

/* One message as list prints it: a tab separated line, or (json) a JSON
 * object on one line. 0, or a negative code when it cannot be written. */
int cli_list_imap_print(FILE *out, const envoi_imap_entry *e, bool json);

#endif
