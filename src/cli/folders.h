/* "envoi folders": list, create, delete, rename, subscribe and unsubscribe
 * the folders of an IMAP account. */
#ifndef ENVOI_CLI_FOLDERS_H
#define ENVOI_CLI_FOLDERS_H

#include <stdio.h>

/* argv[0] is "folders", argv[1..] the action, its names and the options.
 * Returns the exit status. */
int cli_folders_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
