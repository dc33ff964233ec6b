/* "envoi dkim verify": check the DKIM signatures of messages and print one
 * verdict per signature, as text or JSON. */
#ifndef ENVOI_CLI_DKIM_VERIFY_H
#define ENVOI_CLI_DKIM_VERIFY_H

#include <stdio.h>

/* Run "envoi dkim verify"; argv[0] is "verify". Verdicts go to out, errors
 * to err. Returns the exit status (sysexits.h): 0 when every message has a
 * passing signature, EX_DATAERR when one has none (and no temperror),
 * EX_TEMPFAIL when a key lookup failed for one without a pass, EX_NOINPUT
 * when a file cannot be read, EX_USAGE. */
int cli_dkim_verify_main(int argc, char **argv, FILE *out, FILE *err);

#endif
