/* "envoi send": options and config in, a message out through SMTP. */
#ifndef ENVOI_CLI_SEND_H
#define ENVOI_CLI_SEND_H

#include <stdio.h>

/* Run "envoi send"; argv[0] is "send". Results (--json, --dry-run, help) go
 * to out, messages and the --verbose trace to errout. Returns the exit
 * status (sysexits.h). */
int cli_send_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
