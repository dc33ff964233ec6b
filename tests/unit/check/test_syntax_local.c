/* The syntax level of the address checks: splitting at the @, the local
 * part (dot-string, quoted string, UTF-8), the lengths, and the report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/check.h"

static void expect_valid(const char *address, const char *local, const char *domain)
{
    envoi_check_report r;
    assert_int_equal(envoi_address_check_syntax(address, &r), 0);
    if (r.result != ENVOI_ADDR_VALID)
        fail_msg("%s: %s", address, r.reason);
    assert_int_equal(r.level, ENVOI_CHECK_SYNTAX);
    assert_string_equal(r.reason, "");
    assert_string_equal(r.local_part, local);
    assert_string_equal(r.domain, domain);
}

static void expect_syntax(const char *address, const char *reason)
{
    envoi_check_report r;
    assert_int_equal(envoi_address_check_syntax(address, &r), 0);
    if (r.result != ENVOI_ADDR_SYNTAX)
        fail_msg("%s: expected incorrect syntax, got %s", address,
                 envoi_check_result_name(r.result));
    assert_int_equal(r.level, ENVOI_CHECK_SYNTAX);
    if (!strstr(r.reason, reason))
        fail_msg("%s: reason \"%s\" lacks \"%s\"", address, r.reason, reason);
    assert_string_equal(r.local_part, "");
    assert_string_equal(r.domain, "");
}

static void test_null_arguments_are_einval(void **state)
{
    (void)state;
    envoi_check_report r;
    assert_int_equal(envoi_address_check_syntax(NULL, &r), ENVOI_EINVAL);
    assert_int_equal(envoi_address_check_syntax("a@example.org", NULL), ENVOI_EINVAL);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(envoi_check_result_name(ENVOI_ADDR_VALID), "valid");
    assert_string_equal(envoi_check_result_name(ENVOI_ADDR_SYNTAX), "syntax");
    assert_string_equal(envoi_check_result_name(ENVOI_ADDR_REFUSED), "refused");
    assert_string_equal(envoi_check_result_name(ENVOI_ADDR_ERROR), "error");
    assert_non_null(envoi_check_result_name((envoi_check_result)42));
    assert_string_equal(envoi_check_level_name(ENVOI_CHECK_SYNTAX), "syntax");
    assert_string_equal(envoi_check_level_name(ENVOI_CHECK_DOMAIN), "domain");
    assert_string_equal(envoi_check_level_name(ENVOI_CHECK_SERVER), "server");
    assert_non_null(envoi_check_level_name((envoi_check_level)-1));
}

static void test_dot_string_local_parts_are_valid(void **state)
{
    (void)state;
    expect_valid("jane@example.org", "jane", "example.org");
    expect_valid("first.last@example.org", "first.last", "example.org");
    expect_valid("a+tag@example.org", "a+tag", "example.org");
    expect_valid("!#$%&'*+-/=?^_`{|}~@example.org", "!#$%&'*+-/=?^_`{|}~", "example.org");
    expect_valid("1@example.org", "1", "example.org");
}

static void test_dot_string_dots(void **state)
{
    (void)state;
    expect_syntax(".jane@example.org", "the local part starts with a dot");
    expect_syntax("jane.@example.org", "the local part ends with a dot");
    expect_syntax("ja..ne@example.org", "the local part has two dots in a row");
}

static void test_unquoted_specials_are_refused(void **state)
{
    (void)state;
    expect_syntax("ja ne@example.org",
                  "the local part has a space, which is only allowed in quotes");
    expect_syntax("ja\"ne@example.org", "the local part has '\"'");
    expect_syntax("a\\b@example.org", "the local part has '\\'");
    expect_syntax("a,b@example.org", "the local part has ','");
    expect_syntax("a[b]@example.org", "the local part has '['");
    expect_syntax("jane(comment)@example.org", "comments are not allowed");
    expect_syntax("a\rb@example.org", "the local part has the control character 0x0D");
    expect_syntax("a\tb@example.org", "the local part has a tab");
}

static void test_quoted_local_parts(void **state)
{
    (void)state;
    expect_valid("\"jane doe\"@example.org", "\"jane doe\"", "example.org");
    expect_valid("\"\"@example.org", "\"\"", "example.org");
    expect_valid("\"a@b\"@example.org", "\"a@b\"", "example.org");
    expect_valid("\"a\\\"b\"@example.org", "\"a\\\"b\"", "example.org");
    expect_valid("\"a\\\\b\"@example.org", "\"a\\\\b\"", "example.org");
    expect_valid("\"a..b.\"@example.org", "\"a..b.\"", "example.org");
    expect_valid("\"(x)<y>[z]\"@example.org", "\"(x)<y>[z]\"", "example.org");
}

static void test_quoted_local_part_errors(void **state)
{
    (void)state;
    expect_syntax("\"jane@example.org", "unbalanced quote in the local part");
    expect_syntax("\"jane\\\"@example.org", "unbalanced quote in the local part");
    expect_syntax("\"jane\\", "unbalanced quote in the local part");
    expect_syntax("\"jane\".doe@example.org", "text follows the closing quote");
    expect_syntax("\"jane\"doe@example.org", "text follows the closing quote");
    expect_syntax("jane.\"doe\"@example.org", "the local part has '\"'");
    expect_syntax("\"ja\rne\"@example.org", "the quoted local part has the control character 0x0D");
    expect_syntax("\"ja\\\rne\"@example.org", "a backslash in the quoted local part escapes the "
                                              "control character 0x0D");
    expect_syntax("\"ja\\\xc3\xa9\"@example.org", "only printable ASCII can be escaped");
    expect_syntax("\"jane\"", "the address has no @ sign");
}

static void test_utf8_local_parts(void **state)
{
    (void)state;
    expect_valid("j\xc3\xb6ran@example.org", "j\xc3\xb6ran", "example.org");
    expect_valid("\xe7\x94\xa8\xe6\x88\xb7@example.org", "\xe7\x94\xa8\xe6\x88\xb7", "example.org");
    expect_valid("\"j\xc3\xb6 ran\"@example.org", "\"j\xc3\xb6 ran\"", "example.org");
    expect_valid("\xf0\x9f\x98\x80@example.org", "\xf0\x9f\x98\x80", "example.org");
    expect_syntax("j\xffran@example.org", "the local part is not valid UTF-8");
    expect_syntax("j\xc3ran@example.org", "the local part is not valid UTF-8");
    expect_syntax("j\xc0\xafran@example.org", "the local part is not valid UTF-8"); /* overlong */
    expect_syntax("j\xed\xa0\x80ran@example.org",
                  "the local part is not valid UTF-8"); /* surrogate */
    expect_syntax("\"j\xfe\"@example.org", "the local part is not valid UTF-8");
    expect_syntax("j\xc2\x85@example.org", "the control character U+0085");
    expect_syntax("\"\xc2\x80\"@example.org", "the control character U+0080");
}

static void test_split_at_the_at_sign(void **state)
{
    (void)state;
    expect_syntax("", "the address is empty");
    expect_syntax("jane", "the address has no @ sign and domain");
    expect_syntax("@example.org", "the local part (before the @) is empty");
    expect_syntax("jane@", "the domain (after the @) is empty");
    expect_syntax("@", "the local part (before the @) is empty");
    expect_syntax("jane@doe@example.org", "more than one @ sign");
    expect_syntax("jane\\@doe@example.org", "more than one @ sign");
}

static void test_display_names_are_not_bare_addresses(void **state)
{
    (void)state;
    expect_syntax("Jane <jane@example.org>", "a display name or angle brackets");
    expect_syntax("<jane@example.org>", "a display name or angle brackets");
    expect_syntax("\"Jane Doe\" <jane@example.org>", "a display name or angle brackets");
    expect_syntax(" jane@example.org", "the local part has a space");
    expect_syntax("jane@example.org ", "the domain has a space");
}

static void test_local_part_length(void **state)
{
    (void)state;
    char a[200], local[100];
    memset(local, 'a', 64);
    local[64] = '\0';
    snprintf(a, sizeof a, "%s@example.org", local);
    expect_valid(a, local, "example.org");
    snprintf(a, sizeof a, "a%s@example.org", local);
    expect_syntax(a, "the local part is longer than 64 octets");
    /* 62 octets between the quotes: 64 with them. */
    memset(local, 'q', 62);
    local[62] = '\0';
    snprintf(a, sizeof a, "\"%s\"@example.org", local);
    envoi_check_report r;
    assert_int_equal(envoi_address_check_syntax(a, &r), 0);
    assert_int_equal(r.result, ENVOI_ADDR_VALID);
    snprintf(a, sizeof a, "\"q%s\"@example.org", local);
    expect_syntax(a, "the local part is longer than 64 octets");
    /* 22 characters of 3 octets: 66 octets. */
    size_t n = 0;
    for (int i = 0; i < 22; i++, n += 3)
        memcpy(a + n, "\xe7\x94\xa8", 3);
    memcpy(a + n, "@example.org", 13);
    expect_syntax(a, "the local part is longer than 64 octets");
}

/* 64 + 1 + 189 = 254 octets is the longest address. */
static void test_address_length(void **state)
{
    (void)state;
    char a[400], domain[300];
    size_t n = 0;
    /* labels of 62 letters and a dot; then "example.org" */
    while (n + 63 + 11 <= 189) {
        memset(domain + n, 'd', 62);
        domain[n + 62] = '.';
        n += 63;
    }
    size_t pad = 189 - 11 - n;
    memset(domain + n, 'e', pad - 1);
    domain[n + pad - 1] = '.';
    n += pad;
    memcpy(domain + n, "example.org", 12);
    assert_int_equal(strlen(domain), 189);
    char local[65];
    memset(local, 'a', 64);
    local[64] = '\0';
    snprintf(a, sizeof a, "%s@%s", local, domain);
    assert_int_equal(strlen(a), 254);
    expect_valid(a, local, domain);
    snprintf(a, sizeof a, "%s@e%s", local, domain);
    expect_syntax(a, "the address is longer than 254 octets");
}

/* Whatever the bytes, a report is filled and its strings are terminated. */
static void test_every_byte_pair_is_handled(void **state)
{
    (void)state;
    char a[16];
    for (unsigned i = 1; i < 256; i++)
        for (unsigned j = 1; j < 256; j += 7) {
            snprintf(a, sizeof a, "%c%c@x%c.org", (char)i, (char)j, (char)j);
            envoi_check_report r;
            assert_int_equal(envoi_address_check_syntax(a, &r), 0);
            assert_true(r.result == ENVOI_ADDR_VALID || r.result == ENVOI_ADDR_SYNTAX);
            assert_true(memchr(r.reason, '\0', sizeof r.reason) != NULL);
            assert_true((r.result == ENVOI_ADDR_VALID) == (r.reason[0] == '\0'));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_arguments_are_einval),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_dot_string_local_parts_are_valid),
        cmocka_unit_test(test_dot_string_dots),
        cmocka_unit_test(test_unquoted_specials_are_refused),
        cmocka_unit_test(test_quoted_local_parts),
        cmocka_unit_test(test_quoted_local_part_errors),
        cmocka_unit_test(test_utf8_local_parts),
        cmocka_unit_test(test_split_at_the_at_sign),
        cmocka_unit_test(test_display_names_are_not_bare_addresses),
        cmocka_unit_test(test_local_part_length),
        cmocka_unit_test(test_address_length),
        cmocka_unit_test(test_every_byte_pair_is_handled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
