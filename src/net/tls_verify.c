/* Certificate verification policy (see tls_verify.h): a verify callback that
 * lets through only the error classes the caller chose to ignore. */
#include "net/tls_verify.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "envoi/tls.h"
#include "util/err.h"

int envoi_tls_verify_class(int x509_error)
{
    switch (x509_error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_INVALID_PURPOSE:
        return ENVOI_IGNORE_CERT_UNTRUSTED;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return ENVOI_IGNORE_CERT_NAME;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return ENVOI_IGNORE_CERT_EXPIRED;
    case X509_V_ERR_CERT_REVOKED:
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
        return ENVOI_IGNORE_CERT_REVOCATION;
    default:
        return 0;
    }
}

/* The --ignore-cert word that names a relaxation. */
static const char *relaxation_word(int flag)
{
    switch (flag) {
    case ENVOI_IGNORE_CERT_UNTRUSTED:
        return "invalid";
    case ENVOI_IGNORE_CERT_NAME:
        return "name";
    case ENVOI_IGNORE_CERT_EXPIRED:
        return "expired";
    case ENVOI_IGNORE_CERT_REVOCATION:
        return "revocation";
    default:
        return NULL;
    }
}

static void record_rejection(envoi_tls_verify *v, X509_STORE_CTX *store, int error)
{
    v->rejected = error != X509_V_OK ? error : X509_V_ERR_UNSPECIFIED;
    v->depth = X509_STORE_CTX_get_error_depth(store);
    X509 *cert = X509_STORE_CTX_get_current_cert(store);
    if (!cert ||
        !X509_NAME_oneline(X509_get_subject_name(cert), v->subject, (int)sizeof v->subject))
        v->subject[0] = '\0';
}

/* Called by OpenSSL for each check; a 0 return aborts the handshake. */
static int verify_callback(int preverify_ok, X509_STORE_CTX *store)
{
    if (preverify_ok)
        return 1;
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    envoi_tls_verify *v = ssl ? SSL_get_app_data(ssl) : NULL;
    if (!v)
        return 0;
    int error = X509_STORE_CTX_get_error(store);
    int flag = envoi_tls_verify_class(error);
    if (flag && (v->ignore & flag))
        return 1;
    if (!v->rejected)
        record_rejection(v, store, error);
    return 0;
}

void envoi_tls_verify_attach(SSL *ssl, envoi_tls_verify *v, int ignore)
{
    v->ignore = ignore;
    v->rejected = 0;
    v->depth = 0;
    v->subject[0] = '\0';
    SSL_set_app_data(ssl, v);
    SSL_set_verify(ssl, SSL_VERIFY_PEER, verify_callback);
}

int envoi_tls_verify_report(const envoi_tls_verify *v, const char *host, envoi_error *err)
{
    const char *reason = X509_verify_cert_error_string(v->rejected);
    const char *word = relaxation_word(envoi_tls_verify_class(v->rejected));
    const char *which = v->depth == 0 ? "server certificate" : "issuer certificate";
    if (word)
        return envoi_err_set(err, ENVOI_ECERT,
                             "certificate for %s rejected: %s (%s %s); the '%s' relaxation "
                             "would accept it",
                             host, reason, which, v->subject, word);
    return envoi_err_set(err, ENVOI_ECERT, "certificate for %s rejected: %s (%s %s)", host, reason,
                         which, v->subject);
}
