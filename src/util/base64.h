/* Base64 (RFC 4648) encoding and decoding, streaming: the state carries the
 * bytes of an incomplete group and the output column across chunks. */
#ifndef ENVOI_UTIL_BASE64_H
#define ENVOI_UTIL_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct envoi_b64_enc {
    unsigned char pend[3];
    size_t npend;
    size_t col;      /* characters on the current output line */
    size_t line_len; /* break lines (CRLF) after this many characters; 0: never */
} envoi_b64_enc;

void envoi_b64_enc_init(envoi_b64_enc *e, size_t line_len);
/* Largest output of one update (or final) call for len input bytes. */
size_t envoi_b64_enc_bound(size_t len, size_t line_len);
/* Encode len bytes into out (room for envoi_b64_enc_bound); returns the
 * number of characters written. Lines are separated by CRLF; the last line
 * has no line end. */
size_t envoi_b64_enc_update(envoi_b64_enc *e, const void *in, size_t len, char *out);
/* Flush the incomplete group with padding; returns characters written (≤ 6). */
size_t envoi_b64_enc_final(envoi_b64_enc *e, char *out);
/* One shot, no line breaks, appended to out. 0 or ENVOI_ENOMEM. */
int envoi_base64_encode(const void *in, size_t len, envoi_buf *out);

/* What lenient decoding saw besides junk (envoi_b64_dec.seen). */
enum { ENVOI_B64_SEEN_NUL = 1, ENVOI_B64_SEEN_BARE_CR = 2 };

typedef struct envoi_b64_dec {
    unsigned acc;
    int nchars;    /* characters in acc (0..3) */
    bool pad;      /* padding seen: only padding and whitespace may follow */
    bool cr;       /* lenient: the last character was a CR, its LF may come next */
    unsigned seen; /* lenient: ENVOI_B64_SEEN_... bits */
} envoi_b64_dec;

void envoi_b64_dec_init(envoi_b64_dec *d);
/* Decode len characters (whitespace and line ends are skipped) into out,
 * which needs room for len * 3 / 4 + 3 bytes. Returns the number of bytes
 * written, or ENVOI_EINVAL on a character outside the alphabet or data
 * after padding. */
long envoi_b64_dec_update(envoi_b64_dec *d, const char *in, size_t len, unsigned char *out);
/* 0 when the input ended on a group boundary (or a correctly padded
 * group), ENVOI_EINVAL otherwise. Unpadded input is accepted. */
int envoi_b64_dec_final(envoi_b64_dec *d, unsigned char *out, size_t *written);
/* One shot decode appended to out: 0, ENVOI_EINVAL or ENVOI_ENOMEM. */
int envoi_base64_decode(const char *in, size_t len, envoi_buf *out);

/* Lenient decoding of message bodies. The common path decodes lines of whole
 * groups 32 characters at a time (AVX2 when the CPU has it, else four at a
 * time with a table) and steps over their line ends without leaving it.
 * Whitespace is skipped; any other character outside the
 * alphabet is skipped and counted in *junk; '=' ends the current group (a
 * group of 2 or 3 characters gives 1 or 2 bytes, a single character is
 * dropped and counted in *junk) and decoding goes on after it, so
 * concatenated encodings decode too. The result does not depend on how the
 * input is cut into calls. out needs room for len * 3 / 4 + 3 bytes; returns
 * the number of bytes written. NUL bytes and CRs not followed by LF (also
 * across calls) set bits in d->seen. */
size_t envoi_b64_dec_lenient(envoi_b64_dec *d, const char *in, size_t len, unsigned char *out,
                             size_t *junk);
/* End of input: the bytes of an unpadded last group (at most 2); *truncated
 * is set when characters were left over that make no byte. */
size_t envoi_b64_dec_lenient_final(envoi_b64_dec *d, unsigned char *out, bool *truncated);

#endif
