/* The message's own header fields (Date, addresses, Subject, ids, priority,
 * custom headers, MIME-Version), written from the model. */
#ifndef ENVOI_MIME_HEADERS_H
#define ENVOI_MIME_HEADERS_H

#include "mime/message_impl.h"

/* Append the header fields to out. Date and Message-ID must be fixed already.
 * 0 or ENVOI_ENOMEM. */
int mime_write_message_headers(const envoi_message *msg, envoi_buf *out);

#endif
