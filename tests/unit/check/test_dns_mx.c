/* check_dns_mx against a real nameserver on loopback: MX by preference,
 * null MX, the A/AAAA fallback, NXDOMAIN and NODATA, CNAME chains. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dns_peer.h"

#define SKIP_WITHOUT_SERVER()                                                                      \
    do {                                                                                           \
        if (dns_port == 0)                                                                         \
            skip();                                                                                \
    } while (0)

static check_mx_list lookup(const char *domain)
{
    check_resolver r = dns_resolver();
    check_mx_list mx;
    assert_int_equal(check_dns_mx(&r, domain, &mx), 0);
    return mx;
}

static void test_two_mx_sorted_by_preference(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("mx.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_false(mx.fallback);
    assert_int_equal(mx.count, 2);
    assert_string_equal(mx.hosts[0].name, "mx-a.mx.test");
    assert_int_equal(mx.hosts[0].preference, 10);
    assert_string_equal(mx.hosts[1].name, "mx-b.mx.test");
    assert_int_equal(mx.hosts[1].preference, 20);
    assert_string_equal(mx.why, "");
}

static void test_trailing_dot_and_case_accepted(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("MX.Test.");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_int_equal(mx.count, 2);
    assert_string_equal(mx.hosts[0].name, "mx-a.mx.test");
}

static void test_many_mx_keep_best_sixteen(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("many.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_int_equal(mx.count, CHECK_DNS_MAX_HOSTS);
    for (size_t i = 0; i < mx.count; i++) {
        char want[32];
        snprintf(want, sizeof want, "h%02zu.many.test", i + 1);
        assert_string_equal(mx.hosts[i].name, want);
        assert_int_equal(mx.hosts[i].preference, i + 1);
    }
}

static void test_null_mx(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("nullmx.test");
    assert_int_equal(mx.outcome, CHECK_MX_NULL);
    assert_int_equal(mx.count, 0);
    assert_non_null(strstr(mx.why, "null MX"));
}

static void test_a_only_falls_back_to_domain(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("a-only.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_true(mx.fallback);
    assert_int_equal(mx.count, 1);
    assert_string_equal(mx.hosts[0].name, "a-only.test");
    assert_int_equal(mx.hosts[0].preference, 0);
}

static void test_aaaa_only_falls_back_to_domain(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("aaaa-only.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_true(mx.fallback);
    assert_string_equal(mx.hosts[0].name, "aaaa-only.test");
}

static void test_nxdomain_is_none(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("none.test");
    assert_int_equal(mx.outcome, CHECK_MX_NONE);
    assert_int_equal(mx.count, 0);
    assert_non_null(strstr(mx.why, "no such domain"));
}

static void test_nodata_is_none(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("nodata.test");
    assert_int_equal(mx.outcome, CHECK_MX_NONE);
    assert_false(mx.fallback);
    assert_non_null(strstr(mx.why, "no MX record and no A or AAAA record"));
}

static void test_cname_chain_to_address_falls_back(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("alias2.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_true(mx.fallback);
    assert_string_equal(mx.hosts[0].name, "alias2.test");
}

static void test_cname_to_mx_domain(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("mxalias.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_false(mx.fallback);
    assert_int_equal(mx.count, 2);
    assert_string_equal(mx.hosts[0].name, "mx-a.mx.test");
    assert_string_equal(mx.hosts[1].name, "mx-b.mx.test");
}

static void test_mx_host_without_address_still_found(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_mx_list mx = lookup("nohost.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_int_equal(mx.count, 1);
    assert_string_equal(mx.hosts[0].name, "ghost.nohost.test");
}

static void test_ipv6_nameserver(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_resolver r = dns_resolver_at("[::1]");
    assert_int_equal(r.server.ss_family, AF_INET6);
    check_mx_list mx;
    assert_int_equal(check_dns_mx(&r, "mx.test", &mx), 0);
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_int_equal(mx.count, 2);
    assert_string_equal(mx.hosts[0].name, "mx-a.mx.test");
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    check_resolver r = {0};
    check_mx_list mx;
    assert_int_equal(check_dns_mx(&r, "", &mx), ENVOI_EINVAL);
    assert_int_equal(mx.outcome, CHECK_MX_FAILED);
    assert_int_equal(check_dns_mx(&r, NULL, &mx), ENVOI_EINVAL);
    assert_int_equal(check_dns_mx(NULL, "mx.test", &mx), ENVOI_EINVAL);
    assert_int_equal(check_dns_mx(&r, "mx.test", NULL), ENVOI_EINVAL);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(check_dns_mx(&r, longname, &mx), ENVOI_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_mx_sorted_by_preference),
        cmocka_unit_test(test_trailing_dot_and_case_accepted),
        cmocka_unit_test(test_many_mx_keep_best_sixteen),
        cmocka_unit_test(test_null_mx),
        cmocka_unit_test(test_a_only_falls_back_to_domain),
        cmocka_unit_test(test_aaaa_only_falls_back_to_domain),
        cmocka_unit_test(test_nxdomain_is_none),
        cmocka_unit_test(test_nodata_is_none),
        cmocka_unit_test(test_cname_chain_to_address_falls_back),
        cmocka_unit_test(test_cname_to_mx_domain),
        cmocka_unit_test(test_mx_host_without_address_still_found),
        cmocka_unit_test(test_ipv6_nameserver),
        cmocka_unit_test(test_invalid_arguments),
    };
    return cmocka_run_group_tests(tests, dns_setup, dns_teardown);
}
