/* IMAP server responses (RFC 9051 / RFC 3501 grammar): framing of a complete
 * response in a byte buffer (lines and the literals they announce), and a
 * parser into generic values (atoms, numbers, strings, NIL, nested lists)
 * with typed readers for the parts the client needs: status responses and
 * their response codes, FETCH items (FLAGS, UID, RFC822.SIZE, INTERNALDATE,
 * ENVELOPE, BODYSTRUCTURE, BODY[section]), LIST/LSUB, STATUS, SEARCH/ESEARCH,
 * CAPABILITY. Folder names in modified UTF-7 (RFC 3501 5.1.3) are decoded to
 * UTF-8 and encoded back.
 *
 * Nothing here does I/O. Every input is untrusted: the parser never reads
 * past the buffer, bounds nesting depth and counts, and reports malformed
 * input as ENVOI_EPROTOCOL with a message naming what is wrong. */
#ifndef ENVOI_IMAP_RESPONSE_H
#define ENVOI_IMAP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "envoi/error.h"

/* Limits (a response beyond them is refused with ENVOI_EPROTOCOL). */
#define IMAP_MAX_DEPTH 64         /* list nesting (BODYSTRUCTURE of deep MIME) */
#define IMAP_MAX_LINE (1u << 20)  /* bytes of one line between literals */
#define IMAP_MAX_ITEMS (1u << 22) /* values in one response (e.g. SEARCH results) */

/* ---- framing ------------------------------------------------------------ */

/* Is a whole response at the start of buf[0..len)? A response is a line
 * ending in CRLF (a bare LF is accepted); a line ending in a literal
 * announcement "{N}" or "{N+}" continues after N bytes of literal data with
 * another line. Returns 1 and sets *total (bytes of the whole response,
 * with its final line end) when it is complete; 0 when more bytes are
 * needed (*total then says how many bytes are known to be needed at least);
 * ENVOI_EPROTOCOL when it cannot be a response (a literal larger than
 * max_literal, a line longer than IMAP_MAX_LINE, a malformed "{N}"). */
int imap_frame(const char *buf, size_t len, uint64_t max_literal, size_t *total, envoi_error *err);

/* ---- generic values ----------------------------------------------------- */

typedef enum imap_kind {
    IMAP_ATOM,   /* also flags (\Seen), and bracketed section text is kept */
    IMAP_NUMBER, /* a number that fits in 63 bits */
    IMAP_STRING, /* quoted (unescaped) or literal; bytes may include NUL */
    IMAP_NIL,
    IMAP_LIST, /* ( ... ) */
} imap_kind;

typedef struct imap_value {
    imap_kind kind;
    const char *data; /* ATOM / STRING bytes, NUMBER digits (NUL-terminated
                         copy: a mailbox named "2024" reads as a NUMBER), else NULL */
    size_t len;
    uint64_t number;          /* NUMBER */
    struct imap_value *items; /* LIST */
    size_t count;
} imap_value;

/* ---- responses ---------------------------------------------------------- */

typedef enum imap_response_kind {
    IMAP_RESP_TAGGED,       /* TAG OK|NO|BAD [code] text */
    IMAP_RESP_UNTAGGED,     /* "* ..." */
    IMAP_RESP_CONTINUATION, /* "+ ..." */
} imap_response_kind;

typedef enum imap_status {
    IMAP_STATUS_NONE, /* not a status response (untagged data) */
    IMAP_STATUS_OK,
    IMAP_STATUS_NO,
    IMAP_STATUS_BAD,
    IMAP_STATUS_PREAUTH,
    IMAP_STATUS_BYE,
} imap_status;

typedef struct imap_response {
    imap_response_kind kind;
    char tag[64]; /* TAGGED: the tag */
    imap_status status;
    /* Status responses: the response code in brackets ("ALERT",
     * "CAPABILITY", "UIDVALIDITY", "APPENDUID", "TRYCREATE"...) upper-cased,
     * its arguments as values, and the human-readable text. */
    char code[32];
    imap_value *code_args;
    size_t code_count;
    const char *text; /* NUL-terminated, may be empty */
    /* Untagged data: "* 23 EXISTS" gives number 23 and name "EXISTS";
     * "* CAPABILITY IMAP4rev1 ..." gives name "CAPABILITY"; the values are
     * what follows the name (for FETCH: one LIST of item/value pairs). */
    bool has_number;
    uint64_t number;
    char name[32]; /* upper-cased */
    imap_value *values;
    size_t count;
    void *arena_; /* private: where all of the above lives */
} imap_response;

/* Parse one complete response (as imap_frame delimited it). On success the
 * response owns copies of everything; free it with imap_response_free. */
int imap_response_parse(const char *buf, size_t len, imap_response *out, envoi_error *err);
void imap_response_free(imap_response *r);

/* ---- typed readers ------------------------------------------------------ */

/* The value of a FETCH item ("FLAGS", "UID", "BODY[1.2]", "BODY[HEADER]"...;
 * names compared case-insensitively, section text included) in the LIST of
 * a FETCH response; NULL when absent. "BODY.PEEK[x]" finds the server's
 * "BODY[x]", and a name without "<origin>" also finds "BODY[x]<0>". */
const imap_value *imap_fetch_item(const imap_response *r, const char *name);

typedef enum imap_flag {
    IMAP_FLAG_SEEN = 1 << 0,
    IMAP_FLAG_ANSWERED = 1 << 1,
    IMAP_FLAG_FLAGGED = 1 << 2,
    IMAP_FLAG_DELETED = 1 << 3,
    IMAP_FLAG_DRAFT = 1 << 4,
    IMAP_FLAG_RECENT = 1 << 5,
} imap_flag;
/* The system flags of a FLAGS list as a mask; keywords are the other atoms
 * (the caller walks the list for them). ENVOI_EPROTOCOL when v is not a
 * list of atoms. */
int imap_flags_mask(const imap_value *v, unsigned *mask);

/* INTERNALDATE "17-Jul-1996 02:44:25 -0700" to UTC seconds. */
int imap_parse_internaldate(const imap_value *v, time_t *out);

typedef struct imap_address {
    const char *name;    /* display name, decoded from RFC 2047 to UTF-8; may be NULL */
    const char *mailbox; /* local part; a group start's name (decoded); NULL at a group end */
    const char *host;    /* domain; NULL marks the start/end of a group */
} imap_address;

typedef struct imap_envelope {
    const char *date, *subject; /* subject decoded to UTF-8 */
    imap_address *from, *sender, *reply_to, *to, *cc, *bcc;
    size_t nfrom, nsender, nreply_to, nto, ncc, nbcc;
    const char *in_reply_to, *message_id;
    void *arena_;
} imap_envelope;
/* Read an ENVELOPE value; imap_envelope_free releases it. */
int imap_envelope_read(const imap_value *v, imap_envelope *out, envoi_error *err);
void imap_envelope_free(imap_envelope *e);

typedef struct imap_body {
    char section[64];    /* "1", "1.2", "3.TEXT"... as BODY[section] names it; the
                            root: "" when multipart, else "1" (RFC 3501 6.4.5) */
    char type[64];       /* lower-cased "text", "multipart"... */
    char subtype[64];    /* lower-cased */
    const char *charset; /* from the parameters; may be NULL */
    const char *name;    /* file name: disposition filename, else the name parameter
                            (RFC 2231 / 2047 decoded to UTF-8); may be NULL */
    const char *id, *description, *encoding; /* may be NULL; encoding lower-cased */
    const char *disposition;                 /* "inline", "attachment" (lower-cased) or NULL */
    uint64_t size;                           /* octets (body-fld-octets) */
    uint64_t lines;                          /* text and message/rfc822 */
    size_t parent; /* index of the enclosing multipart (or message/rfc822, for its
                      own body) in the array, SIZE_MAX for the root */
} imap_body;
/* Flatten a BODYSTRUCTURE into its parts in depth-first order, each with the
 * section number FETCH BODY[...] takes (multipart children numbered from 1,
 * a message/rfc822's own body structure descended into: for the one at "N"
 * a multipart body is "N.TEXT" with children "N.1", "N.2"..., another body
 * is "N.1"). *out is one malloc'd array (strings included) to free() once.
 * Extension data is read when present and skipped when malformed-but-balanced. */
int imap_bodystructure_read(const imap_value *v, imap_body **out, size_t *count, envoi_error *err);

/* ---- modified UTF-7 folder names --------------------------------------- */

/* Decode a mailbox name from modified UTF-7 to UTF-8 (into a malloc'd
 * NUL-terminated string). Names that are not valid modified UTF-7 (bad
 * base64, unpaired surrogates, non-minimal encodings) are ENVOI_EPROTOCOL,
 * except that a name already in UTF-8 (servers with UTF8=ACCEPT) is
 * returned as it is. */
int imap_mutf7_decode(const char *in, size_t len, char **out);
/* Encode UTF-8 to modified UTF-7; ENVOI_EINVAL for invalid UTF-8. */
int imap_mutf7_encode(const char *in, size_t len, char **out);

#endif
