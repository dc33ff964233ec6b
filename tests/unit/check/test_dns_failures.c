/* DNS failures read as failures, never as "no such domain": a nameserver
 * that never answers (timeout), one where nothing listens, a refusal
 * (REFUSED), a forwarded query that never comes back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dns_peer.h"

/* A UDP socket on 127.0.0.1 that reads nothing and answers nothing; its
 * address as "127.0.0.1:PORT" in text. The socket, or -1. */
static int silent_server(char *text, size_t n)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    snprintf(text, n, "127.0.0.1:%u", ntohs(sa.sin_port));
    return fd;
}

static void assert_failed_not_none(const check_mx_list *mx)
{
    assert_int_equal(mx->outcome, CHECK_MX_FAILED);
    assert_int_equal(mx->count, 0);
    assert_null(strstr(mx->why, "no such domain"));
    assert_true(mx->why[0] != '\0');
}

static void test_silent_nameserver_times_out(void **state)
{
    (void)state;
    char text[64];
    int fd = silent_server(text, sizeof text);
    assert_true(fd >= 0);
    check_resolver r = {.timeout_ms = 1};
    assert_int_equal(check_resolver_set_server(&r, text, NULL), 0);
    check_mx_list mx;
    assert_int_equal(check_dns_mx(&r, "mx.test", &mx), 0);
    assert_failed_not_none(&mx);
    assert_non_null(strstr(mx.why, "timed out after 1 s"));
    assert_non_null(strstr(mx.why, "mx.test MX"));

    check_addr_list addrs;
    assert_int_equal(check_dns_addrs(&r, "mx-a.mx.test", &addrs), 0);
    assert_true(addrs.failed);
    assert_int_equal(addrs.count, 0);
    assert_non_null(strstr(addrs.why, "timed out"));
    close(fd);
}

static void test_nothing_listening_fails(void **state)
{
    (void)state;
    char text[64];
    int fd = silent_server(text, sizeof text);
    assert_true(fd >= 0);
    close(fd); /* the port is free now: the query meets a closed port */
    check_resolver r = {.timeout_ms = 1000};
    assert_int_equal(check_resolver_set_server(&r, text, NULL), 0);
    check_mx_list mx;
    assert_int_equal(check_dns_mx(&r, "none.test", &mx), 0);
    assert_failed_not_none(&mx);
}

static void test_refused_fails(void **state)
{
    (void)state;
    if (dns_port == 0)
        skip();
    check_resolver r = dns_resolver();
    check_mx_list mx;
    assert_int_equal(check_dns_mx(&r, "example.org", &mx), 0); /* outside .test: REFUSED */
    assert_failed_not_none(&mx);
    assert_non_null(strstr(mx.why, "example.org MX"));
}

static void test_unanswered_forward_times_out(void **state)
{
    (void)state;
    if (dns_port == 0)
        skip();
    check_resolver r = dns_resolver();
    r.timeout_ms = 1000;
    check_mx_list mx;
    assert_int_equal(check_dns_mx(&r, "slow.test", &mx), 0);
    assert_failed_not_none(&mx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_nameserver_times_out),
        cmocka_unit_test(test_nothing_listening_fails),
        cmocka_unit_test(test_refused_fails),
        cmocka_unit_test(test_unanswered_forward_times_out),
    };
    return cmocka_run_group_tests(tests, dns_setup, dns_teardown);
}
