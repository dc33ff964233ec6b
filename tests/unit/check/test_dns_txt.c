/* check_dns_txt against a real nameserver on loopback: a TXT record read,
 * NXDOMAIN and NODATA told apart from a failure (the nameserver's upstream
 * never answering), and a nameserver that is not there. */
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

static check_txt_list lookup(const char *name)
{
    check_resolver r = dns_resolver();
    check_txt_list txt;
    assert_int_equal(check_dns_txt(&r, name, &txt), 0);
    return txt;
}

static void test_txt_record_read(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_txt_list txt = lookup("nodata.test");
    assert_int_equal(txt.outcome, CHECK_TXT_FOUND);
    assert_int_equal(txt.count, 1);
    assert_string_equal(txt.records[0], "no mail here");
    assert_int_equal(txt.lens[0], 12);
    check_txt_list_free(&txt);
}

static void test_nxdomain_and_nodata(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_txt_list txt = lookup("none.test");
    assert_int_equal(txt.outcome, CHECK_TXT_NONE);
    assert_true(txt.nxdomain);
    assert_non_null(strstr(txt.why, "NXDOMAIN"));
    txt = lookup("mx.test");
    assert_int_equal(txt.outcome, CHECK_TXT_NONE);
    assert_false(txt.nxdomain);
    assert_int_equal(txt.count, 0);
}

static void test_failures(void **state)
{
    (void)state;
    SKIP_WITHOUT_SERVER();
    check_txt_list txt = lookup("slow.test");
    assert_int_equal(txt.outcome, CHECK_TXT_FAILED);
    assert_non_null(strstr(txt.why, "slow.test TXT"));
    check_resolver dead = {.timeout_ms = 1000};
    assert_int_equal(check_resolver_set_server(&dead, "127.0.0.1:9", NULL), 0);
    assert_int_equal(check_dns_txt(&dead, "nodata.test", &txt), 0);
    assert_int_equal(txt.outcome, CHECK_TXT_FAILED);
    assert_int_equal(check_dns_txt(&dead, "", &txt), ENVOI_EINVAL);
    assert_int_equal(txt.outcome, CHECK_TXT_FAILED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_txt_record_read),
        cmocka_unit_test(test_nxdomain_and_nodata),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, dns_setup, dns_teardown);
}
