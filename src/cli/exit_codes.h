/* Exit status of the command line: sysexits.h codes from ENVOI_E... codes. */
#ifndef ENVOI_CLI_EXIT_CODES_H
#define ENVOI_CLI_EXIT_CODES_H

#include <sysexits.h>

#include "envoi/error.h"

/* The exit status for an ENVOI_E... code (0 for ENVOI_OK). */
int cli_exit_for_code(int code);
/* The same, and EX_TEMPFAIL whenever the failure is temporary (a 4xx reply,
 * a timeout, a broken connection), so scripts know to try again. */
int cli_exit_for_error(const envoi_error *err);

#endif
