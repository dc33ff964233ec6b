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
 * top-level header fields changed through the setters are rewritten in place
 * (the other fields keep their original lines, in the source's line ends; a
 * field that was not there is added at the end of the header block; add_to,
 * add_cc... add to the addresses already there), the body is kept byte for
 * byte. Changing the text, HTML or attachments of a parsed message is not
 * supported: the setters succeed but writing then fails with
 * ENVOI_EUNSUPPORTED (compose a new message instead).
 *
 * Lines end with LF or CRLF (a CR alone is data). Multiparts nest up to 64
 * levels; message/rfc822 and message/global parts are read as a child part
 * holding the embedded message (also when base64 or quoted-printable
 * encoded).
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
/* The same without the copy: the message reads data[0..len) in place, so the
 * caller keeps that buffer alive and unchanged until the message is freed
 * (envoi_message_free); the message never writes to it or frees it. */
int envoi_message_parse_borrowed(const void *data, size_t len, envoi_message **out);
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
/* The main text and HTML bodies, picked as mail readers do: depth first,
 * not into attached messages (only into a message that is the whole
 * message), the first text/plain resp. text/html leaf without disposition
 * "attachment" and without a file name, where inside a multipart/alternative
 * HTML is looked for from the last alternative back; when there is none, the
 * first such leaf whatever its disposition. NULL when none. */
const envoi_part *envoi_message_text_part(const envoi_message *msg);
const envoi_part *envoi_message_html_part(const envoi_message *msg);

size_t envoi_part_child_count(const envoi_part *part);
const envoi_part *envoi_part_child(const envoi_part *part, size_t index);
const envoi_part *envoi_part_parent(const envoi_part *part);
/* IMAP section number: "1", "2.1"...; "" for the top of a multipart message.
 * A single-part message's body is "1". The child of a message/rfc822 part
 * "P" (the embedded message) is "P" itself when it is a multipart (its parts
 * are then "P.1", "P.2"...) and "P.1" otherwise, as in IMAP. */
const char *envoi_part_path(const envoi_part *part);
/* Lowercase "type/subtype" (default text/plain, or message/rfc822 inside
 * multipart/digest). A multipart without a boundary parameter, or nested too
 * deep, is read as text/plain (its Content-Type field still says what it
 * declared) and has a defect. */
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
/* True for a leaf that a mail reader shows as an attachment: disposition
 * "attachment"; a text/... leaf only when it has a file name and is not
 * "inline"; any other type unless it has a Content-ID and is inline or has no
 * disposition (an image the HTML refers to). Multiparts and message/rfc822
 * parts with their child are not. */
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
 * decoded on first call and cached in the message. For a multipart or
 * message part, the body as it is in the source (preamble, parts, epilogue).
 * ENVOI_ESTATE for a message of the streaming parser (it keeps no bodies). */
int envoi_part_body(const envoi_part *part, const void **data, size_t *len);
/* The same body passed to write in pieces of at most 64 KiB, decoded through
 * a buffer of that size: memory does not grow with the part and nothing is
 * kept (a body envoi_part_body already decoded is written from its cache).
 * Defects are recorded as envoi_part_body records them. 0, the first
 * negative value write returned (decoding stops there), ENVOI_ENOMEM, or
 * ENVOI_ESTATE for a message of the streaming parser. */
int envoi_part_decode(const envoi_part *part, envoi_write_fn write, void *ctx);
/* A text/... body converted to UTF-8 from its charset (us-ascii when none,
 * with the usual aliases and a fallback when the label lies), NUL-terminated
 * (it may hold NUL bytes: use len). ENVOI_EINVAL for other types. */
int envoi_part_text(const envoi_part *part, const char **utf8, size_t *len);
/* The part's original bytes, headers and body, exactly as in the source. */
int envoi_part_raw(const envoi_part *part, const void **data, size_t *len);

/* Files uuencoded inside a text/plain body ("begin 644 NAME" ... "end"), as
 * mailers attached them before MIME: how many, then each one's name (as on
 * its begin line) and decoded bytes, found and decoded on first call and
 * cached. The text part itself is left as it is (its body and text still hold
 * the encoded lines). 0 / ENVOI_EINVAL for other parts and for messages of the
 * streaming parser. */
size_t envoi_part_uu_count(const envoi_part *part);
int envoi_part_uu_at(const envoi_part *part, size_t index, const char **name, const void **data,
                     size_t *len);

/* ---- defects ----------------------------------------------------------- */

typedef struct envoi_defect {
    const char *name;   /* stable identifier, e.g. "missing-end-boundary" */
    const char *path;   /* the part where it was found (envoi_part_path) */
    size_t offset;      /* byte offset in the source */
    const char *detail; /* one sentence: what was malformed and how it was read */
} envoi_defect;

/* Defects in source order. Those found while decoding a body (bad base64,
 * charset problems...) or a header value are added when that body or value
 * is first decoded (while streaming: as the body goes by). A defect is
 * recorded once per part and kind ("bare-lf" once per message), at most 1000
 * per message. */
size_t envoi_message_defect_count(const envoi_message *msg);
const envoi_defect *envoi_message_defect_at(const envoi_message *msg, size_t index);

/* ---- streaming: bounded memory for any size ---------------------------- */

/* Callbacks of the streaming parser. Each returns 0 to go on or a negative
 * code to stop (returned by feed/finish). part_begin comes once a part's
 * header block is read (parents before children), part_end once its body
 * ended. part_data receives a leaf's body after transfer decoding, in pieces
 * of about 64 KiB at most, as it is read (never for multiparts and message parts:
 * an embedded message's parts get their own callbacks). The same input gives
 * the same callbacks and bytes however it is cut into feed calls, and the
 * same parts and bytes as envoi_message_parse. message_end receives the
 * message with its headers and part tree but without bodies (envoi_part_body
 * gives ENVOI_ESTATE, envoi_message_write too); the callee may keep it (and
 * then frees it) by setting *keep to true. Any callback may be NULL.
 *
 * Memory stays bounded whatever the input: a partial line is carried up to
 * 64 KiB (longer lines are passed on in pieces: such a line is never a
 * boundary), a part's header block up to 256 KiB (the rest is dropped with a
 * "long-line" defect); only the part tree grows with the number of parts. */
typedef struct envoi_parse_callbacks {
    int (*part_begin)(void *ctx, const envoi_part *part);
    int (*part_data)(void *ctx, const envoi_part *part, const void *data, size_t len);
    int (*part_end)(void *ctx, const envoi_part *part);
    int (*message_end)(void *ctx, envoi_message *msg, bool *keep);
} envoi_parse_callbacks;

typedef struct envoi_stream_parser envoi_stream_parser;

/* A parser for one message (or, with mbox set, for an mbox of many: a line
 * starting "From " at the start or after a blank line separates messages, the
 * blank line before it is not part of the message, and mboxrd quoting is
 * undone: a line of one or more '>' then "From " loses one '>'). Without mbox
 * a "From " line at the very start is skipped. NULL when out of memory. */
envoi_stream_parser *envoi_stream_parser_new(const envoi_parse_callbacks *cb, void *ctx, bool mbox);
int envoi_stream_parser_feed(envoi_stream_parser *p, const void *data, size_t len);
/* End of input: closes open parts and reports the last message. */
int envoi_stream_parser_finish(envoi_stream_parser *p);
void envoi_stream_parser_free(envoi_stream_parser *p);

#ifdef __cplusplus
}
#endif
#endif
