/* TLS over an already connected socket (OpenSSL 3): the client handshake with
 * verification, and timed record-layer reads and writes. Used by conn.c. */
#ifndef ENVOI_NET_TLS_H
#define ENVOI_NET_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include "envoi/error.h"
#include "net/conn.h"

typedef struct envoi_tls envoi_tls;

/* Handshake on the non-blocking socket fd as a client of host (SNI unless host
 * is an IP literal; the certificate must name host, subject to cfg->ignore).
 * Each wait is bounded by io_ms. peer names the other end in error texts.
 * On failure nothing is left allocated; ENVOI_ECERT names the certificate
 * problem, ENVOI_EFILE an unreadable CA or CRL file, ENVOI_ETLS the rest. */
int envoi_tls_open(envoi_tls **out, int fd, const char *host, const envoi_tls_config *cfg,
                   int io_ms, const char *peer, envoi_error *err);

/* As envoi_tcp_recv / envoi_tcp_send_all, through TLS. */
ssize_t envoi_tls_recv(envoi_tls *t, void *buf, size_t n, int io_ms, const char *peer,
                       envoi_error *err);
int envoi_tls_send_all(envoi_tls *t, const void *buf, size_t n, int io_ms, const char *peer,
                       envoi_error *err);

/* Decrypted bytes OpenSSL holds that a recv would return at once. */
size_t envoi_tls_pending(const envoi_tls *t);

/* Send close_notify if the session is sound (without waiting for the peer's)
 * and free everything; the socket itself stays open. NULL is fine. */
void envoi_tls_close(envoi_tls *t);

#endif
