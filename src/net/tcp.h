/* Plain TCP for the connection: resolve and connect with a timeout, wait on a
 * non-blocking socket, and send/receive without ever raising SIGPIPE. */
#ifndef ENVOI_NET_TCP_H
#define ENVOI_NET_TCP_H

#include <stddef.h>
#include <sys/types.h>

#include "envoi/error.h"

/* Connect to host:port, trying every address getaddrinfo returns (IPv6 and
 * IPv4) in turn; the addresses share connect_ms (<= 0: no limit). On success
 * *fd is a connected, non-blocking, close-on-exec socket with TCP_NODELAY. */
int envoi_tcp_connect(int *fd, const char *host, unsigned port, int connect_ms, envoi_error *err);

/* Wait until fd is ready for events (POLLIN / POLLOUT), at most timeout_ms
 * (<= 0: no limit). Returns 0, ENVOI_ETIMEDOUT, or ENVOI_EIO with errno set. */
int envoi_fd_wait(int fd, short events, int timeout_ms);

/* Receive up to n bytes, waiting at most io_ms. Returns the count (> 0) or a
 * negative code: ENVOI_ECLOSED on end of stream, ENVOI_ETIMEDOUT, ENVOI_EIO.
 * peer ("host port N") names the other end in error texts. */
ssize_t envoi_tcp_recv(int fd, void *buf, size_t n, int io_ms, const char *peer, envoi_error *err);
/* Send all n bytes, each wait bounded by io_ms. Returns 0 or a negative code. */
int envoi_tcp_send_all(int fd, const void *buf, size_t n, int io_ms, const char *peer,
                       envoi_error *err);

/* Report errno (from a failed send or recv) as ENVOI_ECLOSED or ENVOI_EIO. */
int envoi_tcp_io_error(int errnum, const char *what, const char *peer, envoi_error *err);

#endif
