/* What signing and verifying DKIM share: the message read as header fields
 * and body (bare LF line ends read as CRLF), the two canonicalizations
 * (RFC 6376 section 3.4), the body hash streamed, and the header hash
 * input built from an h= list. */
#ifndef ENVOI_DKIM_CANON_H
#define ENVOI_DKIM_CANON_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/dkim.h"
#include "util/buf.h"

/* One header field as it appears in the message: name and raw bytes
 * (name, colon, value, folding, through its CRLF; bare LF made CRLF). */
typedef struct dkim_field {
    const char *raw; /* points into dkim_header.text */
    size_t len;
    size_t name_len; /* the name, without trailing blanks before the colon */
} dkim_field;

typedef struct dkim_header {
    envoi_buf text;     /* the header section, line ends made CRLF */
    dkim_field *fields; /* in message order */
    size_t count;
    size_t body_offset; /* where the body starts in the source (after the empty line), or
                           the source length when there is no body */
} dkim_header;

/* Read the header section of source (up to the first empty line; a source
 * without an empty line is all header). Lines that are neither fields nor
 * continuations are skipped. 0 or ENVOI_ENOMEM. */
int dkim_header_read(dkim_header *h, const void *source, size_t len);
void dkim_header_free(dkim_header *h);
/* Case-insensitive name comparison of a field. */
bool dkim_field_is(const dkim_field *f, const char *name, size_t name_len);

/* Append field f canonicalized by c (simple: as is; relaxed: name
 * lowercased, unfolded, runs of WSP made one SP, WSP around the colon and
 * at the end removed) followed by CRLF unless without_crlf. */
int dkim_canon_field(envoi_dkim_canon c, const char *raw, size_t len, bool without_crlf,
                     envoi_buf *out);

/* The header hash input of RFC 6376 section 5.4.2: for each name of the
 * colon-separated h= list, the last not yet used field of that name
 * (bottom up), canonicalized; a name with no field left contributes
 * nothing. Then signature (the DKIM-Signature field itself with the value
 * of b= emptied, as raw bytes), canonicalized without its CRLF. */
int dkim_header_input(const dkim_header *h, const char *names, envoi_dkim_canon c,
                      const char *signature, size_t signature_len, envoi_buf *out);

/* Body canonicalization fed in pieces cut anywhere, hashed with SHA-256.
 * limit: hash at most this many canonicalized octets (l=), or -1. */
typedef struct dkim_body dkim_body;
dkim_body *dkim_body_new(envoi_dkim_canon c, long long limit);
int dkim_body_update(dkim_body *b, const void *data, size_t len);
/* The hash, and how many canonicalized octets the body had in all (before
 * any limit). Frees b. */
int dkim_body_finish(dkim_body *b, unsigned char hash[32], unsigned long long *canon_len);
void dkim_body_free(dkim_body *b);

#endif
