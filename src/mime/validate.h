/* Checks on what callers hand to the message: header text, ids, names, types. */
#ifndef ENVOI_MIME_VALIDATE_H
#define ENVOI_MIME_VALIDATE_H

#include <stddef.h>

#define MIME_ID_MAX 250         /* octets in a Message-ID or Content-ID */
#define MIME_HEADER_NAME_MAX 76 /* so that "Name:" fits on a line */
#define MIME_FILE_NAME_MAX 255  /* octets in an attachment's file name */

/* Header text (subject, custom header value): ENVOI_EHEADER on CR, LF;
 * ENVOI_EINVAL when not UTF-8. */
int mime_check_text(const char *s);
/* A msg-id or content-id: one pair of angle brackets is stripped; then it
 * must be 1..250 printable ASCII characters without spaces, '<', '>', '"',
 * '(' or ')'. *out is a new string. ENVOI_EHEADER, ENVOI_EINVAL or
 * ENVOI_ENOMEM. */
int mime_copy_id(const char *id, char **out);
/* A file name: 1..255 octets of UTF-8 without CR or LF (ENVOI_EHEADER) or
 * other control characters (ENVOI_EINVAL). */
int mime_check_file_name(const char *name);
/* A MIME type "type/subtype", both RFC 2045 tokens. ENVOI_EHEADER on CR or
 * LF, ENVOI_EINVAL otherwise. */
int mime_check_type(const char *type);
/* A custom header name: 1..76 printable ASCII characters without ':' or
 * space, and not one that envoi writes from the model itself (Date, From,
 * Sender, Reply-To, To, Cc, Bcc, Subject, Message-ID, In-Reply-To,
 * References, MIME-Version, Content-*), which gives ENVOI_EINVAL: those are
 * set through their own functions. CR or LF give ENVOI_EHEADER. */
int mime_check_header_name(const char *name);

#endif
