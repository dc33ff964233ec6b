/* Reading messages from a descriptor in chunks through the streaming parser:
 * one message, or an mbox of many ("From " lines at the start or after a
 * blank line separate them; mboxrd ">From " quoting is undone).
 *
 * Every message is handed to cb->message_end (keep it by setting *keep). With
 * bodies, each message keeps its own source, so envoi_part_body/text and
 * envoi_message_write work on it (memory: one message at a time); without,
 * bodies are only seen through cb->part_data as they are decoded, in bounded
 * memory whatever the size. */
#ifndef ENVOI_MIME_MBOX_H
#define ENVOI_MIME_MBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/parse.h"

#define MIME_READ_CHUNK (256 * 1024)

/* True when data starts like an mbox: "From " at the very start. */
bool mime_looks_like_mbox(const void *data, size_t len);
/* Read fd to EOF as an mbox (mbox true) or as one message. ENVOI_EFILE on a
 * read error, or what a callback returned to stop. */
int mime_read_fd(int fd, bool mbox, bool bodies, const envoi_parse_callbacks *cb, void *ctx);
/* The same, deciding from the first bytes whether it is an mbox; *was_mbox
 * (may be NULL) tells. */
int mime_read_fd_auto(int fd, bool bodies, const envoi_parse_callbacks *cb, void *ctx,
                      bool *was_mbox);

#endif
