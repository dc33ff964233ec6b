/* The result of "envoi send --json": one JSON object on standard output. */
#ifndef ENVOI_CLI_OUTPUT_JSON_H
#define ENVOI_CLI_OUTPUT_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "envoi/error.h"
#include "envoi/smtp.h"

typedef struct cli_send_result {
    const char *server;             /* "host:port", NULL when not known */
    const char *reply;              /* final reply to the message, NULL when none */
    const envoi_rcpt_status *rcpts; /* per recipient, from the session */
    size_t nrcpts;
    const char *const *planned; /* used when rcpts is empty: */
    size_t nplanned;            /* every recipient, not yet tried */
    const envoi_error *error;   /* NULL when sent */
    const char *message;        /* one-line description of the error */
} cli_send_result;

/* {"status":"sent"|"error","server":…,"reply":…,"recipients":[{"address",
 * "code","enhanced","text","accepted"}…],"error":null|{"code","name",
 * "reply_code","enhanced","text","temporary","message"}} and a newline.
 * Returns 0, or ENVOI_ENOMEM / ENVOI_EIO. */
int cli_json_print_result(FILE *out, const cli_send_result *r);

#endif
