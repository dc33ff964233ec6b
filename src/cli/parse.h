/* "envoi parse FILE... [--json]": each message of each file (a message, an
 * mbox, a maildir, or standard input as "-") as a readable outline or as
 * one JSON object per line. */
#ifndef ENVOI_CLI_PARSE_H
#define ENVOI_CLI_PARSE_H

#include <stdio.h>

/* Run "envoi parse"; argv[0] is "parse". Output goes to out, messages to
 * errout. Returns the exit status (sysexits.h). */
int cli_parse_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
