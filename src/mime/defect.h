/* The kinds of malformation the parser repairs, each with a stable name. */
#ifndef ENVOI_MIME_DEFECT_H
#define ENVOI_MIME_DEFECT_H

/* Bits, so header decoders can report several at once in an unsigned mask. */
enum mime_defect_kind {
    MIME_DEFECT_NO_HEADER_SEPARATOR = 1u << 0, /* no blank line between headers and body */
    MIME_DEFECT_BAD_HEADER_LINE = 1u << 1,     /* header line without a colon */
    MIME_DEFECT_8BIT_HEADER = 1u << 2,         /* raw 8-bit bytes in a header */
    MIME_DEFECT_BARE_LF = 1u << 3,             /* LF without CR */
    MIME_DEFECT_BARE_CR = 1u << 4,             /* CR without LF */
    MIME_DEFECT_NUL = 1u << 5,                 /* NUL bytes */
    MIME_DEFECT_LONG_LINE = 1u << 6,           /* line over 998 octets */
    MIME_DEFECT_NO_BOUNDARY = 1u << 7,         /* multipart without a boundary parameter */
    MIME_DEFECT_BOUNDARY_NOT_FOUND = 1u << 8,  /* multipart whose boundary never appears */
    MIME_DEFECT_NO_END_BOUNDARY = 1u << 9,     /* multipart not closed by --boundary-- */
    MIME_DEFECT_DEPTH = 1u << 10,              /* nesting deeper than the bound */
    MIME_DEFECT_BAD_BASE64 = 1u << 11,         /* invalid characters in base64 */
    MIME_DEFECT_TRUNCATED_BASE64 = 1u << 12,   /* base64 not a multiple of 4 */
    MIME_DEFECT_BAD_QP = 1u << 13,             /* invalid quoted-printable escape */
    MIME_DEFECT_BAD_ENCODED_WORD = 1u << 14,   /* malformed RFC 2047 encoded-word */
    MIME_DEFECT_UNKNOWN_CHARSET = 1u << 15,    /* charset unknown to iconv */
    MIME_DEFECT_CHARSET_MISMATCH = 1u << 16,   /* bytes invalid in the declared charset */
    MIME_DEFECT_BAD_ADDRESS = 1u << 17,        /* address list not as RFC 5322 says */
    MIME_DEFECT_BAD_DATE = 1u << 18,           /* date unreadable */
    MIME_DEFECT_BAD_PARAM = 1u << 19,          /* malformed Content-Type/Disposition params */
    MIME_DEFECT_BAD_ENCODING = 1u << 20,       /* unknown Content-Transfer-Encoding */
    MIME_DEFECT_TRUNCATED = 1u << 21,          /* input ended inside a part */
    MIME_DEFECT_BAD_UUENCODE = 1u << 22,       /* malformed uuencoded block */
};

/* Stable identifier of one kind ("missing-end-boundary"...); "unknown" otherwise. */
const char *mime_defect_name(unsigned kind);
/* One sentence saying what was malformed and how it was read. */
const char *mime_defect_sentence(unsigned kind);

#endif
