/* The verdicts of "envoi check-address": one text line per address, or a
 * JSON array of objects. */
#ifndef ENVOI_CLI_CHECK_ADDRESS_PRINT_H
#define ENVOI_CLI_CHECK_ADDRESS_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "envoi/check.h"

typedef struct cli_check_printer {
    FILE *out;
    bool json;
    void *array; /* json_t *: the verdicts so far, printed at the end */
} cli_check_printer;

/* 0, or ENVOI_ENOMEM. */
int cli_check_printer_init(cli_check_printer *p, FILE *out, bool json);
/* "ADDR: valid", "ADDR: incorrect syntax: why", "ADDR: refused: why",
 * "ADDR: error: why"; or one more JSON object. 0, ENVOI_ENOMEM or ENVOI_EIO. */
int cli_check_print(cli_check_printer *p, const char *address, const envoi_check_report *r);
/* The JSON array (nothing for text), and the printer freed. 0 or ENVOI_EIO. */
int cli_check_printer_finish(cli_check_printer *p);

#endif
