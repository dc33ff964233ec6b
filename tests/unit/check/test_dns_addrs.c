/* check_dns_addrs against a real nameserver on loopback: A and AAAA records
 * (AAAA first), CNAME chains, names without addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dns_peer.h"

static check_addr_list lookup(const char *host)
{
    if (dns_port == 0)
        skip();
    check_resolver r = dns_resolver();
    check_addr_list a;
    assert_int_equal(check_dns_addrs(&r, host, &a), 0);
    return a;
}

static void assert_v4(const struct sockaddr_storage *ss, const char *want)
{
    assert_int_equal(ss->ss_family, AF_INET);
    const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
    assert_string_equal(text, want);
    assert_int_equal(sin->sin_port, 0);
}

static void assert_v6(const struct sockaddr_storage *ss, const char *want)
{
    assert_int_equal(ss->ss_family, AF_INET6);
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
    assert_string_equal(text, want);
    assert_int_equal(sin6->sin6_port, 0);
}

static void test_mx_hosts_have_loopback_addresses(void **state)
{
    (void)state;
    check_addr_list a = lookup("mx-a.mx.test");
    assert_false(a.failed);
    assert_int_equal(a.count, 1);
    assert_v4(&a.addrs[0], "127.0.0.2");
    a = lookup("mx-b.mx.test");
    assert_int_equal(a.count, 1);
    assert_v4(&a.addrs[0], "127.0.0.3");
}

static void test_aaaa_before_a(void **state)
{
    (void)state;
    check_addr_list a = lookup("both.test");
    assert_false(a.failed);
    assert_int_equal(a.count, 2);
    assert_v6(&a.addrs[0], "::1");
    assert_v4(&a.addrs[1], "127.0.0.4");
}

static void test_cname_chain_followed(void **state)
{
    (void)state;
    check_addr_list a = lookup("alias2.test");
    assert_false(a.failed);
    assert_int_equal(a.count, 1);
    assert_v4(&a.addrs[0], "127.0.0.4");
}

static void test_missing_host_has_none(void **state)
{
    (void)state;
    check_addr_list a = lookup("ghost.nohost.test");
    assert_false(a.failed);
    assert_int_equal(a.count, 0);
    assert_string_equal(a.why, "");
    a = lookup("nodata.test");
    assert_false(a.failed);
    assert_int_equal(a.count, 0);
}

static void test_refused_is_failure(void **state)
{
    (void)state;
    check_addr_list a = lookup("example.org");
    assert_true(a.failed);
    assert_int_equal(a.count, 0);
    assert_non_null(strstr(a.why, "example.org"));
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    check_resolver r = {0};
    check_addr_list a;
    assert_int_equal(check_dns_addrs(&r, "", &a), ENVOI_EINVAL);
    assert_true(a.failed);
    assert_int_equal(check_dns_addrs(NULL, "x.test", &a), ENVOI_EINVAL);
    assert_int_equal(check_dns_addrs(&r, "x.test", NULL), ENVOI_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mx_hosts_have_loopback_addresses),
        cmocka_unit_test(test_aaaa_before_a),
        cmocka_unit_test(test_cname_chain_followed),
        cmocka_unit_test(test_missing_host_has_none),
        cmocka_unit_test(test_refused_is_failure),
        cmocka_unit_test(test_invalid_arguments),
    };
    return cmocka_run_group_tests(tests, dns_setup, dns_teardown);
}
