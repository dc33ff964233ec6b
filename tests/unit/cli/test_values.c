/* Values shared by options and config keys: host[:port], ports, seconds,
 * security words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "cli/values.h"
#include "envoi/error.h"

static void check_hostport(const char *text, const char *host, unsigned port)
{
    char *h = NULL;
    unsigned p = 99;
    assert_int_equal(envoi_value_hostport(text, &h, &p), 0);
    assert_string_equal(h, host);
    assert_int_equal(p, port);
    free(h);
}

static void check_hostport_refused(const char *text)
{
    char *h = NULL;
    unsigned p = 0;
    assert_int_equal(envoi_value_hostport(text, &h, &p), ENVOI_EINVAL);
    assert_null(h);
}

static void test_host_and_port_are_split(void **state)
{
    (void)state;
    check_hostport("smtp.example.org", "smtp.example.org", 0);
    check_hostport("smtp.example.org:587", "smtp.example.org", 587);
    check_hostport("127.0.0.1:11587", "127.0.0.1", 11587);
}

static void test_ipv6_literals_use_brackets_for_a_port(void **state)
{
    (void)state;
    check_hostport("[::1]:2525", "::1", 2525);
    check_hostport("[::1]", "::1", 0);
    check_hostport("[2001:db8::5]:25", "2001:db8::5", 25);
    check_hostport("::1", "::1", 0);
    check_hostport("2001:db8::5", "2001:db8::5", 0);
}

static void test_malformed_servers_are_refused(void **state)
{
    (void)state;
    check_hostport_refused("");
    check_hostport_refused(":25");
    check_hostport_refused("host:");
    check_hostport_refused("host:0");
    check_hostport_refused("host:65536");
    check_hostport_refused("host:25x");
    check_hostport_refused("[::1");
    check_hostport_refused("[]:25");
    check_hostport_refused("[::1]25");
    check_hostport_refused("[::1]:");
    check_hostport_refused("bad host:25");
}

static void test_ports_are_1_to_65535(void **state)
{
    (void)state;
    unsigned p = 0;
    assert_int_equal(envoi_value_port("1", &p), 0);
    assert_int_equal(p, 1);
    assert_int_equal(envoi_value_port("65535", &p), 0);
    assert_int_equal(p, 65535);
    assert_int_equal(envoi_value_port("0", &p), -1);
    assert_int_equal(envoi_value_port("65536", &p), -1);
    assert_int_equal(envoi_value_port("-1", &p), -1);
    assert_int_equal(envoi_value_port("", &p), -1);
    assert_int_equal(envoi_value_port("25 ", &p), -1);
}

static void test_seconds_become_milliseconds(void **state)
{
    (void)state;
    int ms = 0;
    assert_int_equal(envoi_value_seconds("30", &ms), 0);
    assert_int_equal(ms, 30000);
    assert_int_equal(envoi_value_seconds("2.5", &ms), 0);
    assert_int_equal(ms, 2500);
    assert_int_equal(envoi_value_seconds("0.001", &ms), 0);
    assert_int_equal(ms, 1);
    assert_int_equal(envoi_value_seconds(".5", &ms), 0);
    assert_int_equal(ms, 500);
    assert_int_equal(envoi_value_seconds("86400", &ms), 0);
    assert_int_equal(envoi_value_seconds("0", &ms), -1);
    assert_int_equal(envoi_value_seconds("86401", &ms), -1);
    assert_int_equal(envoi_value_seconds("-3", &ms), -1);
    assert_int_equal(envoi_value_seconds("3s", &ms), -1);
    assert_int_equal(envoi_value_seconds("", &ms), -1);
    assert_int_equal(envoi_value_seconds(".", &ms), -1);
    assert_int_equal(envoi_value_seconds("1.2345", &ms), -1);
}

static void test_security_words(void **state)
{
    (void)state;
    envoi_security s;
    assert_int_equal(envoi_value_security("none", &s), 0);
    assert_int_equal(s, ENVOI_SECURITY_NONE);
    assert_int_equal(envoi_value_security("starttls", &s), 0);
    assert_int_equal(s, ENVOI_SECURITY_STARTTLS);
    assert_int_equal(envoi_value_security("tls", &s), 0);
    assert_int_equal(s, ENVOI_SECURITY_TLS);
    assert_int_equal(envoi_value_security("ssl", &s), -1);
    assert_int_equal(envoi_value_security("TLS", &s), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_and_port_are_split),
        cmocka_unit_test(test_ipv6_literals_use_brackets_for_a_port),
        cmocka_unit_test(test_malformed_servers_are_refused),
        cmocka_unit_test(test_ports_are_1_to_65535),
        cmocka_unit_test(test_seconds_become_milliseconds),
        cmocka_unit_test(test_security_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
