/* Printing the verdicts of "envoi dkim verify": text lines, or one JSON
 * array of files with their signatures. */
#ifndef ENVOI_CLI_DKIM_VERIFY_PRINT_H
#define ENVOI_CLI_DKIM_VERIFY_PRINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "envoi/dkim.h"

typedef struct cli_dkim_printer {
    FILE *out;
    bool json;
    json_t *array; /* JSON: the files so far, printed by finish */
} cli_dkim_printer;

/* 0 or ENVOI_ENOMEM. */
int cli_dkim_printer_init(cli_dkim_printer *p, FILE *out, bool json);
/* One file's statuses. 0, ENVOI_ENOMEM or ENVOI_EIO. */
int cli_dkim_print(cli_dkim_printer *p, const char *file, const envoi_dkim_status *st, size_t n);
/* A file that could not be read (JSON only: text says so on standard error). */
int cli_dkim_print_unreadable(cli_dkim_printer *p, const char *file, const char *why);
/* Print the JSON array (when JSON) and free the printer. 0 or ENVOI_EIO. */
int cli_dkim_printer_finish(cli_dkim_printer *p);

#endif
