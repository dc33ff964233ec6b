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

/* Addresses take a mailbox: "a@example.org", "<a@example.org>" or
 * "Display Name <a@example.org>" (the name may be UTF-8 or quoted).
 * ENVOI_EADDRESS when it is not one. */
int envoi_message_set_from(envoi_message *msg, const char *mailbox);
int envoi_message_set_sender(envoi_message *msg, const char *mailbox);
int envoi_message_add_reply_to(envoi_message *msg, const char *mailbox);
int envoi_message_add_to(envoi_message *msg, const char *mailbox);
int envoi_message_add_cc(envoi_message *msg, const char *mailbox);
/* Bcc recipients get the message but are never written as a header unless
 * envoi_message_set_write_bcc(msg, true) is called. */
int envoi_message_add_bcc(envoi_message *msg, const char *mailbox);
int envoi_message_set_write_bcc(envoi_message *msg, bool write);

int envoi_message_set_subject(envoi_message *msg, const char *utf8);
/* Date: the current time when never set. */
int envoi_message_set_date(envoi_message *msg, time_t when);
/* Message-ID without angle brackets ("id@host"); generated when never set. */
int envoi_message_set_message_id(envoi_message *msg, const char *id);
int envoi_message_set_in_reply_to(envoi_message *msg, const char *id);
int envoi_message_add_reference(envoi_message *msg, const char *id);

/* Bodies, UTF-8. Text and HTML together become multipart/alternative. */
int envoi_message_set_text(envoi_message *msg, const char *utf8, size_t len);
int envoi_message_set_html(envoi_message *msg, const char *utf8, size_t len);

/* Attachments. name: the file name shown (default: the path's base name);
 * type: the MIME type (default: from the extension via /etc/mime.types, else
 * application/octet-stream). A file attachment is checked readable now and
 * read in chunks when the message is written. */
int envoi_message_attach_file(envoi_message *msg, const char *path, const char *name,
                              const char *type);
int envoi_message_attach_data(envoi_message *msg, const void *data, size_t len, const char *name,
                              const char *type);
/* Inline images (or any inline part) referenced from the HTML as cid:CID;
 * they go with the HTML into multipart/related. */
int envoi_message_add_inline_file(envoi_message *msg, const char *path, const char *cid,
                                  const char *type);
int envoi_message_add_inline_data(envoi_message *msg, const void *data, size_t len,
                                  const char *name, const char *cid, const char *type);

/* A custom header; the name must be printable ASCII without ':' or space,
 * the value may be UTF-8 (written as RFC 2047 encoded-words). */
int envoi_message_add_header(envoi_message *msg, const char *name, const char *value);
int envoi_message_set_priority(envoi_message *msg, envoi_priority priority);
int envoi_message_set_sensitivity(envoi_message *msg, envoi_sensitivity sensitivity);
/* Read receipt: Disposition-Notification-To (RFC 8098). */
int envoi_message_set_read_receipt(envoi_message *msg, const char *mailbox);

/* The envelope derived from the message: the From (or Sender) address, and
 * every To, Cc and Bcc address in order. Strings belong to the message. */
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
 * address local part or the headers as written). */
bool envoi_message_needs_smtputf8(const envoi_message *msg);

#ifdef __cplusplus
}
#endif
#endif
