/* Lexical pieces shared by the header decoders (RFC 5322 section 3.2). */
#ifndef ENVOI_MIME_LEX_H
#define ENVOI_MIME_LEX_H

#include <stddef.h>

/* s[i] is '(': the index just past the matching ')', nested comments and
 * quoted-pairs included; len when the comment is never closed. */
size_t mime_skip_comment(const char *s, size_t len, size_t i);

#endif
