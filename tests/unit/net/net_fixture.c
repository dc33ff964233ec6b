/* Test peers and PKI for the transport tests (see net_fixture.h). Included by
 * each test program after <cmocka.h>. */
#include "net_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

int test_listen(const char *addr, bool listening, unsigned *port)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        len = sizeof *v4;
    } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        len = sizeof *v6;
    } else {
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || (listening && listen(fd, 8) < 0) ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
    return fd;
}

static void *peer_main(void *arg)
{
    test_peer *p = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct pollfd pfd = {.fd = p->lfd, .events = POLLIN};
    if (poll(&pfd, 1, 10000) != 1)
        return NULL; /* the client never came */
    int fd = accept(p->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    p->fn(fd, p->arg);
    close(fd);
    return NULL;
}

void test_peer_start(test_peer *p, test_peer_fn fn, void *arg)
{
    p->fn = fn;
    p->arg = arg;
    p->lfd = test_listen("127.0.0.1", true, &p->port);
    assert_true(p->lfd >= 0);
    assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
}

void test_peer_join(test_peer *p)
{
    pthread_join(p->thread, NULL);
    close(p->lfd);
}

void test_send(int fd, const void *data, size_t len)
{
    const char *s = data;
    while (len > 0) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

static void pause_briefly(void)
{
    struct timespec ts = {.tv_nsec = 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void sink_append(test_sink *s, const char *data, size_t len)
{
    char *p = realloc(s->data, s->len + len + 1);
    if (!p)
        return;
    memcpy(p + s->len, data, len);
    s->data = p;
    s->len += len;
    s->data[s->len] = '\0';
}

void test_sink_run(int fd, void *arg)
{
    test_sink *s = arg;
    char buf[16384];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
        sink_append(s, buf, (size_t)n);
}

void test_script_run(int fd, void *arg)
{
    test_script *s = arg;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (size_t i = 0; i < sizeof s->chunks / sizeof s->chunks[0] && s->chunks[i]; i++) {
        if (i > 0)
            pause_briefly();
        test_send(fd, s->chunks[i], strlen(s->chunks[i]));
    }
    if (!s->hang_up) {
        test_sink ignored = {NULL, 0};
        test_sink_run(fd, &ignored);
        free(ignored.data);
    }
}

static SSL_CTX *server_context(const test_tls_server *s)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return NULL;
    if (s->max_version) {
        /* Old protocols need security level 0 in OpenSSL 3. */
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
        SSL_CTX_set_max_proto_version(ctx, s->max_version);
    }
    if (SSL_CTX_use_certificate(ctx, s->cert) != 1 || SSL_CTX_use_PrivateKey(ctx, s->key) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Returns true when the client ended with close_notify. */
static bool tls_collect(SSL *ssl, test_sink *sink)
{
    char buf[16384];
    int n;
    while ((n = SSL_read(ssl, buf, sizeof buf)) > 0)
        sink_append(sink, buf, (size_t)n);
    return SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN;
}

void test_tls_server_run(int fd, void *arg)
{
    test_tls_server *s = arg;
    if (s->plain_before)
        test_send(fd, s->plain_before, strlen(s->plain_before));
    SSL_CTX *ctx = server_context(s);
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    if (ssl && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1) {
        s->handshake_ok = true;
        if (s->greeting)
            SSL_write(ssl, s->greeting, (int)strlen(s->greeting));
        if (s->hang_up) {
            shutdown(fd, SHUT_RDWR);
        } else {
            s->clean_close = tls_collect(ssl, &s->received);
            SSL_shutdown(ssl);
        }
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    OPENSSL_thread_stop();
}

/* ---- PKI ---- */

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(ext);
    assert_int_equal(X509_add_ext(cert, ext, -1), 1);
    X509_EXTENSION_free(ext);
}

struct cert_spec {
    const char *cn;
    const char *san; /* NULL for the CA */
    long serial;
    long not_before; /* seconds from now */
    long not_after;
};

/* issuer NULL: self-signed with key. */
static X509 *make_cert(const struct cert_spec *spec, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuer_key)
{
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), spec->serial);
    X509_gmtime_adj(X509_getm_notBefore(x), spec->not_before);
    X509_gmtime_adj(X509_getm_notAfter(x), spec->not_after);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"envoi tests", -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)spec->cn, -1, -1,
                               0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(x, key);
    X509 *signer = issuer ? issuer : x;
    add_ext(x, signer, NID_subject_key_identifier, "hash");
    add_ext(x, signer, NID_authority_key_identifier, "keyid");
    if (spec->san) {
        add_ext(x, signer, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(x, signer, NID_key_usage, "critical,digitalSignature");
        add_ext(x, signer, NID_ext_key_usage, "serverAuth");
        add_ext(x, signer, NID_subject_alt_name, spec->san);
    } else {
        add_ext(x, signer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

static X509_CRL *make_crl(X509 *ca, EVP_PKEY *ca_key, long revoked_serial)
{
    X509_CRL *crl = X509_CRL_new();
    assert_non_null(crl);
    X509_CRL_set_version(crl, X509_CRL_VERSION_2);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
    ASN1_TIME *t = X509_gmtime_adj(NULL, -3600);
    X509_CRL_set1_lastUpdate(crl, t);
    ASN1_TIME_free(t);
    t = X509_gmtime_adj(NULL, 7 * 86400);
    X509_CRL_set1_nextUpdate(crl, t);
    ASN1_TIME_free(t);
    X509_REVOKED *r = X509_REVOKED_new();
    ASN1_INTEGER *serial = ASN1_INTEGER_new();
    ASN1_INTEGER_set(serial, revoked_serial);
    X509_REVOKED_set_serialNumber(r, serial);
    ASN1_INTEGER_free(serial);
    t = X509_gmtime_adj(NULL, -600);
    X509_REVOKED_set_revocationDate(r, t);
    ASN1_TIME_free(t);
    X509_CRL_add0_revoked(crl, r);
    X509_CRL_sort(crl);
    assert_true(X509_CRL_sign(crl, ca_key, EVP_sha256()) > 0);
    return crl;
}

void test_pki_make(test_pki *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/envoi-net-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    snprintf(p->ca_file, sizeof p->ca_file, "%s/ca.pem", p->dir);
    snprintf(p->crl_file, sizeof p->crl_file, "%s/crl.pem", p->dir);
    p->ca_key = EVP_EC_gen("P-256");
    p->key = EVP_EC_gen("P-256");
    assert_non_null(p->ca_key);
    assert_non_null(p->key);
    const long day = 86400;
    const char *san = "DNS:localhost,IP:127.0.0.1,IP:::1";
    p->ca = make_cert(&(struct cert_spec){"envoi test CA", NULL, 1, -day, 30 * day}, p->ca_key,
                      NULL, NULL);
    p->good = make_cert(&(struct cert_spec){"localhost", san, 2, -day, 30 * day}, p->key, p->ca,
                        p->ca_key);
    p->wrong_name =
        make_cert(&(struct cert_spec){"wrong.example", "DNS:wrong.example", 3, -day, 30 * day},
                  p->key, p->ca, p->ca_key);
    p->expired = make_cert(&(struct cert_spec){"localhost", san, 4, -30 * day, -day}, p->key, p->ca,
                           p->ca_key);
    p->self_signed =
        make_cert(&(struct cert_spec){"localhost", san, 5, -day, 30 * day}, p->key, NULL, NULL);
    p->revoked = make_cert(&(struct cert_spec){"localhost", san, 6, -day, 30 * day}, p->key, p->ca,
                           p->ca_key);

    FILE *f = fopen(p->ca_file, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509(f, p->ca), 1);
    fclose(f);
    X509_CRL *crl = make_crl(p->ca, p->ca_key, 6);
    f = fopen(p->crl_file, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509_CRL(f, crl), 1);
    fclose(f);
    X509_CRL_free(crl);
}

void test_pki_free(test_pki *p)
{
    X509_free(p->ca);
    X509_free(p->good);
    X509_free(p->wrong_name);
    X509_free(p->expired);
    X509_free(p->self_signed);
    X509_free(p->revoked);
    EVP_PKEY_free(p->ca_key);
    EVP_PKEY_free(p->key);
    unlink(p->ca_file);
    unlink(p->crl_file);
    rmdir(p->dir);
}
