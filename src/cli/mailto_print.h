/* Output of "envoi mailto": a built URI, or the fields of a parsed one, as
 * text or JSON. */
#ifndef ENVOI_CLI_MAILTO_PRINT_H
#define ENVOI_CLI_MAILTO_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "envoi/mailto.h"

/* The fields as header lines (To:, Cc:, Bcc:, Subject:, the others), then an
 * empty line and the body with LF line ends; or one JSON object. Returns 0,
 * or -1 when out of memory or the output failed. */
int cli_mailto_print_fields(FILE *out, const envoi_mailto *m, bool json);
/* The URI (text: "opened with xdg-open: URI" when opened); JSON:
 * {"uri","opened"[,"error"]}. Returns 0 or -1. */
int cli_mailto_print_uri(FILE *out, const char *uri, bool open, bool opened, const char *error,
                         bool json);

#endif
