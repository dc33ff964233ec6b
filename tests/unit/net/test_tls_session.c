/* TLS sessions: bytes received in the clear before STARTTLS are discarded,
 * old protocol versions are refused, data crosses intact both ways, a peer
 * that vanishes is reported (never as SIGPIPE), and close says close_notify. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "envoi/tls.h"
#include "net/conn.h"
#include "util/buf.h"
#include "net_fixture.c"

static test_pki pki;

static int make_pki(void **state)
{
    (void)state;
    test_pki_make(&pki);
    return 0;
}

static int free_pki(void **state)
{
    (void)state;
    test_pki_free(&pki);
    return 0;
}

typedef struct session {
    test_tls_server server;
    test_peer peer;
    envoi_conn *conn;
    envoi_error err;
    envoi_tls_config cfg;
} session;

/* A TLS server with the good certificate, and a plain connection to it. */
static void session_open(session *s, const char *plain_before, bool hang_up)
{
    memset(s, 0, sizeof *s);
    s->server = (test_tls_server){.cert = pki.good,
                                  .key = pki.key,
                                  .plain_before = plain_before,
                                  .greeting = "250 encrypted\r\n",
                                  .hang_up = hang_up};
    s->cfg.ca_file = pki.ca_file;
    test_peer_start(&s->peer, test_tls_server_run, &s->server);
    assert_int_equal(envoi_conn_open(&s->conn, "localhost", s->peer.port, 5000, 5000, &s->err), 0);
}

static void session_start_tls(session *s)
{
    if (envoi_conn_start_tls(s->conn, &s->cfg, &s->err) != 0)
        fail_msg("start_tls: %s", s->err.text);
    assert_true(envoi_conn_is_tls(s->conn));
}

static void session_close(session *s)
{
    envoi_conn_close(s->conn);
    test_peer_join(&s->peer);
    free(s->server.received.data);
}

static void expect_line(session *s, const char *want)
{
    const char *line = NULL;
    size_t len = 0;
    int rc = envoi_conn_read_line(s->conn, &line, &len, 1000, &s->err);
    if (rc != 0)
        fail_msg("expected \"%s\", got %s: %s", want, envoi_err_name(rc), s->err.text);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(line, want, len);
}

static void test_plain_bytes_before_starttls_are_discarded(void **state)
{
    (void)state;
    session s;
    /* One write: the injected line arrives with the STARTTLS answer. */
    session_open(&s, "220 ready to start TLS\r\n250 injected\r\n", false);
    expect_line(&s, "220 ready to start TLS");
    assert_true(envoi_conn_pending(s.conn) > 0);
    session_start_tls(&s);
    assert_int_equal(envoi_conn_pending(s.conn), 0);
    expect_line(&s, "250 encrypted");
    session_close(&s);
}

static void test_data_crosses_tls_intact_in_both_directions(void **state)
{
    (void)state;
    session s;
    session_open(&s, NULL, false);
    session_start_tls(&s);
    expect_line(&s, "250 encrypted");
    envoi_buf want = ENVOI_BUF_INIT;
    for (int i = 0; i < 3000; i++) {
        assert_int_equal(envoi_conn_printf(s.conn, &s.err, "RCPT TO:<u%d@x>\r\n", i), 0);
        envoi_buf_printf(&want, "RCPT TO:<u%d@x>\r\n", i);
    }
    size_t big = 500000;
    char *block = malloc(big);
    assert_non_null(block);
    for (size_t i = 0; i < big; i++)
        block[i] = (char)(i * 7 % 251);
    assert_int_equal(envoi_conn_write(s.conn, block, big, &s.err), 0);
    envoi_buf_append(&want, block, big);
    assert_int_equal(envoi_conn_flush(s.conn, &s.err), 0);
    envoi_conn_close(s.conn);
    test_peer_join(&s.peer);
    assert_int_equal(s.server.received.len, want.len);
    assert_memory_equal(s.server.received.data, want.data, want.len);
    free(s.server.received.data);
    free(block);
    envoi_buf_free(&want);
}

static void test_close_sends_close_notify(void **state)
{
    (void)state;
    session s;
    session_open(&s, NULL, false);
    session_start_tls(&s);
    assert_int_equal(envoi_conn_write(s.conn, "QUIT\r\n", 6, &s.err), 0);
    assert_int_equal(envoi_conn_flush(s.conn, &s.err), 0);
    envoi_conn_close(s.conn);
    test_peer_join(&s.peer);
    assert_true(s.server.clean_close);
    assert_int_equal(s.server.received.len, 6);
    assert_memory_equal(s.server.received.data, "QUIT\r\n", 6);
    free(s.server.received.data);
}

static void test_second_start_tls_is_a_state_error(void **state)
{
    (void)state;
    session s;
    session_open(&s, NULL, false);
    session_start_tls(&s);
    assert_int_equal(envoi_conn_start_tls(s.conn, &s.cfg, &s.err), ENVOI_ESTATE);
    expect_line(&s, "250 encrypted");
    session_close(&s);
}

static void test_peer_vanishing_is_closed_not_sigpipe(void **state)
{
    (void)state;
    session s;
    session_open(&s, NULL, true); /* greets, then drops the socket */
    session_start_tls(&s);
    expect_line(&s, "250 encrypted");
    test_peer_join(&s.peer); /* the server's socket is gone */
    const char *line;
    size_t len;
    assert_int_equal(envoi_conn_read_line(s.conn, &line, &len, 1000, &s.err), ENVOI_ECLOSED);
    /* SIGPIPE keeps its default action: raising it would end the test. */
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++) {
        rc = envoi_conn_printf(s.conn, &s.err, "NOOP %d\r\n", i);
        if (rc == 0)
            rc = envoi_conn_flush(s.conn, &s.err);
    }
    assert_int_equal(rc, ENVOI_ECLOSED);
    envoi_conn_close(s.conn);
    free(s.server.received.data);
}

static void test_writes_to_a_vanished_peer_raise_no_sigpipe(void **state)
{
    (void)state;
    session s;
    session_open(&s, NULL, true);
    session_start_tls(&s);
    test_peer_join(&s.peer);
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++) {
        rc = envoi_conn_printf(s.conn, &s.err, "NOOP %d\r\n", i);
        if (rc == 0)
            rc = envoi_conn_flush(s.conn, &s.err);
    }
    assert_int_equal(rc, ENVOI_ECLOSED);
    envoi_conn_close(s.conn);
    free(s.server.received.data);
}

/* A client allowing TLS 1.0 and 1.1 only: shows the legacy server works. */
static bool legacy_handshake_works(void)
{
    test_tls_server server = {.cert = pki.good, .key = pki.key, .max_version = TLS1_1_VERSION};
    test_peer peer;
    test_peer_start(&peer, test_tls_server_run, &server);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)peer.port)};
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    bool ok = false;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (fd >= 0 && ctx && connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0) {
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
        SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
        SSL *ssl = SSL_new(ctx);
        ok = ssl && SSL_set_fd(ssl, fd) == 1 && SSL_connect(ssl) == 1 &&
             SSL_version(ssl) == TLS1_1_VERSION;
        if (ok)
            SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    SSL_CTX_free(ctx);
    if (fd >= 0)
        close(fd);
    test_peer_join(&peer);
    free(server.received.data);
    ERR_clear_error();
    return ok;
}

static void test_tls_1_1_only_server_is_refused(void **state)
{
    (void)state;
    if (!legacy_handshake_works())
        skip(); /* this OpenSSL cannot speak TLS 1.1 at all */
    test_tls_server server = {.cert = pki.good, .key = pki.key, .max_version = TLS1_1_VERSION};
    test_peer peer;
    test_peer_start(&peer, test_tls_server_run, &server);
    envoi_conn *c = NULL;
    envoi_error err;
    assert_int_equal(envoi_conn_open(&c, "localhost", peer.port, 5000, 5000, &err), 0);
    envoi_tls_config cfg = {.ca_file = pki.ca_file, .ignore = envoi_ignore_cert_parse("all")};
    assert_int_equal(envoi_conn_start_tls(c, &cfg, &err), ENVOI_ETLS);
    assert_false(envoi_conn_is_tls(c));
    envoi_conn_close(c);
    test_peer_join(&peer);
    assert_false(server.handshake_ok);
    free(server.received.data);
}

static void test_server_silent_during_handshake_times_out(void **state)
{
    (void)state;
    test_script script = {.chunks = {"220 ready\r\n"}}; /* never answers the hello */
    test_peer peer;
    test_peer_start(&peer, test_script_run, &script);
    envoi_conn *c = NULL;
    envoi_error err;
    assert_int_equal(envoi_conn_open(&c, "localhost", peer.port, 5000, 200, &err), 0);
    const char *line;
    size_t len;
    assert_int_equal(envoi_conn_read_line(c, &line, &len, 100, &err), 0);
    envoi_tls_config cfg = {.ca_file = pki.ca_file};
    assert_int_equal(envoi_conn_start_tls(c, &cfg, &err), ENVOI_ETIMEDOUT);
    envoi_conn_close(c);
    test_peer_join(&peer);
}

static void test_server_answering_in_plain_text_is_a_tls_error(void **state)
{
    (void)state;
    test_script script = {.chunks = {"500 what is this\r\n"}, .hang_up = true};
    test_peer peer;
    test_peer_start(&peer, test_script_run, &script);
    envoi_conn *c = NULL;
    envoi_error err;
    assert_int_equal(envoi_conn_open(&c, "localhost", peer.port, 5000, 5000, &err), 0);
    envoi_tls_config cfg = {.ca_file = pki.ca_file};
    assert_int_equal(envoi_conn_start_tls(c, &cfg, &err), ENVOI_ETLS);
    assert_non_null(strstr(err.text, "localhost"));
    envoi_conn_close(c);
    test_peer_join(&peer);
}

int main(void)
{
    signal(SIGPIPE, SIG_DFL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_bytes_before_starttls_are_discarded),
        cmocka_unit_test(test_data_crosses_tls_intact_in_both_directions),
        cmocka_unit_test(test_close_sends_close_notify),
        cmocka_unit_test(test_second_start_tls_is_a_state_error),
        cmocka_unit_test(test_peer_vanishing_is_closed_not_sigpipe),
        cmocka_unit_test(test_writes_to_a_vanished_peer_raise_no_sigpipe),
        cmocka_unit_test(test_tls_1_1_only_server_is_refused),
        cmocka_unit_test(test_server_silent_during_handshake_times_out),
        cmocka_unit_test(test_server_answering_in_plain_text_is_a_tls_error),
    };
    return cmocka_run_group_tests(tests, make_pki, free_pki);
}
