/* "envoi parse" without --json: a readable outline of one message, as a
 * mail reader's "show structure" (From, To, Cc, Subject, Date, the part tree
 * with types, sizes and file names, then the defects). Control characters
 * from the message are shown escaped, never sent to the terminal. */
#ifndef ENVOI_CLI_PARSE_OUTLINE_H
#define ENVOI_CLI_PARSE_OUTLINE_H

#include <stdio.h>

#include "cli/parse_view.h"

/* Print the outline. 0, ENVOI_ENOMEM or ENVOI_EIO. */
int cli_outline_print(FILE *out, const cli_message_view *v);

#endif
