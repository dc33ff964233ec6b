/* A connection to a server: TCP over IPv4/IPv6 with timeouts, optionally
 * wrapped in TLS (implicit, or upgraded in place for STARTTLS), with buffered
 * line reading and buffered writing. Protocol clients see only this. */
#ifndef ENVOI_NET_CONN_H
#define ENVOI_NET_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/error.h"

typedef struct envoi_conn envoi_conn;

typedef struct envoi_tls_config {
    const char *ca_file;  /* NULL: the system CA store */
    const char *crl_file; /* NULL: no CRL check */
    int ignore;           /* ENVOI_IGNORE_CERT_... flags */
} envoi_tls_config;

/* Resolve host (getaddrinfo) and try each address in turn until one connects
 * within connect_ms. io_ms bounds every later read and write wait. Errors
 * (ENVOI_ERESOLVE, ENVOI_ECONNECT, ENVOI_ETIMEDOUT) are described in err. */
int envoi_conn_open(envoi_conn **out, const char *host, unsigned port, int connect_ms, int io_ms,
                    envoi_error *err);
/* Close and free (NULL is fine): TLS sends close_notify without waiting for
 * the peer's; writes not yet flushed are discarded. */
void envoi_conn_close(envoi_conn *c);
void envoi_conn_set_timeout(envoi_conn *c, int io_ms);

/* TLS handshake on the open connection with SNI and host name verification
 * against the host given to envoi_conn_open. Any bytes already buffered from
 * the plain connection are discarded first (STARTTLS injection defense).
 * ENVOI_ECERT names the certificate problem; ENVOI_ETLS other failures. */
int envoi_conn_start_tls(envoi_conn *c, const envoi_tls_config *cfg, envoi_error *err);
bool envoi_conn_is_tls(const envoi_conn *c);
/* Bytes received but not yet consumed by a read (for tests / pipelining). */
size_t envoi_conn_pending(const envoi_conn *c);

/* Read one line ending in LF (CRLF or bare LF). *line points into the
 * connection's buffer, valid until the next read; *len excludes the line end.
 * Lines longer than max are an ENVOI_EPROTOCOL error. ENVOI_ECLOSED on EOF. */
int envoi_conn_read_line(envoi_conn *c, const char **line, size_t *len, size_t max,
                         envoi_error *err);
/* The bytes received and not yet consumed, waiting for some only when there
 * are none: *data points into the connection's buffer (valid until the next
 * read), *len >= 1. Nothing is consumed until envoi_conn_consume says how much
 * was used (multi-line bodies of any line length, read in bounded memory). */
int envoi_conn_peek(envoi_conn *c, const char **data, size_t *len, envoi_error *err);
void envoi_conn_consume(envoi_conn *c, size_t n);
/* Read exactly n bytes (IMAP literals). */
int envoi_conn_read_exact(envoi_conn *c, void *dst, size_t n, envoi_error *err);

/* Buffered write; data goes out on flush or when the buffer fills. */
int envoi_conn_write(envoi_conn *c, const void *data, size_t len, envoi_error *err);
int envoi_conn_printf(envoi_conn *c, envoi_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int envoi_conn_flush(envoi_conn *c, envoi_error *err);

#endif
