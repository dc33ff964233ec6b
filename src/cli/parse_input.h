/* The sources "envoi parse" reads: a message file, an mbox (first line
 * starts with "From "), standard input ("-"), or a maildir (a directory with
 * cur/ or new/). Each is streamed through envoi_stream_parser in chunks. */
#ifndef ENVOI_CLI_PARSE_INPUT_H
#define ENVOI_CLI_PARSE_INPUT_H

#include <stdbool.h>

#include "envoi/parse.h"
#include "util/buf.h"

/* Stream the messages of path ("-": standard input) through parsers made
 * with cb and ctx. Returns 0; ENVOI_EFILE when path cannot be read or is a
 * directory that is no maildir (why says which file and why); or the
 * negative code a callback returned. */
int cli_parse_input(const char *path, const envoi_parse_callbacks *cb, void *ctx, envoi_buf *why);

#endif
