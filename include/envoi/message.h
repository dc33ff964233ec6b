/* envoi — composing a message.
 *
 * An envoi_message holds what a mail program's "new message" window holds:
 * addresses, subject, text and HTML bodies, attachments, inline images,
 * priority, confidentiality, receipts and custom headers. It serializes to a
 * standard RFC 5322 / MIME source (CRLF line ends) as a stream: attachments
 * are read from disk in chunks while writing, never loaded whole.
 *
 * Strings handed in are copied; the caller keeps ownership of its own.
 * All text is UTF-8. Any CR, LF or NUL in a header value or an address is
 * refused with ENVOI_EHEADER (no header injection). */
#ifndef ENVOI_MESSAGE_H
#define ENVOI_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_message envoi_message;

typedef enum envoi_priority {
    ENVOI_PRIORITY_NORMAL = 0,
    ENVOI_PRIORITY_HIGH,
    ENVOI_PRIORITY_LOW,
} envoi_priority;

typedef enum envoi_sensitivity {
    ENVOI_SENSITIVITY_NONE = 0,
    ENVOI_SENSITIVITY_PERSONAL,
    ENVOI_SENSITIVITY_PRIVATE,
    ENVOI_SENSITIVITY_CONFIDENTIAL, /* "Company-Confidential" */
} envoi_sensitivity;

/* Receives serialized bytes; returns 0, or a negative ENVOI_E... code to stop. */
typedef int (*envoi_write_fn)(void *ctx, const void *data, size_t len);

/* A new empty message; NULL when out of memory. Free with envoi_message_free. */
envoi_message *envoi_message_new(void);
void envoi_message_free(envoi_message *msg);
/* Details of the last failure of a call on msg (e.g. the path and the reason
 * for ENVOI_EFILE). Never NULL; belongs to the message. */
const envoi_error *envoi_message_error(const envoi_message *msg);

/* Addresses take a mailbox: "a@example.org", "<a@example.org>" or
 * "Display Name <a@example.org>" (the name may be UTF-8 or quoted).
 * ENVOI_EADDRESS when it is not one; ENVOI_EIDNA when its UTF-8 domain has no
 * IDNA form. In header fields a UTF-8 domain is written in A-labels unless the
 * local part is UTF-8 too. set_from / set_sender / set_read_receipt with NULL
 * clear the field. */
int envoi_message_set_from(envoi_message *msg, const char *mailbox);
int envoi_message_set_sender(envoi_message *msg, const char *mailbox);
int envoi_message_add_reply_to(envoi_message *msg, const char *mailbox);
int envoi_message_add_to(envoi_message *msg, const char *mailbox);
int envoi_message_add_cc(envoi_message *msg, const char *mailbox);
/* Bcc recipients get the message but are never written as a header unless
 * envoi_message_set_write_bcc(msg, true) is called. */
int envoi_message_add_bcc(envoi_message *msg, const char *mailbox);
int envoi_message_set_write_bcc(envoi_message *msg, bool write);

/* Leading and trailing whitespace is dropped when written. ENVOI_EINVAL when
 * not UTF-8; NULL clears. */
int envoi_message_set_subject(envoi_message *msg, const char *utf8);
/* Date: the current time when never set. */
int envoi_message_set_date(envoi_message *msg, time_t when);
/* Message-ID without angle brackets ("id@host"; one pair of brackets is
 * stripped if given); generated as RANDOM@HOSTNAME when never set. Ids are
 * 1..250 printable ASCII characters without spaces, '<', '>', '"', '(', ')'
 * (ENVOI_EINVAL otherwise). */
int envoi_message_set_message_id(envoi_message *msg, const char *id);
int envoi_message_set_in_reply_to(envoi_message *msg, const char *id);
int envoi_message_add_reference(envoi_message *msg, const char *id);

/* Bodies, UTF-8. Text and HTML together become multipart/alternative. Line
 * ends are made CRLF and a final line end is added; NULL clears the body.
 * The transfer encoding is 7bit for short-lined ASCII, quoted-printable for
 * mostly ASCII, base64 otherwise. */
int envoi_message_set_text(envoi_message *msg, const char *utf8, size_t len);
int envoi_message_set_html(envoi_message *msg, const char *utf8, size_t len);

/* Attachments. name: the file name shown (default: the path's base name; for
 * data, NULL writes no file name), 1..255 octets of UTF-8 without control
 * characters; non-ASCII or long names are written per RFC 2231 (and RFC 2047
 * in Content-Type's name=). type: "type/subtype" (default: from the name's
 * extension via /etc/mime.types, else application/octet-stream). A file
 * attachment is checked readable now (ENVOI_EFILE, reason in
 * envoi_message_error) and read in chunks when the message is written; a file
 * that is gone by then fails the write with ENVOI_EFILE. Transfer encoding:
 * base64, except text types: those are quoted-printable (files, judged on
 * their first 48 KiB) or 7bit when possible (data), with the bytes kept
 * exactly. */
int envoi_message_attach_file(envoi_message *msg, const char *path, const char *name,
                              const char *type);
int envoi_message_attach_data(envoi_message *msg, const void *data, size_t len, const char *name,
                              const char *type);
/* Inline images (or any inline part) referenced from the HTML as cid:CID
 * (required; written as Content-ID: <CID>); they go with the HTML into
 * multipart/related, or into multipart/mixed when there is no HTML. */
int envoi_message_add_inline_file(envoi_message *msg, const char *path, const char *cid,
                                  const char *type);
int envoi_message_add_inline_data(envoi_message *msg, const void *data, size_t len,
                                  const char *name, const char *cid, const char *type);

/* A custom header; the name must be 1..76 printable ASCII characters without
 * ':' or space, the value may be UTF-8 (written as RFC 2047 encoded-words).
 * Names of fields envoi writes from the message itself are refused with
 * ENVOI_EINVAL (Date, From, Sender, Reply-To, To, Cc, Bcc, Subject,
 * Message-ID, In-Reply-To, References, MIME-Version, Content-*): use their
 * own functions. X-Priority, Importance, Sensitivity and
 * Disposition-Notification-To are accepted but would then appear twice if
 * also set through the functions below. */
int envoi_message_add_header(envoi_message *msg, const char *name, const char *value);
int envoi_message_set_priority(envoi_message *msg, envoi_priority priority);
int envoi_message_set_sensitivity(envoi_message *msg, envoi_sensitivity sensitivity);
/* Read receipt: Disposition-Notification-To (RFC 8098). */
int envoi_message_set_read_receipt(envoi_message *msg, const char *mailbox);

/* The envelope derived from the message: the From (or Sender) address, and
 * every To, Cc and Bcc address in order, as given (a UTF-8 domain stays
 * UTF-8: convert with IDNA before use in SMTP). NULL when there is none.
 * Strings belong to the message. */
const char *envoi_message_envelope_from(const envoi_message *msg);
size_t envoi_message_recipient_count(const envoi_message *msg);
const char *envoi_message_recipient(const envoi_message *msg, size_t index);

/* Serialize the message through write(ctx, ...), CRLF line ends, no line over
 * 998 octets. Date and Message-ID are fixed at the first write, so writing
 * twice gives the same source. */
int envoi_message_write(envoi_message *msg, envoi_write_fn write, void *ctx);
/* Serialize into a new NUL-terminated buffer the caller frees with free(). */
int envoi_message_to_string(envoi_message *msg, char **out, size_t *len);
/* True when the serialized source needs 8BITMIME / SMTPUTF8 (UTF-8 in an
 * address local part or the headers as written). Other header text is always
 * written as ASCII (RFC 2047), and bodies are never 8bit, so this is true
 * exactly when some address of the message has a UTF-8 local part. */
bool envoi_message_needs_smtputf8(const envoi_message *msg);

#ifdef __cplusplus
}
#endif
#endif
