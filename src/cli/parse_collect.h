/* The streaming side of "envoi parse": callbacks for envoi_stream_parser
 * that hash each part's decoded body as it goes by and keep only the
 * candidate main text and HTML bodies, up to CLI_BODY_KEEP_MAX bytes each,
 * so an mbox of any size is read in bounded memory. Each finished message
 * is handed over as a cli_message_view. */
#ifndef ENVOI_CLI_PARSE_COLLECT_H
#define ENVOI_CLI_PARSE_COLLECT_H

#include "cli/parse_view.h"
#include "envoi/parse.h"

/* A main body larger than this (decoded) is cut at its last line end
 * before this size, with a "body-truncated" note in the defects. */
#define CLI_BODY_KEEP_MAX ((size_t)1 << 20)
/* All candidate bodies of one message together keep at most this much. */
#define CLI_BODY_KEEP_TOTAL ((size_t)4 << 20)

/* Called once per message; a negative return stops the parser. */
typedef int (*cli_message_fn)(void *ctx, const cli_message_view *v);

typedef struct cli_collector cli_collector;

cli_collector *cli_collector_new(cli_message_fn fn, void *ctx);
/* The callbacks to pass to envoi_stream_parser_new with the collector as ctx. */
const envoi_parse_callbacks *cli_collector_callbacks(void);
/* The number of messages handed over so far. */
size_t cli_collector_count(const cli_collector *c);
void cli_collector_free(cli_collector *c);

#endif
