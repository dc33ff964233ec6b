/* "envoi flag": add or remove flags and keywords on messages of an IMAP
 * folder, picked by UID or by a selection; --expunge removes them after
 * \Deleted is set. */
#ifndef ENVOI_CLI_FLAG_H
#define ENVOI_CLI_FLAG_H

#include <stdio.h>

#include "util/buf.h"

/* A comma list of flags (seen, answered, flagged, deleted, draft, any case,
 * a leading backslash allowed) and keywords (IMAP atoms such as $Label1)
 * into system flag bits and space-separated keywords. 0, CLI_USAGE with
 * the reason in why (naming option and the bad name), or ENVOI_ENOMEM. */
int cli_flag_parse_list(const char *option, const char *list, unsigned *flags, envoi_buf *keywords,
                        envoi_buf *why);

/* argv[0] is "flag". Returns the exit status. */
int cli_flag_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
