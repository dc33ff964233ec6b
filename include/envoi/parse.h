/* envoi — reading messages: parsing any source into an envoi_message, the
 * tree of its MIME parts, decoded headers and bodies, and the defects found.
 *
 * Parsing never fails on malformed input: each repair is recorded as a named
 * defect and the message is read as mail readers read it. Only resource
 * failures (ENVOI_ENOMEM, ENVOI_EFILE) are errors.
 *
 * A parsed message is the same envoi_message that composition builds: the
 * getters below work on both, and the setters of message.h work on a parsed
 * message too. Serializing a parsed message re-emits its original bytes;
 * header fields changed through the setters are rewritten, everything else is
 * kept byte for byte.
 *
 * Strings returned are owned by the message (or part) and stay valid until
 * the message is freed or changed. Decoded text is UTF-8. */
#ifndef ENVOI_PARSE_H
#define ENVOI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"
#include "message.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_part envoi_part;

/* ---- parsing a whole message ------------------------------------------ */

/* Parse a message held in memory (the bytes are copied). */
int envoi_message_parse(const void *data, size_t len, envoi_message **out);
/* Parse a file (mapped or read; not copied twice). ENVOI_EFILE when unreadable. */
int envoi_message_parse_file(const char *path, envoi_message **out);
/* Parse everything readable from a file descriptor until EOF. */
int envoi_message_parse_fd(int fd, envoi_message **out);
/* True when the message came from a parser (it has a part tree and a source). */
bool envoi_message_is_parsed(const envoi_message *msg);

/* ---- what a message says (parsed or composed) -------------------------- */

typedef enum envoi_field {
    ENVOI_FIELD_FROM = 0,
    ENVOI_FIELD_SENDER,
    ENVOI_FIELD_REPLY_TO,
    ENVOI_FIELD_TO,
    ENVOI_FIELD_CC,
    ENVOI_FIELD_BCC,
} envoi_field;

/* Subject decoded from RFC 2047 to UTF-8; NULL when absent. */
const char *envoi_message_get_subject(const envoi_message *msg);
/* Addresses of a field: count, then each display name (UTF-8, NULL when
 * none) and addr-spec. Groups are flattened into their members. */
size_t envoi_message_address_count(const envoi_message *msg, envoi_field field);
int envoi_message_address_at(const envoi_message *msg, envoi_field field, size_t index,
                             const char **name, const char **addr);
/* Date in UTC seconds; ENVOI_EINVAL when absent or unreadable. */
int envoi_message_get_date(const envoi_message *msg, time_t *out);
/* Message-ID / In-Reply-To without angle brackets; NULL when absent. */
const char *envoi_message_get_message_id(const envoi_message *msg);
const char *envoi_message_get_in_reply_to(const envoi_message *msg);
size_t envoi_message_reference_count(const envoi_message *msg);
const char *envoi_message_reference_at(const envoi_message *msg, size_t index);

/* ---- the part tree (parsed messages) ----------------------------------- */

/* The top part; NULL for a message that was composed, not parsed. */
const envoi_part *envoi_message_root(const envoi_message *msg);
/* The main text and HTML bodies, picked as mail readers do (first
 * text/plain resp. text/html that is not an attachment, preferring the
 * alternatives of the top-level multipart/alternative); NULL when none. */
const envoi_part *envoi_message_text_part(const envoi_message *msg);
const envoi_part *envoi_message_html_part(const envoi_message *msg);

size_t envoi_part_child_count(const envoi_part *part);
const envoi_part *envoi_part_child(const envoi_part *part, size_t index);
const envoi_part *envoi_part_parent(const envoi_part *part);
/* IMAP section number: "1", "2.1"...; "" for the top of a multipart message
 * or of an embedded message. A single-part message's body is "1". */
const char *envoi_part_path(const envoi_part *part);
/* Lowercase "type/subtype" (default text/plain, or message/rfc822 inside
 * multipart/digest). */
const char *envoi_part_content_type(const envoi_part *part);
/* A Content-Type parameter by name (case-insensitive), RFC 2231 decoded to
 * UTF-8; NULL when absent. */
const char *envoi_part_param(const envoi_part *part, const char *name);
/* Declared charset, lowercase; NULL when none. */
const char *envoi_part_charset(const envoi_part *part);
/* "attachment", "inline" (lowercase) or NULL when no Content-Disposition. */
const char *envoi_part_disposition(const envoi_part *part);
/* File name (disposition filename, else type name), decoded; NULL if none. */
const char *envoi_part_filename(const envoi_part *part);
/* Content-ID without angle brackets; NULL when none. */
const char *envoi_part_content_id(const envoi_part *part);
/* Lowercase transfer encoding as declared ("base64"...), NULL when none. */
const char *envoi_part_transfer_encoding(const envoi_part *part);
/* True for a leaf that a mail reader shows as an attachment. */
bool envoi_part_is_attachment(const envoi_part *part);

/* Header fields of the part in order: name as written, value unfolded
 * (raw, not decoded). */
size_t envoi_part_header_count(const envoi_part *part);
int envoi_part_header_at(const envoi_part *part, size_t index, const char **name,
                         const char **value);
/* The first field of that name (case-insensitive), unfolded, raw; NULL. */
const char *envoi_part_header(const envoi_part *part, const char *name);
/* The same decoded from RFC 2047 to UTF-8 (cached); NULL when absent. */
const char *envoi_part_header_decoded(const envoi_part *part, const char *name);

/* The body after transfer decoding (base64, quoted-printable, uuencode...),
 * decoded on first call and cached in the message. */
int envoi_part_body(const envoi_part *part, const void **data, size_t *len);
/* A text body converted to UTF-8 from its charset (with the usual aliases
 * and a fallback when the label lies). */
int envoi_part_text(const envoi_part *part, const char **utf8, size_t *len);
/* The part's original bytes, headers and body, exactly as in the source. */
int envoi_part_raw(const envoi_part *part, const void **data, size_t *len);

/* ---- defects ----------------------------------------------------------- */

typedef struct envoi_defect {
    const char *name;   /* stable identifier, e.g. "missing-end-boundary" */
    const char *path;   /* the part where it was found (envoi_part_path) */
    size_t offset;      /* byte offset in the source */
    const char *detail; /* one sentence: what was malformed and how it was read */
} envoi_defect;

size_t envoi_message_defect_count(const envoi_message *msg);
const envoi_defect *envoi_message_defect_at(const envoi_message *msg, size_t index);

/* ---- streaming: bounded memory for any size ---------------------------- */

/* Callbacks of the streaming parser. Each returns 0 to go on or a negative
 * code to stop (returned by feed/finish). part_data receives the body after
 * transfer decoding, in pieces, as it is read. message_end receives the
 * message with its headers and part tree but without bodies (envoi_part_body
 * gives ENVOI_ESTATE); the callee may keep it (and then frees it) by setting
 * *keep to true. Any callback may be NULL. */
typedef struct envoi_parse_callbacks {
    int (*part_begin)(void *ctx, const envoi_part *part);
    int (*part_data)(void *ctx, const envoi_part *part, const void *data, size_t len);
    int (*part_end)(void *ctx, const envoi_part *part);
    int (*message_end)(void *ctx, envoi_message *msg, bool *keep);
} envoi_parse_callbacks;

typedef struct envoi_stream_parser envoi_stream_parser;

/* A parser for one message (or, with mbox set, for an mbox of many: "From "
 * lines separate messages and ">From " quoting is undone). */
envoi_stream_parser *envoi_stream_parser_new(const envoi_parse_callbacks *cb, void *ctx, bool mbox);
int envoi_stream_parser_feed(envoi_stream_parser *p, const void *data, size_t len);
/* End of input: closes open parts and reports the last message. */
int envoi_stream_parser_finish(envoi_stream_parser *p);
void envoi_stream_parser_free(envoi_stream_parser *p);

#ifdef __cplusplus
}
#endif
#endif
