/* Multi-line responses ended by a line holding a single "." (POP3 RETR, TOP,
 * LIST, UIDL, CAPA): the un-dot-stuffing decoder, fed in arbitrary pieces, and
 * a reader that streams such a body from the engine's connection in bounded
 * memory whatever the length of its lines. */
#ifndef ENVOI_PROTO_DOTTED_H
#define ENVOI_PROTO_DOTTED_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/message.h"
#include "proto/pp.h"

typedef struct envoi_undot {
    int state;    /* where in a line the next byte falls */
    bool done;    /* the end line was read */
    size_t bytes; /* content bytes passed on so far */
} envoi_undot;

void envoi_undot_init(envoi_undot *u);
/* Take bytes up to and including the end line ("." then CRLF or LF): the
 * content goes to write (may be NULL) with a leading stuffed dot removed from
 * each line and line ends kept as received. *used tells how many bytes of
 * data were taken (all of them unless the end line came). Returns 0 or the
 * negative value write returned (the bytes were still taken). */
int envoi_undot_feed(envoi_undot *u, const char *data, size_t len, size_t *used,
                     envoi_write_fn write, void *ctx);

/* Read a dot-terminated body from pp's connection into write, leaving what
 * follows it (a pipelined response) unread. When write fails, the rest of the
 * body is still read and dropped, so the conversation stays in step, and
 * write's code is returned. A connection closed before the end line is
 * ENVOI_ECLOSED: the body is incomplete. */
int envoi_pp_read_dotted(envoi_pp *pp, envoi_write_fn write, void *ctx);

#endif
