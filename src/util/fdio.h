/* Reading a file descriptor without tripping over EINTR. */
#ifndef ENVOI_UTIL_FDIO_H
#define ENVOI_UTIL_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* Read until len bytes or end of file: returns the count (less than len only
 * at end of file), or -1 with errno set. */
ssize_t envoi_read_full(int fd, void *buf, size_t len);
/* One read(), retried on EINTR: the count, 0 at end of file, -1 on error. */
ssize_t envoi_read_some(int fd, void *buf, size_t len);

#endif
