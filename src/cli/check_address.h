/* "envoi check-address": check email addresses (syntax, domain, server)
 * and print one verdict per address, as text or JSON. */
#ifndef ENVOI_CLI_CHECK_ADDRESS_H
#define ENVOI_CLI_CHECK_ADDRESS_H

#include <stdio.h>

/* Run "envoi check-address"; argv[0] is "check-address". Verdicts go to
 * out, errors to errout. Returns the exit status (sysexits.h): 0 when every
 * address is valid, EX_DATAERR when some is refused or malformed,
 * EX_TEMPFAIL when some check could not be completed, EX_USAGE. */
int cli_check_address_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
