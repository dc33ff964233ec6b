/* The parsed form of a message: parts as offsets into one source buffer,
 * header fields split and unfolded once, decoded values cached, defects. */
#ifndef ENVOI_MIME_PART_H
#define ENVOI_MIME_PART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "envoi/parse.h"
#include "mime/decode.h"
#include "mime/parse_arena.h"
#include "util/buf.h"

#define MIME_MAX_DEPTH 64     /* nesting of multiparts and messages */
#define MIME_MAX_DEFECTS 1000 /* defects kept per message */
#define MIME_MAX_PARTS 100000 /* parts per message; later ones stay in their parent's body */

enum mime_cte {
    MIME_CTE_IDENTITY = 0, /* none, 7bit, 8bit, binary */
    MIME_CTE_BASE64,
    MIME_CTE_QP,
    MIME_CTE_UU,
    MIME_CTE_UNKNOWN, /* kept raw */
};

enum mime_kind {
    MIME_LEAF = 0,
    MIME_MULTIPART, /* children between boundaries */
    MIME_MESSAGE,   /* one child: the embedded message */
};

enum mime_mp_state { MIME_PREAMBLE = 0, MIME_CHILD, MIME_EPILOGUE };

/* A file uuencoded inside a text/plain body. */
typedef struct mime_uu_file {
    const char *name;
    const unsigned char *data;
    size_t len;
} mime_uu_file;

/* A header field: name as written, value unfolded (raw); both NUL-terminated. */
typedef struct mime_field {
    char *name;
    size_t nlen; /* of name */
    char *value;
    size_t off, len;     /* raw bytes of the field, line ends included, in the source */
    unsigned hash;       /* of the lowercase name: lookups compare it first */
    bool maybe_repeated; /* an earlier field of the part may have the same name */
    const char *decoded; /* RFC 2047 decoded value, cached; NULL until asked */
} mime_field;

struct envoi_part {
    envoi_message *msg;
    envoi_part *parent;
    envoi_part **children;
    size_t nchildren, cap_children;
    const char *path;
    unsigned depth;
    int kind;
    int mp_state;
    size_t off;                /* first byte of the headers */
    size_t body_off, body_end; /* the body: [body_off, body_end) */
    size_t pre_end,
        epi_off; /* multipart: preamble [body_off, pre_end), epilogue [epi_off, body_end) */
    bool closed; /* multipart saw its close delimiter */
    bool encoded_message; /* message/rfc822 in base64 or quoted-printable: read once decoded */
    mime_field *fields;
    size_t nfields, cap_fields;
    unsigned long long name_bits; /* bit (hash % 64) of each field's name */
    size_t last_at;               /* the index envoi_part_header_at last gave out */
    mime_params ct, cd; /* Content-Type, Content-Disposition as read (ct.value NULL: none) */
    const char *type;   /* lowercase type/subtype in effect */
    const char *boundary;
    const char *charset, *disposition, *filename, *cid, *cte_name;
    int cte;
    unsigned defect_mask; /* kinds already recorded for this part */
    /* caches of the lazy getters */
    bool body_done, text_done;
    unsigned char *body;
    size_t body_len;
    char *text;
    size_t text_len;
    bool uu_done;
    mime_uu_file *uu;
    size_t nuu, cap_uu;
};

typedef struct mime_defect_rec {
    envoi_defect pub;
    envoi_part *part;
    unsigned kind;
} mime_defect_rec;

/* Everything a parsed message adds to envoi_message. */
typedef struct mime_parsed {
    mime_arena arena;
    char *src; /* the source: owned malloc'd copy, or a mapping */
    size_t src_len;
    bool src_mapped;   /* src is a mapping of src_maplen bytes (munmap) */
    bool src_borrowed; /* src belongs to the caller: not freed */
    size_t src_maplen;
    bool has_bodies; /* false for streamed messages: no source kept */
    envoi_part *root;
    envoi_part **parts; /* every part, in depth-first order */
    size_t nparts, cap_parts;
    mime_defect_rec *defects;
    size_t ndefects, cap_defects; /* kept in source order */
    unsigned once_mask;           /* kinds recorded once per message, already recorded */
    /* top-level getters, read once from the headers */
    bool fields_done;
    const char *subject;
    mime_addr_list lists[6]; /* by envoi_field */
    bool has_date;
    time_t date;
    mime_id_list message_id, in_reply_to, references;
    envoi_message **subs; /* messages read from encoded message/rfc822 parts, freed with this one */
    size_t nsubs, cap_subs;
    bool main_done;
    const envoi_part *text_part, *html_part;
} mime_parsed;

/* A new empty parsed state attached to msg (msg->parsed). ENVOI_ENOMEM. */
int mime_parsed_attach(envoi_message *msg);
void mime_parsed_free(mime_parsed *pm);
/* A new part under parent (NULL: the root), registered in pm->parts. */
envoi_part *mime_part_new(envoi_message *msg, envoi_part *parent, size_t off);
/* Append item to a growing array of pointers. 0 or ENVOI_ENOMEM. */
int mime_append_ptr(void *items, size_t *len, size_t *cap, void *item);
/* Record a defect of one kind on a part at a source offset (once per kind
 * and part; at most MIME_MAX_DEFECTS per message). */
void mime_defect_add(envoi_message *msg, envoi_part *part, unsigned kind, size_t off);
/* Append a defect record as it is (from a nested message). */
void mime_defect_copy(envoi_message *msg, const mime_defect_rec *r);
/* Each bit of mask as a defect. */
void mime_defect_add_mask(envoi_message *msg, envoi_part *part, unsigned mask, size_t off);
/* Give each recorded defect its part's path (call once the tree is complete). */
void mime_defects_finish(envoi_message *msg);

enum { MIME_HL_OTHER = 0, MIME_HL_FIELD, MIME_HL_CONT };
/* One line of a header block as the parser classified it: its length with
 * its line end, its MIME_HL_ class and, for a field, the colon's offset and
 * the name's length (see mime_header_line_split). */
typedef struct mime_hline {
    uint32_t len, colon, nlen;
    int cls;
} mime_hline;
/* Split and unfold the header block block[0..len) (line ends included) of a
 * part whose first header byte is at source offset base, then read the
 * fields that shape the part (Content-Type, -Transfer-Encoding,
 * -Disposition, -ID). lines[0..nlines), when not NULL, are the block's lines
 * in order, covering it exactly: they are used instead of finding them again. */
int mime_part_read_headers(envoi_part *part, const char *block, size_t len, size_t base,
                           const mime_hline *lines, size_t nlines);
/* mime_header_line_class, also giving a field's colon offset and name length
 * (*colon and *nlen are left alone for other lines). */
int mime_header_line_split(const char *s, size_t n, size_t *colon, size_t *nlen);
/* What a header line s[0..n) (no line end) is: a field "Name:" (a name of
 * bytes other than controls, space and colon; 8-bit bytes accepted as mail
 * readers do; optional whitespace before the colon), a continuation (leading
 * whitespace) or something else. */
int mime_header_line_class(const char *s, size_t n);
/* Hash of a field name, case-insensitive. */
unsigned mime_field_hash(const char *name, size_t len);
/* The first field of that name (case-insensitive); NULL. Constant time
 * when name is the name of the field envoi_part_header_at last gave out. */
const mime_field *mime_part_field(const envoi_part *part, const char *name);
/* A field of part with its RFC 2047 encoded-words decoded (cached in the
 * field); NULL when out of memory. */
const char *mime_field_decoded(const envoi_part *part, const mime_field *f);
/* Decide the part's kind and path once its headers are read and its parent
 * known. */
int mime_part_settle(envoi_part *part);

/* The transfer-decoded body of a part of a message with a source, cached. */
int mime_part_decode_body(envoi_part *part);

/* Before a list field of a parsed message is first changed, fill the model's
 * list with the addresses (or References ids) read from the source, so that
 * add_to... adds to them. 0 or ENVOI_ENOMEM. */
int mime_parsed_seed(envoi_message *msg, unsigned changed_bit);
/* Serialize a parsed message: the source as it is, with the top-level fields
 * the caller changed rewritten. */
int mime_parsed_write(envoi_message *msg, envoi_write_fn write, void *ctx);

#endif
