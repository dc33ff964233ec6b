/* Quoted-printable (RFC 2045 section 6.7), streaming encoder and a lenient
 * decoder.
 *
 * The encoder keeps bytes exact: a CRLF pair becomes a hard line break, a
 * lone CR or LF is written =0D / =0A, trailing spaces and tabs before a line
 * end are encoded, '=' and every byte outside printable ASCII are escaped,
 * and lines are kept to 76 characters with soft breaks. */
#ifndef ENVOI_UTIL_QP_H
#define ENVOI_UTIL_QP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct envoi_qp_enc {
    size_t col;   /* characters on the current output line */
    int pend_ws;  /* a space or tab not yet written (its encoding depends on what follows), or -1 */
    bool pend_cr; /* a CR not yet written (a following LF makes a hard break) */
} envoi_qp_enc;

void envoi_qp_enc_init(envoi_qp_enc *e);
/* Largest output of one update (or final) call for len input bytes. */
size_t envoi_qp_enc_bound(size_t len);
/* Encode len bytes into out (room for envoi_qp_enc_bound); returns the number
 * of characters written. */
size_t envoi_qp_enc_update(envoi_qp_enc *e, const void *in, size_t len, char *out);
/* Flush what is pending; returns characters written. */
size_t envoi_qp_enc_final(envoi_qp_enc *e, char *out);
/* One shot encode appended to out: 0 or ENVOI_ENOMEM. */
int envoi_qp_encode(const void *in, size_t len, envoi_buf *out);

/* Decode, appending to out. Soft breaks are removed, =XX decoded, line ends
 * kept as they are; a malformed '=' sequence is kept literally. 0 or
 * ENVOI_ENOMEM. */
int envoi_qp_decode(const char *in, size_t len, envoi_buf *out);

#endif
