/* Writing saved attachments: the target directory made when missing, each
 * file created new (never an existing one overwritten, never through a
 * symbolic link), " (1)", " (2)"... added before the extension on a clash. */
#ifndef ENVOI_CLI_EXTRACT_SAVE_H
#define ENVOI_CLI_EXTRACT_SAVE_H

#include <stddef.h>

#include "util/buf.h"

/* Make dir and its missing parents (like mkdir -p), then open it. Returns a
 * directory descriptor, or -1 with errno set. */
int cli_dir_open_or_make(const char *dir);

/* Create name (a safe base name, see extract_name.h) in the directory dirfd
 * with O_CREAT|O_EXCL; when it exists, "stem (n).ext" for n = 1, 2...
 * The name used is appended to used. Returns a descriptor open for
 * writing, or -1 with errno set (ENOMEM when used could not grow). */
int cli_create_unique(int dirfd, const char *name, envoi_buf *used);

/* Write all of data to fd. Returns 0, or -1 with errno set. */
int cli_write_all(int fd, const void *data, size_t len);

#endif
