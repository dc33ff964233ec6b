/* Writing one header field: folding at 78 columns at whitespace, between
 * addresses and between encoded-words, never over 998; RFC 2047
 * encoded-words for text that is not plain ASCII.
 *
 *     mime_hdr h;
 *     mime_hdr_begin(&h, &buf, "Subject");
 *     mime_hdr_text(&h, "Grüße aus Köln");
 *     rc = mime_hdr_end(&h);
 */
#ifndef ENVOI_MIME_HEADER_WRITE_H
#define ENVOI_MIME_HEADER_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define MIME_LINE_SOFT 78 /* fold beyond this */
#define MIME_EW_MAX 75    /* longest encoded-word */

typedef struct mime_hdr {
    envoi_buf *out;
    size_t col; /* octets on the current line */
    int rc;     /* first failure (ENVOI_ENOMEM), sticky */
} mime_hdr;

/* Start "Name:" at the end of out. */
void mime_hdr_begin(mime_hdr *h, envoi_buf *out, const char *name);
/* Append s without a fold point before it (e.g. ";" after a value). */
void mime_hdr_raw(mime_hdr *h, const char *s, size_t len);
/* Append sep (whitespace, at least one character) then word; when the line
 * would pass 78 columns, a line break goes before sep. */
void mime_hdr_word(mime_hdr *h, const char *sep, size_t seplen, const char *word, size_t len);
/* Unstructured text (UTF-8): ASCII words as they are, runs of words that need
 * it (non-ASCII, controls, longer than a line, looking like an encoded-word)
 * as encoded-words. Leading and trailing whitespace is dropped. */
void mime_hdr_text(mime_hdr *h, const char *utf8);
/* A display name (UTF-8): atoms, a quoted-string when it holds specials, or
 * encoded-words when it is not ASCII or too long. */
void mime_hdr_phrase(mime_hdr *h, const char *utf8);
/* "name <addr>" or "addr", then trail (e.g. ","), as fold units. */
void mime_hdr_mailbox(mime_hdr *h, const char *name, const char *addr, const char *trail);
/* End the field with CRLF; returns 0 or the first failure. */
int mime_hdr_end(mime_hdr *h);

/* Encode one RFC 2047 encoded-word ("=?utf-8?b?...?=" or "?q?") from the
 * UTF-8 text at s[*pos..len), whole characters only, at most max octets long
 * (max >= 24), appended to out; *pos advances past what it holds. */
int mime_ew_next(const char *s, size_t len, size_t *pos, bool use_b, size_t max, envoi_buf *out);
/* True when B encoding of s is shorter than Q encoding. */
bool mime_ew_prefer_b(const char *s, size_t len);

#endif
