/* Writing one leaf part: its Content-* header fields, a blank line, and the
 * body in the transfer encoding chosen for it; files are read in chunks. */
#ifndef ENVOI_MIME_PART_WRITE_H
#define ENVOI_MIME_PART_WRITE_H

#include "envoi/error.h"
#include "mime/message_impl.h"
#include "mime/out.h"

#define MIME_FILE_CHUNK (48 * 1024) /* a multiple of 3: base64 groups never straddle reads */

/* A text/plain or text/html body (subtype "plain" or "html"), charset
 * us-ascii when pure ASCII, else utf-8. */
int mime_write_body_part(mime_out *o, const char *subtype, const envoi_buf *body);
/* An attachment or inline part. A file that cannot be opened or read gives
 * ENVOI_EFILE with the path and the reason in err. */
int mime_write_attachment(mime_out *o, const mime_attachment *a, envoi_error *err);

#endif
