/* SMTP replies (RFC 5321 4.2), parsed strictly: three digits, then '-' for
 * a line that continues, ' ' or the end of the line for the last one; the
 * same code on every line. Enhanced status codes (RFC 3463) taken out of the
 * text when the server announced ENHANCEDSTATUSCODES. */
#ifndef ENVOI_SMTP_REPLY_H
#define ENVOI_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/error.h"
#include "util/buf.h"

typedef struct envoi_smtp_reply {
    int code;          /* 0 until the first line is read */
    char enhanced[16]; /* "5.1.1", or "" */
    envoi_buf text;    /* the lines' text after the code, '\n' separated, sanitized */
    size_t lines;
} envoi_smtp_reply;

void envoi_smtp_reply_reset(envoi_smtp_reply *r);
void envoi_smtp_reply_free(envoi_smtp_reply *r);

/* Add one line (without its line end): 1 when more lines follow, 0 when the
 * reply is complete, ENVOI_EPROTOCOL (err names the line) for anything else. */
int envoi_smtp_reply_add_line(envoi_smtp_reply *r, const char *line, size_t len, envoi_error *err);

/* Move an enhanced status code ("x.y.z" whose class matches the reply's
 * first digit) from the text into r->enhanced, from every line it starts. */
void envoi_smtp_reply_take_enhanced(envoi_smtp_reply *r);

/* "550 5.1.1 text..." in one line (the lines joined by a space). */
int envoi_smtp_reply_format(const envoi_smtp_reply *r, envoi_buf *out);
/* The text alone, lines joined by a space. */
int envoi_smtp_reply_words(const envoi_smtp_reply *r, envoi_buf *out);

#endif
