/* Names and sentences of the defects the parser repairs, and the record of
 * those found in a message. */
#include "mime/defect.h"

#include <stdlib.h>
#include <string.h>

#include "mime/message_impl.h"
#include "mime/part.h"

static const struct {
    unsigned kind;
    const char *name;
    const char *sentence;
} defects[] = {
    {MIME_DEFECT_NO_HEADER_SEPARATOR, "missing-header-separator",
     "A line that is not a header field ended the header block; the body was read from there."},
    {MIME_DEFECT_BAD_HEADER_LINE, "bad-header-line",
     "A header line that continues no field was skipped."},
    {MIME_DEFECT_8BIT_HEADER, "8bit-header",
     "A header holds raw 8-bit bytes; they were read as UTF-8, or windows-1252 when not UTF-8."},
    {MIME_DEFECT_BARE_LF, "bare-lf", "Lines end with LF alone instead of CRLF; LF was accepted."},
    {MIME_DEFECT_BARE_CR, "bare-cr", "A CR not followed by LF was kept as data, not a line end."},
    {MIME_DEFECT_NUL, "nul-byte",
     "A header or body holds NUL bytes; in a header they were read as spaces."},
    {MIME_DEFECT_LONG_LINE, "long-line",
     "A header line is longer than 998 octets; when streaming, its excess was dropped."},
    {MIME_DEFECT_NO_BOUNDARY, "missing-boundary-parameter",
     "A multipart has no boundary parameter; its body was read as text/plain."},
    {MIME_DEFECT_BOUNDARY_NOT_FOUND, "boundary-not-found",
     "The boundary of a multipart never appears; its whole body was kept as the preamble."},
    {MIME_DEFECT_NO_END_BOUNDARY, "missing-end-boundary",
     "A multipart is not closed by its end boundary; it ended where its parent or the input did."},
    {MIME_DEFECT_DEPTH, "too-deep",
     "Parts are nested deeper than the parser follows; the deepest was read as text/plain."},
    {MIME_DEFECT_BAD_BASE64, "bad-base64", "Characters outside the base64 alphabet were skipped."},
    {MIME_DEFECT_TRUNCATED_BASE64, "truncated-base64",
     "The base64 data does not end on a whole group; the complete bytes were kept."},
    {MIME_DEFECT_BAD_QP, "bad-quoted-printable",
     "An '=' that starts no valid escape was kept literally."},
    {MIME_DEFECT_BAD_ENCODED_WORD, "bad-encoded-word",
     "A malformed RFC 2047 encoded-word was decoded as far as possible or kept as it is."},
    {MIME_DEFECT_UNKNOWN_CHARSET, "unknown-charset",
     "The charset is unknown; the text was read as UTF-8, or windows-1252 when not UTF-8."},
    {MIME_DEFECT_CHARSET_MISMATCH, "charset-mismatch",
     "The text is not valid in its declared charset; a fallback charset was used."},
    {MIME_DEFECT_BAD_ADDRESS, "bad-address",
     "An address list does not follow RFC 5322; it was repaired as mail readers do."},
    {MIME_DEFECT_BAD_DATE, "bad-date", "The date could not be read."},
    {MIME_DEFECT_BAD_PARAM, "bad-parameter",
     "A Content-Type or Content-Disposition value is malformed; defaults were used."},
    {MIME_DEFECT_BAD_ENCODING, "unknown-transfer-encoding",
     "The Content-Transfer-Encoding is unknown; the body was kept undecoded."},
    {MIME_DEFECT_TRUNCATED, "truncated", "The input ended inside a part."},
    {MIME_DEFECT_BAD_UUENCODE, "bad-uuencode",
     "A uuencoded block is malformed; the lines that could be read were decoded."},
};

#define NDEFECTS (sizeof defects / sizeof defects[0])

const char *mime_defect_name(unsigned kind)
{
    for (size_t i = 0; i < NDEFECTS; i++)
        if (defects[i].kind == kind)
            return defects[i].name;
    return "unknown";
}

const char *mime_defect_sentence(unsigned kind)
{
    for (size_t i = 0; i < NDEFECTS; i++)
        if (defects[i].kind == kind)
            return defects[i].sentence;
    return "An unknown malformation was repaired.";
}

/* Room for one more record; false when full or out of memory (a defect lost
 * to memory pressure is not worth failing the parse). */
static bool make_room(mime_parsed *pm)
{
    if (pm->ndefects >= MIME_MAX_DEFECTS)
        return false;
    if (pm->ndefects == pm->cap_defects) {
        size_t cap = pm->cap_defects ? pm->cap_defects * 2 : 8;
        mime_defect_rec *d = realloc(pm->defects, cap * sizeof *d);
        if (!d)
            return false;
        pm->defects = d;
        pm->cap_defects = cap;
    }
    return true;
}

/* Defects are kept in source order (offset, then kind), so the list is the
 * same whether a body was decoded while streaming or later on demand. */
static void insert(mime_parsed *pm, const mime_defect_rec *r)
{
    size_t i = pm->ndefects;
    while (i > 0) {
        const mime_defect_rec *prev = &pm->defects[i - 1];
        if (prev->pub.offset < r->pub.offset ||
            (prev->pub.offset == r->pub.offset && prev->kind <= r->kind))
            break;
        i--;
    }
    memmove(&pm->defects[i + 1], &pm->defects[i], (pm->ndefects - i) * sizeof *r);
    pm->defects[i] = *r;
    pm->ndefects++;
}

/* Kinds that describe the whole message: recorded once, not per part. */
#define ONCE_PER_MESSAGE MIME_DEFECT_BARE_LF

void mime_defect_add(envoi_message *msg, envoi_part *part, unsigned kind, size_t off)
{
    mime_parsed *pm = msg->parsed;
    if (part && (part->defect_mask & kind))
        return;
    if (pm->once_mask & kind)
        return;
    if (!make_room(pm))
        return;
    if (part)
        part->defect_mask |= kind;
    pm->once_mask |= kind & ONCE_PER_MESSAGE;
    mime_defect_rec r;
    r.part = part;
    r.kind = kind;
    r.pub.name = mime_defect_name(kind);
    r.pub.detail = mime_defect_sentence(kind);
    r.pub.offset = off;
    r.pub.path = part && part->path ? part->path : "";
    insert(pm, &r);
}

void mime_defect_copy(envoi_message *msg, const mime_defect_rec *r)
{
    if (make_room(msg->parsed))
        insert(msg->parsed, r);
}

void mime_defect_add_mask(envoi_message *msg, envoi_part *part, unsigned mask, size_t off)
{
    for (unsigned bit = 1; mask; bit <<= 1)
        if (mask & bit) {
            mime_defect_add(msg, part, bit, off);
            mask &= ~bit;
        }
}

void mime_defects_finish(envoi_message *msg)
{
    mime_parsed *pm = msg->parsed;
    for (size_t i = 0; i < pm->ndefects; i++) {
        envoi_part *p = pm->defects[i].part;
        pm->defects[i].pub.path = p && p->path ? p->path : "";
    }
}
