/* The protocol trace of -v (standard error) and --trace FILE: one line per
 * command or reply, "> " sent, "< " received. Sessions mask passwords,
 * tokens and SASL payloads before a line reaches the trace. */
#ifndef ENVOI_CLI_TRACE_H
#define ENVOI_CLI_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "envoi/error.h"

typedef struct cli_trace {
    FILE *out;    /* NULL: no trace */
    bool owned;   /* out is the --trace file, closed by cli_trace_close */
    bool stamped; /* each line starts with the time (the --trace file) */
} cli_trace;

/* With path, the trace goes to that file, created or emptied with mode
 * 0600 (an existing file is made 0600; a symbolic link is refused), lines
 * stamped with the time; else with verbose to errout; else nowhere.
 * Returns 0 or ENVOI_EFILE with err naming the file. */
int cli_trace_open(cli_trace *t, const char *path, bool verbose, FILE *errout, envoi_error *err);
/* The callback for envoi_<session>_set_trace; ctx is the cli_trace. */
void cli_trace_line(void *ctx, bool sent, const char *line);
void cli_trace_close(cli_trace *t);

#endif
