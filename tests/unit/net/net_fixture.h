/* Test peers for the transport tests: listeners on loopback, a one-shot
 * server thread, scripted plain and TLS servers, and a small PKI generated
 * with OpenSSL at run time. The test programs #include "net_fixture.c" (only
 * test_*.c files become programs). */
#ifndef ENVOI_TESTS_NET_FIXTURE_H
#define ENVOI_TESTS_NET_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

/* A socket bound to addr port 0 (listening when listening is true); the port
 * chosen is stored in *port. Returns the fd, or -1 (e.g. no IPv6). */
int test_listen(const char *addr, bool listening, unsigned *port);

/* A server on 127.0.0.1 that accepts one connection in a thread and runs fn
 * on it; the socket is closed when fn returns. SIGPIPE is blocked in the
 * thread, so only the code under test could be killed by one. */
typedef void (*test_peer_fn)(int fd, void *arg);
typedef struct test_peer {
    int lfd;
    unsigned port;
    pthread_t thread;
    test_peer_fn fn;
    void *arg;
} test_peer;
void test_peer_start(test_peer *p, test_peer_fn fn, void *arg);
void test_peer_join(test_peer *p);

void test_send(int fd, const void *data, size_t len);

/* Plain script: send each chunk with a short pause between them (so they
 * arrive in separate reads), then hang up, or read until the client does. */
typedef struct test_script {
    const char *chunks[8];
    bool hang_up;
} test_script;
void test_script_run(int fd, void *arg);

/* Collect everything the client sends until it closes. */
typedef struct test_sink {
    char *data; /* malloc'ed, free it */
    size_t len;
} test_sink;
void test_sink_run(int fd, void *arg);

/* TLS server: optional plain bytes before the handshake, a greeting line over
 * TLS, then everything the client sends is collected until it closes. */
typedef struct test_tls_server {
    X509 *cert;
    EVP_PKEY *key;
    const char *plain_before; /* sent in the clear before the handshake */
    const char *greeting;     /* sent over TLS after the handshake */
    int max_version;          /* e.g. TLS1_1_VERSION; 0: OpenSSL's default */
    bool hang_up;             /* close the socket right after the greeting */
    bool handshake_ok;        /* out */
    bool clean_close;         /* out: the client ended with close_notify */
    test_sink received;       /* out */
} test_tls_server;
void test_tls_server_run(int fd, void *arg);

/* A CA, and server certificates for localhost/127.0.0.1 (good, expired,
 * revoked), a wrong name, and a self-signed one; ca_file holds the CA, and
 * crl_file a CRL from the CA that revokes `revoked`. */
typedef struct test_pki {
    char dir[64];
    char ca_file[128];
    char crl_file[128];
    EVP_PKEY *ca_key;
    EVP_PKEY *key;
    X509 *ca;
    X509 *good;
    X509 *wrong_name;
    X509 *expired;
    X509 *self_signed;
    X509 *revoked;
} test_pki;
void test_pki_make(test_pki *p);
void test_pki_free(test_pki *p);

#endif
