/* Reading a maildir: the files of DIR/cur, then of DIR/new, each in name
 * order (dot files skipped), every one parsed as a message (see mbox.h for
 * bodies and callbacks). */
#ifndef ENVOI_MIME_MAILDIR_H
#define ENVOI_MIME_MAILDIR_H

#include <stdbool.h>

#include "envoi/parse.h"

/* True when dir holds a cur/ or new/ subdirectory. */
bool mime_is_maildir(const char *dir);
/* file_begin (may be NULL) is told the path of each file before its message;
 * returning a negative code stops. ENVOI_EFILE when dir is not a maildir or a
 * file cannot be read (reading stops there). */
int mime_maildir_read(const char *dir, bool bodies, const envoi_parse_callbacks *cb, void *ctx,
                      int (*file_begin)(void *ctx, const char *path));

#endif
