/* The address checker handle: its settings refuse bad values, the syntax
 * level needs no network, and an IP address literal skips DNS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "envoi/check.h"

/* A nameserver where nothing answers: any DNS query would fail. */
#define DEAD_NAMESERVER "127.0.0.1:9"

static int setup(void **state)
{
    *state = envoi_checker_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    envoi_checker_free(*state);
    return 0;
}

static void test_null_arguments(void **state)
{
    envoi_check_report r;
    assert_int_equal(envoi_checker_check(NULL, "a@example.org", &r), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_check(*state, NULL, &r), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_check(*state, "a@example.org", NULL), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_level(NULL, ENVOI_CHECK_DOMAIN), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_smtp_port(NULL, 25), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_helo_name(*state, NULL), ENVOI_EINVAL);
    envoi_checker_free(NULL);
}

static void test_level_values(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_level(c, ENVOI_CHECK_SERVER), 0);
    assert_int_equal(envoi_checker_set_level(c, (envoi_check_level)3), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_level(c, (envoi_check_level)-1), ENVOI_EINVAL);
}

static void test_nameserver_values(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_nameserver(c, "127.0.0.1"), 0);
    assert_int_equal(envoi_checker_set_nameserver(c, "127.0.0.1:5353"), 0);
    assert_int_equal(envoi_checker_set_nameserver(c, "[::1]:5353"), 0);
    assert_int_equal(envoi_checker_set_nameserver(c, "dns.example.org"), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_nameserver(c, "127.0.0.1:0"), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_nameserver(c, "127.0.0.1:99999"), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_nameserver(c, NULL), 0); /* the system's again */
}

static void test_timeouts_and_port(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_dns_timeout(c, 0), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_dns_timeout(c, -5), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_dns_timeout(c, 1), 0);
    assert_int_equal(envoi_checker_set_smtp_timeout(c, 0), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_smtp_timeout(c, 1500), 0);
    assert_int_equal(envoi_checker_set_smtp_port(c, 0), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_smtp_port(c, 65536), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_smtp_port(c, 2525), 0);
}

static void test_helo_values(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_helo_name(c, "probe.example.org"), 0);
    assert_int_equal(envoi_checker_set_helo_name(c, "[192.0.2.1]"), 0);
    assert_int_equal(envoi_checker_set_helo_name(c, ""), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_helo_name(c, "two words"), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_helo_name(c, "x\r\nRCPT TO:<a@b.org>"), ENVOI_EINVAL);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(envoi_checker_set_helo_name(c, longname), ENVOI_EINVAL);
}

static void test_mail_from_values(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_mail_from(c, "probe@example.org"), 0);
    assert_int_equal(envoi_checker_set_mail_from(c, ""), 0);
    assert_int_equal(envoi_checker_set_mail_from(c, NULL), 0);
    assert_int_equal(envoi_checker_set_mail_from(c, "not an address"), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_mail_from(c, "a@@example.org"), ENVOI_EINVAL);
    assert_int_equal(envoi_checker_set_mail_from(c, "Probe <probe@example.org>"), ENVOI_EINVAL);
}

/* The default level is syntax: no DNS, even with a dead nameserver. */
static void test_default_level_is_syntax(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_nameserver(c, DEAD_NAMESERVER), 0);
    envoi_check_report r;
    assert_int_equal(envoi_checker_check(c, "jane@example.org", &r), 0);
    assert_int_equal(r.result, ENVOI_ADDR_VALID);
    assert_int_equal(r.level, ENVOI_CHECK_SYNTAX);
    assert_string_equal(r.domain, "example.org");
    assert_string_equal(r.mx, "");
    assert_int_equal(r.reply_code, 0);
}

/* A bad address stops at the syntax level whatever the level asked. */
static void test_syntax_stops_higher_levels(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_nameserver(c, DEAD_NAMESERVER), 0);
    assert_int_equal(envoi_checker_set_dns_timeout(c, 1), 0);
    assert_int_equal(envoi_checker_set_level(c, ENVOI_CHECK_SERVER), 0);
    envoi_check_report r;
    assert_int_equal(envoi_checker_check(c, "jane@@example.org", &r), 0);
    assert_int_equal(r.result, ENVOI_ADDR_SYNTAX);
    assert_int_equal(r.level, ENVOI_CHECK_SYNTAX);
    assert_true(r.reason[0] != '\0');
    assert_string_equal(r.mx, "");
}

/* The same report as envoi_address_check_syntax at the syntax level. */
static void test_same_as_syntax_function(void **state)
{
    envoi_checker *c = *state;
    static const char *const addresses[] = {"a.b@example.org", "\"a b\"@example.org",
                                            "x@[IPv6:2001:db8::1]", "nobody", "a@b@c.org"};
    for (size_t i = 0; i < sizeof addresses / sizeof addresses[0]; i++) {
        envoi_check_report r1, r2;
        assert_int_equal(envoi_checker_check(c, addresses[i], &r1), 0);
        assert_int_equal(envoi_address_check_syntax(addresses[i], &r2), 0);
        assert_int_equal(r1.result, r2.result);
        assert_string_equal(r1.reason, r2.reason);
        assert_string_equal(r1.domain, r2.domain);
    }
}

/* An IPv4 or IPv6 literal is valid at the domain level without any DNS
 * query (the dead nameserver would make one fail). */
static void test_literal_skips_dns(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_nameserver(c, DEAD_NAMESERVER), 0);
    assert_int_equal(envoi_checker_set_dns_timeout(c, 1), 0);
    assert_int_equal(envoi_checker_set_level(c, ENVOI_CHECK_DOMAIN), 0);
    envoi_check_report r;
    assert_int_equal(envoi_checker_check(c, "x@[192.0.2.1]", &r), 0);
    assert_int_equal(r.result, ENVOI_ADDR_VALID);
    assert_int_equal(r.level, ENVOI_CHECK_DOMAIN);
    assert_string_equal(r.domain, "[192.0.2.1]");
    assert_string_equal(r.mx, "[192.0.2.1]");
    assert_int_equal(envoi_checker_check(c, "x@[IPv6:2001:db8::1]", &r), 0);
    assert_int_equal(r.result, ENVOI_ADDR_VALID);
    assert_int_equal(r.level, ENVOI_CHECK_DOMAIN);
}

/* A domain name with a dead nameserver: error (not refused) at the domain level. */
static void test_dead_nameserver_is_error(void **state)
{
    envoi_checker *c = *state;
    assert_int_equal(envoi_checker_set_nameserver(c, DEAD_NAMESERVER), 0);
    assert_int_equal(envoi_checker_set_dns_timeout(c, 1), 0);
    assert_int_equal(envoi_checker_set_level(c, ENVOI_CHECK_DOMAIN), 0);
    envoi_check_report r;
    assert_int_equal(envoi_checker_check(c, "x@example.org", &r), 0);
    assert_int_equal(r.result, ENVOI_ADDR_ERROR);
    assert_int_equal(r.level, ENVOI_CHECK_DOMAIN);
    assert_true(r.reason[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_null_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nameserver_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeouts_and_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helo_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mail_from_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_level_is_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_stops_higher_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_as_syntax_function, setup, teardown),
        cmocka_unit_test_setup_teardown(test_literal_skips_dns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_nameserver_is_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
