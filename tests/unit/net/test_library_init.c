/* Library-wide entry points: envoi_init can be called again, the version is
 * the one built, and --ignore-cert word lists parse into the right flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "envoi.h"

static void test_init_can_be_called_repeatedly(void **state)
{
    (void)state;
    assert_int_equal(envoi_init(), 0);
    assert_int_equal(envoi_init(), 0);
}

static void test_version_is_the_one_built(void **state)
{
    (void)state;
    assert_string_equal(envoi_version(), ENVOI_VERSION_STRING);
    char major[16];
    snprintf(major, sizeof major, "%d.", ENVOI_VERSION_MAJOR);
    assert_true(strncmp(envoi_version(), major, strlen(major)) == 0);
}

static void test_each_relaxation_word_parses_to_its_flag(void **state)
{
    (void)state;
    assert_int_equal(envoi_ignore_cert_parse("invalid"), ENVOI_IGNORE_CERT_UNTRUSTED);
    assert_int_equal(envoi_ignore_cert_parse("untrusted"), ENVOI_IGNORE_CERT_UNTRUSTED);
    assert_int_equal(envoi_ignore_cert_parse("name"), ENVOI_IGNORE_CERT_NAME);
    assert_int_equal(envoi_ignore_cert_parse("expired"), ENVOI_IGNORE_CERT_EXPIRED);
    assert_int_equal(envoi_ignore_cert_parse("revocation"), ENVOI_IGNORE_CERT_REVOCATION);
}

static void test_lists_combine_and_tolerate_spaces_and_case(void **state)
{
    (void)state;
    int all = ENVOI_IGNORE_CERT_UNTRUSTED | ENVOI_IGNORE_CERT_NAME | ENVOI_IGNORE_CERT_EXPIRED |
              ENVOI_IGNORE_CERT_REVOCATION;
    assert_int_equal(envoi_ignore_cert_parse("invalid,name,expired,revocation"), all);
    assert_int_equal(envoi_ignore_cert_parse("all"), all);
    assert_int_equal(envoi_ignore_cert_parse(" name , expired\t"),
                     ENVOI_IGNORE_CERT_NAME | ENVOI_IGNORE_CERT_EXPIRED);
    assert_int_equal(envoi_ignore_cert_parse("Name,EXPIRED"),
                     ENVOI_IGNORE_CERT_NAME | ENVOI_IGNORE_CERT_EXPIRED);
    assert_int_equal(envoi_ignore_cert_parse("name,name"), ENVOI_IGNORE_CERT_NAME);
    assert_int_equal(envoi_ignore_cert_parse("name,"), ENVOI_IGNORE_CERT_NAME);
}

static void test_empty_list_relaxes_nothing(void **state)
{
    (void)state;
    assert_int_equal(envoi_ignore_cert_parse(""), 0);
    assert_int_equal(envoi_ignore_cert_parse("  "), 0);
    assert_int_equal(envoi_ignore_cert_parse(NULL), 0);
}

static void test_unknown_words_are_rejected(void **state)
{
    (void)state;
    assert_int_equal(envoi_ignore_cert_parse("nmae"), -1);
    assert_int_equal(envoi_ignore_cert_parse("name,bogus"), -1);
    assert_int_equal(envoi_ignore_cert_parse("name expired"), -1);
    assert_int_equal(envoi_ignore_cert_parse("names"), -1);
    assert_int_equal(envoi_ignore_cert_parse("nam"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_can_be_called_repeatedly),
        cmocka_unit_test(test_version_is_the_one_built),
        cmocka_unit_test(test_each_relaxation_word_parses_to_its_flag),
        cmocka_unit_test(test_lists_combine_and_tolerate_spaces_and_case),
        cmocka_unit_test(test_empty_list_relaxes_nothing),
        cmocka_unit_test(test_unknown_words_are_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
