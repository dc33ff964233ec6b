/* The text output of "envoi queue": the list as a table, one message with
 * its recipients and history, the counts. Text from envoid is printed with
 * control characters replaced, so a subject cannot drive the terminal. */
#ifndef ENVOI_CLI_QUEUE_PRINT_H
#define ENVOI_CLI_QUEUE_PRINT_H

#include <jansson.h>
#include <stdio.h>

/* {"messages": [...]} as a table: ID, STATUS, TRIES, SUBMITTED (UTC),
 * FROM, SUBJECT; "no messages" when the page is empty. */
void cli_queue_print_list(FILE *out, const json_t *list);
/* One message (GET /v1/messages/{id}): status, dates, reason, every
 * recipient with its reply, every attempt. */
void cli_queue_print_show(FILE *out, const json_t *msg);
/* GET /v1/stats: one count a line, then whether submissions are paused. */
void cli_queue_print_stats(FILE *out, const json_t *stats);
/* JSON on one line and a newline. 0, or ENVOI_EIO. */
int cli_queue_print_json(FILE *out, const json_t *value);

#endif
