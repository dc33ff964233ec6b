/* Certificate verification policy: which X.509 errors each ENVOI_IGNORE_CERT_...
 * relaxation accepts, and the first error that was not accepted. */
#ifndef ENVOI_NET_TLS_VERIFY_H
#define ENVOI_NET_TLS_VERIFY_H

#include <openssl/ssl.h>

#include "envoi/error.h"

typedef struct envoi_tls_verify {
    int ignore;   /* ENVOI_IGNORE_CERT_... flags */
    int rejected; /* first X509_V_ERR_... not ignored, 0 when none */
    int depth;    /* its depth in the chain (0: the server's own certificate) */
    char subject[256];
} envoi_tls_verify;

/* The ENVOI_IGNORE_CERT_... flag that accepts an X509_V_ERR_... code, or 0
 * when no relaxation does. */
int envoi_tls_verify_class(int x509_error);

/* Make ssl verify the peer through v (which must outlive the handshake). */
void envoi_tls_verify_attach(SSL *ssl, envoi_tls_verify *v, int ignore);

/* Describe the rejection recorded in v as ENVOI_ECERT: the error, the
 * certificate, and the relaxation that would accept it. */
int envoi_tls_verify_report(const envoi_tls_verify *v, const char *host, envoi_error *err);

#endif
