/* TCP connections: failures name the host, port and cause; reads and writes
 * time out; IPv4 and IPv6 peers are reached; a vanished peer is no SIGPIPE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netdb.h>

#include "net/conn.h"
#include "net_fixture.c"

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

static void test_refused_connection_names_host_port_and_cause(void **state)
{
    (void)state;
    unsigned port;
    int fd = test_listen("127.0.0.1", false, &port); /* bound, not listening */
    assert_true(fd >= 0);
    envoi_conn *c = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_conn_open(&c, "127.0.0.1", port, 5000, 5000, &err), ENVOI_ECONNECT);
    assert_null(c);
    assert_int_equal(err.code, ENVOI_ECONNECT);
    char port_text[32];
    snprintf(port_text, sizeof port_text, "port %u", port);
    assert_contains(err.text, "127.0.0.1");
    assert_contains(err.text, port_text);
    assert_contains(err.text, "refused");
    close(fd);
}

static void test_unresolvable_host_is_a_resolve_error(void **state)
{
    (void)state;
    /* The empty label makes the resolver refuse the name locally, so the
     * test sends no DNS query off the machine. */
    const char *host = "no-such-host..invalid";
    envoi_conn *c = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_conn_open(&c, host, 25, 5000, 5000, &err), ENVOI_ERESOLVE);
    assert_null(c);
    assert_contains(err.text, host);
}

static void test_invalid_arguments_are_refused(void **state)
{
    (void)state;
    envoi_conn *c = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_conn_open(&c, "", 25, 1000, 1000, &err), ENVOI_EINVAL);
    assert_int_equal(envoi_conn_open(&c, "127.0.0.1", 0, 1000, 1000, &err), ENVOI_EINVAL);
    assert_int_equal(envoi_conn_open(&c, "127.0.0.1", 70000, 1000, 1000, &err), ENVOI_EINVAL);
    assert_null(c);
}

static void test_silent_server_read_times_out(void **state)
{
    (void)state;
    unsigned port;
    int fd = test_listen("127.0.0.1", true, &port); /* never accepts, never writes */
    assert_true(fd >= 0);
    envoi_conn *c = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_conn_open(&c, "127.0.0.1", port, 5000, 200, &err), 0);
    const char *line;
    size_t len;
    assert_int_equal(envoi_conn_read_line(c, &line, &len, 1000, &err), ENVOI_ETIMEDOUT);
    assert_int_equal(err.code, ENVOI_ETIMEDOUT);
    assert_contains(err.text, "127.0.0.1");
    char byte;
    envoi_conn_set_timeout(c, 100);
    assert_int_equal(envoi_conn_read_exact(c, &byte, 1, &err), ENVOI_ETIMEDOUT);
    envoi_conn_close(c);
    close(fd);
}

static void test_server_that_never_reads_write_times_out(void **state)
{
    (void)state;
    unsigned port;
    int fd = test_listen("127.0.0.1", true, &port);
    assert_true(fd >= 0);
    envoi_conn *c = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_conn_open(&c, "127.0.0.1", port, 5000, 200, &err), 0);
    size_t size = 1 << 20;
    char *block = calloc(1, size);
    assert_non_null(block);
    int rc = 0;
    for (int i = 0; i < 256 && rc == 0; i++) /* up to 256 MiB: far beyond socket buffers */
        rc = envoi_conn_write(c, block, size, &err);
    assert_int_equal(rc, ENVOI_ETIMEDOUT);
    free(block);
    envoi_conn_close(c);
    close(fd);
}

static void test_unanswered_connect_times_out(void **state)
{
    (void)state;
    /* A listener with a full accept queue: Linux drops further SYNs, so a
     * new connection is never answered. */
    unsigned port;
    int fd = test_listen("127.0.0.1", false, &port);
    assert_true(fd >= 0);
    assert_int_equal(listen(fd, 0), 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    int fillers[4];
    for (int i = 0; i < 4; i++) {
        fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        connect(fillers[i], (struct sockaddr *)&sin, sizeof sin);
    }
    envoi_conn *c = NULL;
    envoi_error err = {0};
    int rc = envoi_conn_open(&c, "127.0.0.1", port, 300, 300, &err);
    envoi_conn_close(c);
    for (int i = 0; i < 4; i++)
        close(fillers[i]);
    close(fd);
    if (rc == 0)
        skip(); /* this kernel answered anyway */
    assert_int_equal(rc, ENVOI_ETIMEDOUT);
    assert_contains(err.text, "timed out");
}

static void test_localhost_reaches_ipv4_only_listener(void **state)
{
    (void)state;
    test_script script = {.chunks = {"hello v4\r\n"}};
    test_peer peer;
    test_peer_start(&peer, test_script_run, &script);
    envoi_conn *c = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_conn_open(&c, "localhost", peer.port, 5000, 5000, &err), 0);
    const char *line;
    size_t len;
    assert_int_equal(envoi_conn_read_line(c, &line, &len, 1000, &err), 0);
    assert_int_equal(len, 8);
    assert_memory_equal(line, "hello v4", 8);
    assert_false(envoi_conn_is_tls(c));
    envoi_conn_close(c);
    test_peer_join(&peer);
}

static bool localhost_has_ipv6(void)
{
    struct addrinfo hints = {.ai_family = AF_INET6, .ai_socktype = SOCK_STREAM};
    struct addrinfo *list = NULL;
    if (getaddrinfo("localhost", "25", &hints, &list) != 0)
        return false;
    freeaddrinfo(list);
    return true;
}

/* Accept one connection on fd and say hello. */
static void *greet_once(void *arg)
{
    int fd = *(int *)arg;
    int s = accept(fd, NULL, NULL);
    if (s >= 0) {
        test_send(s, "hello v6\r\n", 10);
        char buf[64];
        while (recv(s, buf, sizeof buf, 0) > 0)
            ;
        close(s);
    }
    return NULL;
}

static void read_hello_v6(const char *host, int fd, unsigned port)
{
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, greet_once, &fd), 0);
    envoi_conn *c = NULL;
    envoi_error err = {0};
    int rc = envoi_conn_open(&c, host, port, 5000, 5000, &err);
    if (rc != 0) {
        /* Unblock the accept before failing. */
        shutdown(fd, SHUT_RDWR);
        pthread_join(thread, NULL);
        fail_msg("connect to %s: %s", host, err.text);
    }
    const char *line;
    size_t len;
    assert_int_equal(envoi_conn_read_line(c, &line, &len, 1000, &err), 0);
    assert_int_equal(len, 8);
    assert_memory_equal(line, "hello v6", 8);
    envoi_conn_close(c);
    pthread_join(thread, NULL);
}

static void test_ipv6_literal_reaches_ipv6_listener(void **state)
{
    (void)state;
    unsigned port;
    int fd = test_listen("::1", true, &port);
    if (fd < 0)
        skip();
    read_hello_v6("::1", fd, port);
    read_hello_v6("[::1]", fd, port);
    close(fd);
}

static void test_localhost_reaches_ipv6_only_listener(void **state)
{
    (void)state;
    if (!localhost_has_ipv6())
        skip(); /* this machine's localhost is IPv4 only */
    unsigned port;
    int fd = test_listen("::1", true, &port);
    if (fd < 0)
        skip();
    read_hello_v6("localhost", fd, port);
    close(fd);
}

static void test_writing_to_a_closed_peer_fails_without_sigpipe(void **state)
{
    (void)state;
    test_script script = {.hang_up = true}; /* accept, then close at once */
    test_peer peer;
    test_peer_start(&peer, test_script_run, &script);
    envoi_conn *c = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_conn_open(&c, "127.0.0.1", peer.port, 5000, 5000, &err), 0);
    test_peer_join(&peer);
    /* SIGPIPE keeps its default action here: raising it would end the test. */
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++) {
        rc = envoi_conn_printf(c, &err, "NOOP %d\r\n", i);
        if (rc == 0)
            rc = envoi_conn_flush(c, &err);
    }
    assert_int_equal(rc, ENVOI_ECLOSED);
    envoi_conn_close(c);
}

int main(void)
{
    signal(SIGPIPE, SIG_DFL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_connection_names_host_port_and_cause),
        cmocka_unit_test(test_unresolvable_host_is_a_resolve_error),
        cmocka_unit_test(test_invalid_arguments_are_refused),
        cmocka_unit_test(test_unanswered_connect_times_out),
        cmocka_unit_test(test_silent_server_read_times_out),
        cmocka_unit_test(test_server_that_never_reads_write_times_out),
        cmocka_unit_test(test_localhost_reaches_ipv4_only_listener),
        cmocka_unit_test(test_ipv6_literal_reaches_ipv6_listener),
        cmocka_unit_test(test_localhost_reaches_ipv6_only_listener),
        cmocka_unit_test(test_writing_to_a_closed_peer_fails_without_sigpipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
