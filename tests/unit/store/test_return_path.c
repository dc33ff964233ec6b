/* The Return-Path reader: the first field of the header block only, folded
 * values, the null sender, bounds, and addresses that cannot stand in an
 * mbox "From " line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/return_path.h"

static bool find(const char *message, char *out, size_t cap)
{
    return store_return_path(message, strlen(message), out, cap);
}

static void test_address_in_angle_brackets(void **state)
{
    (void)state;
    char out[64];
    assert_true(find("Received: by x\nReturn-Path: <a@example.org>\nS: y\n\nbody\n", out, 64));
    assert_string_equal(out, "a@example.org");
}

static void test_field_name_any_case_space_before_colon_crlf(void **state)
{
    (void)state;
    char out[64];
    assert_true(find("RETURN-PATH : <b@example.org> \r\n\r\n", out, 64));
    assert_string_equal(out, "b@example.org");
}

static void test_bare_address_and_folded_value(void **state)
{
    (void)state;
    char out[64];
    assert_true(find("Return-Path: c@example.org\n\n", out, 64));
    assert_string_equal(out, "c@example.org");
    assert_true(find("Return-Path:\n <d@example.org>\nX: y\n\n", out, 64));
    assert_string_equal(out, "d@example.org");
}

static void test_first_field_wins(void **state)
{
    (void)state;
    char out[64];
    assert_true(find("Return-Path: <new@x.org>\nReturn-Path: <old@x.org>\n\n", out, 64));
    assert_string_equal(out, "new@x.org");
}

static void test_none_null_sender_and_body_field(void **state)
{
    (void)state;
    char out[64];
    assert_false(find("From: a@x.org\n\nReturn-Path: <in-body@x.org>\n", out, 64));
    assert_string_equal(out, "");
    assert_false(find("Return-Path: <>\n\n", out, 64));
    assert_false(find("Return-Path: <unclosed@x.org\n\n", out, 64));
    assert_false(find("", out, 64));
    assert_false(find("Return-Pathology: <a@x.org>\n\n", out, 64));
}

static void test_unusable_addresses(void **state)
{
    (void)state;
    char out[64];
    assert_false(find("Return-Path: <\"a b\"@x.org>\n\n", out, 64));
    assert_false(find("Return-Path: <a\x01@x.org>\n\n", out, 64));
    assert_string_equal(out, "");
}

static void test_bounds(void **state)
{
    (void)state;
    char out[8];
    assert_false(find("Return-Path: <toolong@x.org>\n\n", out, sizeof out));
    assert_string_equal(out, "");
    assert_true(find("Return-Path: <a@x.org>\n\n", out, sizeof out));
    assert_string_equal(out, "a@x.org");
    /* Never reads past len: the field is cut before its address ends. */
    static const char cut[] = "Return-Path: <a@x.org>";
    assert_false(store_return_path(cut, 16, out, sizeof out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_address_in_angle_brackets),
        cmocka_unit_test(test_field_name_any_case_space_before_colon_crlf),
        cmocka_unit_test(test_bare_address_and_folded_value),
        cmocka_unit_test(test_first_field_wins),
        cmocka_unit_test(test_none_null_sender_and_body_field),
        cmocka_unit_test(test_unusable_addresses),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
