/* Generated Message-IDs and MIME boundaries. */
#ifndef ENVOI_MIME_MESSAGEID_H
#define ENVOI_MIME_MESSAGEID_H

#include <stddef.h>

/* A new id "RANDOM@HOST" (no angle brackets): 28 random letters and digits,
 * and the host name when it is a plain DNS name, else "localhost". *out is a
 * new string to free(). 0, ENVOI_EINVAL (no randomness) or ENVOI_ENOMEM. */
int mime_messageid_generate(char **out);

/* A boundary "=_" + 28 random letters and digits, NUL-terminated, into out
 * (size >= 31). "=_" never occurs in quoted-printable or base64 output, so
 * only 7bit content can collide, and the caller checks that. */
int mime_boundary_generate(char *out, size_t size);

#endif
