/* The command/response engine shared by the line-based protocol clients
 * (SMTP now, POP3 and IMAP later): send a command with its secret part masked
 * in the trace, read one response whose end the protocol decides, bounded in
 * lines and bytes. */
#ifndef ENVOI_PROTO_PP_H
#define ENVOI_PROTO_PP_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/error.h"
#include "net/conn.h"
#include "util/buf.h"

/* Receives every line sent (sent = true) and received, without its line end. */
typedef void (*envoi_trace_fn)(void *ctx, bool sent, const char *line);

/* Called for each line of a response: returns 1 when more lines follow, 0
 * when this line ends the response, or a negative ENVOI_E... code (after
 * filling err) when the line is not the protocol. */
typedef int (*envoi_pp_line_fn)(void *ctx, const char *line, size_t len, envoi_error *err);

typedef struct envoi_pp {
    envoi_conn *conn; /* not owned */
    envoi_error *err; /* where failures are described; not owned */
    envoi_trace_fn trace;
    void *trace_ctx;
    size_t max_line;   /* longest line accepted */
    size_t max_lines;  /* most lines in one response */
    size_t max_bytes;  /* most bytes in one response */
    envoi_buf scratch; /* trace copies */
} envoi_pp;

/* Defaults: lines up to 4 KiB, 256 lines and 64 KiB per response. */
void envoi_pp_init(envoi_pp *pp, envoi_error *err);
void envoi_pp_free(envoi_pp *pp);
/* End the conversation on pp's connection: send farewell ("QUIT") first
 * when it is not NULL, without waiting for the answer, then close the
 * connection (which pp does not own: the caller's handle is cleared). */
void envoi_pp_hang_up(envoi_pp *pp, envoi_conn **conn, const char *farewell);

/* Buffered: cmd and CRLF are queued on the connection. The trace shows the
 * first `visible` bytes of cmd followed by "****" when visible < len, so a
 * SASL payload never reaches it. */
int envoi_pp_send(envoi_pp *pp, const char *cmd, size_t len, size_t visible);
int envoi_pp_sendf(envoi_pp *pp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int envoi_pp_flush(envoi_pp *pp);

/* Read lines, handing each to fn, until fn says the response is complete.
 * A response longer than the limits is ENVOI_EPROTOCOL. */
int envoi_pp_read_response(envoi_pp *pp, envoi_pp_line_fn fn, void *ctx);

/* Append a printable, bounded rendering of untrusted bytes (control and
 * non-ASCII bytes as '?', cut at max with "...") for error texts and traces. */
int envoi_pp_quote(envoi_buf *out, const char *data, size_t len, size_t max);

#endif
