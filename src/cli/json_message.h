/* "envoi parse --json": one message as one JSON object (jansson), in the
 * schema of DESIGN.md: subject, from, to, cc, reply_to, date, message_id,
 * parts, text, html, defects. */
#ifndef ENVOI_CLI_JSON_MESSAGE_H
#define ENVOI_CLI_JSON_MESSAGE_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "cli/parse_view.h"

/* The object for a message (new reference), NULL when out of memory. */
json_t *cli_json_message(const cli_message_view *v);
/* Print it compact on one line (JSON Lines). 0, ENVOI_ENOMEM or ENVOI_EIO. */
int cli_json_print_message(FILE *out, const cli_message_view *v);

/* A JSON string from bytes that should be UTF-8: invalid sequences become
 * U+FFFD, so nothing a message holds can make the output fail. NULL s gives
 * JSON null. */
json_t *cli_json_text(const char *s, size_t len);
json_t *cli_json_str(const char *s);

/* "2026-11-21T21:07:17Z" into out[21]. */
void cli_iso8601_utc(time_t t, char out[21]);

#endif
