/* "envoi dkim": DKIM signing and verifying, "sign" and "verify". */
#ifndef ENVOI_CLI_DKIM_H
#define ENVOI_CLI_DKIM_H

#include <stdio.h>

/* Run "envoi dkim SUBCOMMAND ..."; argv[0] is "dkim". Returns the exit
 * status (sysexits.h). */
int cli_dkim_main(int argc, char **argv, FILE *out, FILE *err);
/* "envoi dkim sign ..."; argv[0] is "sign". */
int cli_dkim_sign_main(int argc, char **argv, FILE *out, FILE *err);
void cli_help_dkim(FILE *out);
void cli_help_dkim_sign(FILE *out);

#endif
