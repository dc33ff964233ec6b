/* "envoi extract FILE --dir DIR": save the attachments of a message (and
 * inline parts that carry a file name) under DIR with safe, new names. */
#ifndef ENVOI_CLI_EXTRACT_H
#define ENVOI_CLI_EXTRACT_H

#include <stdio.h>

/* Run "envoi extract"; argv[0] is "extract". Saved paths (or --json) go to
 * out, messages to errout. Returns the exit status (sysexits.h). */
int cli_extract_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
