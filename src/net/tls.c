/* TLS client sessions (see tls.h): context setup (TLS 1.2 minimum, CA store or
 * file, CRL), SNI and host name checks, and non-blocking OpenSSL calls driven
 * by poll so that every wait honours the connection's timeout. */
#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "net/tcp.h"
#include "net/tls_bio.h"
#include "net/tls_verify.h"
#include "util/err.h"

struct envoi_tls {
    SSL_CTX *ctx;
    SSL *ssl;
    BIO_METHOD *bio_method;
    int fd;
    bool sound;  /* no fatal error yet: close_notify may be sent */
    int failure; /* once not sound: the code every later call returns */
    envoi_tls_verify verify;
};

/* The reason of the most recent OpenSSL error, and an empty queue after. */
static const char *openssl_reason(char *buf, size_t size)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    if (e && !reason) {
        ERR_error_string_n(e, buf, size);
        reason = buf;
    }
    ERR_clear_error();
    return reason ? reason : "unknown error";
}

static bool is_ip_literal(const char *host)
{
    unsigned char addr[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

static int load_trust(SSL_CTX *ctx, const envoi_tls_config *cfg, envoi_error *err)
{
    char msg[256];
    if (cfg->ca_file) {
        if (SSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL) != 1)
            return envoi_err_set(err, ENVOI_EFILE, "cannot load CA file %s: %s", cfg->ca_file,
                                 openssl_reason(msg, sizeof msg));
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        return envoi_err_set(err, ENVOI_ETLS, "cannot load the system CA store: %s",
                             openssl_reason(msg, sizeof msg));
    }
    if (!cfg->crl_file)
        return 0;
    X509_LOOKUP *lookup = X509_STORE_add_lookup(SSL_CTX_get_cert_store(ctx), X509_LOOKUP_file());
    if (!lookup || (X509_load_crl_file(lookup, cfg->crl_file, X509_FILETYPE_PEM) <= 0 &&
                    X509_load_crl_file(lookup, cfg->crl_file, X509_FILETYPE_ASN1) <= 0))
        return envoi_err_set(err, ENVOI_EFILE, "cannot load CRL file %s: %s", cfg->crl_file,
                             openssl_reason(msg, sizeof msg));
    ERR_clear_error(); /* the PEM attempt may have failed before DER worked */
    return 0;
}

static int new_context(envoi_tls *t, const envoi_tls_config *cfg, envoi_error *err)
{
    char msg[256];
    t->ctx = SSL_CTX_new(TLS_client_method());
    if (!t->ctx)
        return envoi_err_set(err, ENVOI_ETLS, "cannot create a TLS context: %s",
                             openssl_reason(msg, sizeof msg));
    if (SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION) != 1)
        return envoi_err_set(err, ENVOI_ETLS, "cannot require TLS 1.2: %s",
                             openssl_reason(msg, sizeof msg));
    return load_trust(t->ctx, cfg, err);
}

/* Name the server for SNI and for the certificate check. */
static int set_peer_name(envoi_tls *t, const char *host, const envoi_tls_config *cfg,
                         envoi_error *err)
{
    char msg[256];
    X509_VERIFY_PARAM *param = SSL_get0_param(t->ssl);
    int ok;
    if (is_ip_literal(host)) {
        ok = X509_VERIFY_PARAM_set1_ip_asc(param, host);
    } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = SSL_set_tlsext_host_name(t->ssl, host) == 1 &&
             X509_VERIFY_PARAM_set1_host(param, host, 0) == 1;
    }
    if (ok && cfg->crl_file)
        ok = X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
    if (!ok)
        return envoi_err_set(err, ENVOI_ETLS, "cannot set up TLS for %s: %s", host,
                             openssl_reason(msg, sizeof msg));
    return 0;
}

static int new_session(envoi_tls *t, const char *host, const envoi_tls_config *cfg,
                       envoi_error *err)
{
    char msg[256];
    t->ssl = SSL_new(t->ctx);
    t->bio_method = envoi_tls_bio_method_new();
    BIO *bio = t->bio_method ? envoi_tls_bio_new(t->bio_method, t->fd) : NULL;
    if (!t->ssl || !bio) {
        BIO_free(bio);
        return envoi_err_set(err, ENVOI_ETLS, "cannot create a TLS session: %s",
                             openssl_reason(msg, sizeof msg));
    }
    SSL_set_bio(t->ssl, bio, bio);
    envoi_tls_verify_attach(t->ssl, &t->verify, cfg->ignore);
    return set_peer_name(t, host, cfg, err);
}

/* After an OpenSSL call returned ret: wait for the socket if OpenSSL asks to
 * (0: call again), or report the failure. errnum is errno right after the call. */
static int await_or_fail(envoi_tls *t, int ret, int errnum, int io_ms, const char *what,
                         const char *peer, envoi_error *err)
{
    char msg[256];
    short events = 0;
    switch (SSL_get_error(t->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        events = POLLIN;
        break;
    case SSL_ERROR_WANT_WRITE:
        events = POLLOUT;
        break;
    case SSL_ERROR_ZERO_RETURN:
        return envoi_err_set(err, ENVOI_ECLOSED, "%s closed the TLS connection", peer);
    case SSL_ERROR_SYSCALL:
        t->sound = false;
        ERR_clear_error();
        if (errnum)
            return t->failure = envoi_tcp_io_error(errnum, what, peer, err);
        return t->failure = envoi_err_set(err, ENVOI_ECLOSED, "%s closed the connection", peer);
    default:
        t->sound = false;
        if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            return t->failure = envoi_err_set(err, ENVOI_ECLOSED, "%s closed the connection", peer);
        }
        return t->failure = envoi_err_set(err, ENVOI_ETLS, "TLS error while %s %s: %s", what, peer,
                                          openssl_reason(msg, sizeof msg));
    }
    int rc = envoi_fd_wait(t->fd, events, io_ms);
    if (rc == ENVOI_ETIMEDOUT)
        return envoi_err_set(err, rc, "timed out after %d ms while %s %s", io_ms, what, peer);
    if (rc < 0)
        return envoi_tcp_io_error(errno, what, peer, err);
    return 0;
}

static int handshake(envoi_tls *t, const char *host, int io_ms, const char *peer, envoi_error *err)
{
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int ret = SSL_connect(t->ssl);
        if (ret == 1)
            break;
        int errnum = errno;
        if (t->verify.rejected)
            return envoi_tls_verify_report(&t->verify, host, err);
        int rc = await_or_fail(t, ret, errnum, io_ms, "negotiating TLS with", peer, err);
        if (rc == 0)
            continue;
        if (rc == ENVOI_ECLOSED || rc == ENVOI_EIO) { /* a server that hangs up on our hello */
            char cause[sizeof err->text];
            snprintf(cause, sizeof cause, "%s", err ? err->text : "");
            rc = envoi_err_set(err, ENVOI_ETLS, "TLS handshake with %s failed: %s", peer, cause);
        }
        return rc;
    }
    /* The callback has the last word on every error, but check once more. */
    if (t->verify.rejected)
        return envoi_tls_verify_report(&t->verify, host, err);
    return 0;
}

int envoi_tls_open(envoi_tls **out, int fd, const char *host, const envoi_tls_config *cfg,
                   int io_ms, const char *peer, envoi_error *err)
{
    static const envoi_tls_config defaults = {NULL, NULL, 0};
    *out = NULL;
    envoi_tls *t = calloc(1, sizeof *t);
    if (!t)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    t->fd = fd;
    t->sound = true;
    ERR_clear_error();
    int rc = new_context(t, cfg ? cfg : &defaults, err);
    if (rc == 0)
        rc = new_session(t, host, cfg ? cfg : &defaults, err);
    if (rc == 0)
        rc = handshake(t, host, io_ms, peer, err);
    if (rc < 0) {
        t->sound = false;
        envoi_tls_close(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* OpenSSL must not be called again after a fatal error: repeat the verdict. */
static int report_earlier_failure(const envoi_tls *t, const char *peer, envoi_error *err)
{
    if (t->failure == ENVOI_ECLOSED)
        return envoi_err_set(err, t->failure, "%s closed the connection", peer);
    return envoi_err_set(err, t->failure, "the TLS connection with %s failed earlier", peer);
}

ssize_t envoi_tls_recv(envoi_tls *t, void *buf, size_t n, int io_ms, const char *peer,
                       envoi_error *err)
{
    if (t->failure)
        return report_earlier_failure(t, peer, err);
    for (;;) {
        size_t got = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_read_ex(t->ssl, buf, n, &got) == 1)
            return (ssize_t)got;
        int rc = await_or_fail(t, 0, errno, io_ms, "reading from", peer, err);
        if (rc < 0)
            return rc;
    }
}

int envoi_tls_send_all(envoi_tls *t, const void *buf, size_t n, int io_ms, const char *peer,
                       envoi_error *err)
{
    /* Without partial writes OpenSSL reports success only once all n bytes
     * are sent; a retry after WANT_WRITE repeats the very same call. */
    if (t->failure)
        return report_earlier_failure(t, peer, err);
    while (n > 0) {
        size_t put = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_write_ex(t->ssl, buf, n, &put) == 1)
            return 0;
        int rc = await_or_fail(t, 0, errno, io_ms, "writing to", peer, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

size_t envoi_tls_pending(const envoi_tls *t)
{
    int n = SSL_pending(t->ssl);
    return n > 0 ? (size_t)n : 0;
}

void envoi_tls_close(envoi_tls *t)
{
    if (!t)
        return;
    if (t->ssl && t->sound && SSL_is_init_finished(t->ssl)) {
        /* One non-blocking attempt: close_notify goes out if the socket
         * takes it; the peer's reply is not awaited. */
        ERR_clear_error();
        SSL_shutdown(t->ssl);
    }
    SSL_free(t->ssl);
    SSL_CTX_free(t->ctx);
    BIO_meth_free(t->bio_method);
    ERR_clear_error();
    free(t);
}
