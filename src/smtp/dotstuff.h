/* The message body on the wire: every line end made CRLF (bare CR and bare
 * LF alike, so "\n.\n" can never end the DATA early: no SMTP smuggling) and,
 * for DATA, a dot doubled at the start of each line. Works over chunks: a
 * line end or a dot split between two calls is handled the same. */
#ifndef ENVOI_SMTP_DOTSTUFF_H
#define ENVOI_SMTP_DOTSTUFF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct envoi_dot {
    bool bol;      /* at the start of a line */
    bool cr;       /* the last byte was a CR, already written as CRLF */
    bool stuff;    /* double leading dots (DATA); false: line ends only (BDAT) */
    bool eightbit; /* a byte over 127 was seen */
} envoi_dot;

void envoi_dot_init(envoi_dot *d, bool stuff);
/* Append the transformed bytes to out. 0 or ENVOI_ENOMEM. */
int envoi_dot_feed(envoi_dot *d, const void *data, size_t len, envoi_buf *out);
/* End the body: CRLF when the last line had none, then ".\r\n" for DATA. */
int envoi_dot_finish(envoi_dot *d, envoi_buf *out);

#endif
