/* check_resolver_set_server: "IP", "IP:PORT", "[IPv6]", "[IPv6]:PORT" and
 * what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "check/dns.h"

static check_resolver parse_ok(const char *text)
{
    check_resolver r = {.timeout_ms = 1234};
    envoi_error err = {0};
    assert_int_equal(check_resolver_set_server(&r, text, &err), 0);
    assert_true(r.has_server);
    assert_int_equal(r.timeout_ms, 1234);
    return r;
}

static void assert_v4(const check_resolver *r, const char *ip, unsigned port)
{
    const struct sockaddr_in *sin = (const struct sockaddr_in *)&r->server;
    char text[INET_ADDRSTRLEN];
    assert_int_equal(sin->sin_family, AF_INET);
    inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
    assert_string_equal(text, ip);
    assert_int_equal(ntohs(sin->sin_port), port);
}

static void assert_v6(const check_resolver *r, const char *ip, unsigned port)
{
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&r->server;
    char text[INET6_ADDRSTRLEN];
    assert_int_equal(sin6->sin6_family, AF_INET6);
    inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
    assert_string_equal(text, ip);
    assert_int_equal(ntohs(sin6->sin6_port), port);
}

static void test_ipv4(void **state)
{
    (void)state;
    check_resolver r = parse_ok("127.0.0.1");
    assert_v4(&r, "127.0.0.1", 53);
    r = parse_ok("192.0.2.7:5353");
    assert_v4(&r, "192.0.2.7", 5353);
    r = parse_ok("10.1.2.3:65535");
    assert_v4(&r, "10.1.2.3", 65535);
}

static void test_ipv6(void **state)
{
    (void)state;
    check_resolver r = parse_ok("[::1]");
    assert_v6(&r, "::1", 53);
    r = parse_ok("[2001:db8::5]:1053");
    assert_v6(&r, "2001:db8::5", 1053);
    r = parse_ok("::1"); /* bare: no port possible */
    assert_v6(&r, "::1", 53);
}

static void test_refused(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "localhost",
                         "127.0.0.1:",
                         "127.0.0.1:0",
                         "127.0.0.1:65536",
                         "127.0.0.1:53x",
                         "127.0.0.1:-1",
                         "127.0.0.1:+53",
                         "127.0.0.1 :53",
                         "127.0.0",
                         "256.0.0.1",
                         "[::1",
                         "[::1]:",
                         "[::1]53",
                         "[127.0.0.1]:53",
                         "[::1]:100000",
                         "::1:53:",
                         "[]",
                         "1.2.3.4:53:53"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_resolver r = {0};
        envoi_error err = {0};
        if (check_resolver_set_server(&r, bad[i], &err) != ENVOI_EINVAL)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_false(r.has_server);
        assert_int_equal(err.code, ENVOI_EINVAL);
        assert_non_null(strstr(err.text, "nameserver"));
    }
    check_resolver r = {0};
    assert_int_equal(check_resolver_set_server(&r, NULL, NULL), ENVOI_EINVAL);
    assert_int_equal(check_resolver_set_server(NULL, "127.0.0.1", NULL), ENVOI_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
