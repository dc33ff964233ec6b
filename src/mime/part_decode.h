/* Transfer decoders for message bodies (base64, quoted-printable, uuencode,
 * identity), streaming and lenient: the output never depends on how the
 * input is cut into calls, bad input is read as far as it makes sense and
 * reported as MIME_DEFECT_... bits. */
#ifndef ENVOI_MIME_PART_DECODE_H
#define ENVOI_MIME_PART_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "mime/part.h"
#include "util/base64.h"

#define MIME_QP_WS_MAX 64    /* whitespace kept after '=' while waiting for a line end */
#define MIME_UU_LINE_MAX 256 /* longer uuencoded lines are malformed */

typedef struct mime_decoder {
    int cte;          /* enum mime_cte */
    unsigned defects; /* MIME_DEFECT_... bits seen so far */
    envoi_b64_dec b64;
    int qstate;
    char qhex;
    char qws[MIME_QP_WS_MAX];
    size_t nqws;
    int ustate;
    char uline[MIME_UU_LINE_MAX];
    size_t nuline;
    bool uline_long;
    bool cr; /* the input so far ends with a CR: bare unless LF comes next */
} mime_decoder;

void mime_decoder_init(mime_decoder *d, int cte);
/* Room the output of one feed or finish call of len input bytes needs. */
size_t mime_decoder_bound(size_t len);
/* Decode in[0..len) into out; returns the bytes written. NUL bytes and CRs
 * not followed by LF in the input (the body as it is in the source) are
 * reported too, whatever the encoding. */
size_t mime_decoder_feed(mime_decoder *d, const char *in, size_t len, unsigned char *out);
/* End of the body: what is still held; returns the bytes written. */
size_t mime_decoder_finish(mime_decoder *d, unsigned char *out);

/* MIME_DEFECT_NUL and MIME_DEFECT_BARE_CR for a whole body in[0..len) that
 * needs no decoding (a CR at its very end is bare). */
unsigned mime_body_controls(const char *in, size_t len);

/* Record the MIME_DEFECT_... bits of mask found while decoding part (at
 * source offset off): on the part's message, and when that message was read
 * from an encoded message/rfc822 part, on the enclosing messages too (as the
 * streaming parser reports them). */
void mime_part_report(envoi_part *part, unsigned mask, size_t off);

#endif
