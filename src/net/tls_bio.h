/* A socket BIO for OpenSSL whose writes use send(MSG_NOSIGNAL), so a TLS
 * connection to a peer that has gone away never raises SIGPIPE. */
#ifndef ENVOI_NET_TLS_BIO_H
#define ENVOI_NET_TLS_BIO_H

#include <openssl/bio.h>

/* The BIO's methods; free with BIO_meth_free after every BIO using them. */
BIO_METHOD *envoi_tls_bio_method_new(void);
/* A BIO over the (non-blocking) socket fd; the fd stays owned by the caller. */
BIO *envoi_tls_bio_new(const BIO_METHOD *method, int fd);

#endif
