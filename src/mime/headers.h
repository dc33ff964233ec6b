/* The message's own header fields (Date, addresses, Subject, ids, priority,
 * custom headers, MIME-Version), written from the model. */
#ifndef ENVOI_MIME_HEADERS_H
#define ENVOI_MIME_HEADERS_H

#include "mime/message_impl.h"

/* Append the header fields to out. Date and Message-ID must be fixed already.
 * 0 or ENVOI_ENOMEM. */
int mime_write_message_headers(const envoi_message *msg, envoi_buf *out);
/* Append the field(s) of one MIME_CHANGED_... bit as written from the model
 * (nothing when the model has no value): rewriting a parsed message's
 * headers. 0 or ENVOI_ENOMEM. */
int mime_write_message_field(const envoi_message *msg, unsigned bit, envoi_buf *out);

#endif
