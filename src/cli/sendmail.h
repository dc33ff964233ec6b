/* "envoi sendmail" (and envoi called as "sendmail"): a message on standard
 * input sent as sendmail sends it, for programs that expect sendmail. */
#ifndef ENVOI_CLI_SENDMAIL_H
#define ENVOI_CLI_SENDMAIL_H

#include <stdio.h>

/* Run it; argv[0] is "sendmail". The message comes from in; help goes to
 * out, messages and the -v trace to errout. Returns the exit status
 * (sysexits.h, as sendmail's). */
int cli_sendmail_run(int argc, char **argv, FILE *in, FILE *out, FILE *errout);
/* The same reading standard input, for the command table. */
int cli_sendmail_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
