/* Messages on standard error: "envoi: send: what: the server's words". */
#ifndef ENVOI_CLI_REPORT_H
#define ENVOI_CLI_REPORT_H

#include <stdio.h>

#include "envoi/error.h"
#include "util/buf.h"

/* Describe a failure in one line, without the "envoi: send: " prefix.
 * server ("host:port") is named for failures that involve it; may be NULL.
 * Returns 0 or ENVOI_ENOMEM. */
int cli_describe_error(envoi_buf *out, const envoi_error *err, const char *server);
/* "envoi: COMMAND: " + formatted text + newline, on out. */
void cli_report(FILE *out, const char *command, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A usage error: cli_report, then the hint to COMMAND --help; returns
 * EX_USAGE (64). */
int cli_usage_error(FILE *out, const char *command, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
