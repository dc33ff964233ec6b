/* The bounded JSON reader and the token endpoint's answer: members read,
 * escapes decoded, nesting skipped, malformed text and wrong types refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "oauth/oauth_impl.h"

static int read_answer(const char *text, oauth_answer *a)
{
    return oauth_answer_read(text, strlen(text), a);
}

static void test_success_answer_is_read(void **state)
{
    (void)state;
    oauth_answer a;
    assert_int_equal(
        read_answer(" {\"access_token\": \"ya29.a0-_~+/=\", \"token_type\": \"Bearer\","
                    " \"expires_in\": 3599, \"scope\": \"x y\", \"id_token\": {\"a\":"
                    " [1, 2.5e3, true, null, {\"b\": \"c\"}]},"
                    " \"refresh_token\": \"1//0g\"}\n",
                    &a),
        0);
    assert_string_equal(a.access_token, "ya29.a0-_~+/=");
    assert_string_equal(a.token_type, "Bearer");
    assert_string_equal(a.refresh_token, "1//0g");
    assert_int_equal(a.expires_in, 3599);
    assert_null(a.error);
    oauth_answer_free(&a);
}

static void test_error_answer_is_read(void **state)
{
    (void)state;
    oauth_answer a;
    assert_int_equal(read_answer("{\"error\":\"invalid_grant\",\"error_description\":"
                                 "\"Token has been expired or revoked. \\u00e9\\ud83d\\ude00\"}",
                                 &a),
                     0);
    assert_string_equal(a.error, "invalid_grant");
    assert_string_equal(a.error_description,
                        "Token has been expired or revoked. \xc3\xa9\xf0\x9f\x98\x80");
    assert_null(a.access_token);
    assert_int_equal(a.expires_in, -1);
    oauth_answer_free(&a);
}

static void test_expires_in_as_string_or_fraction(void **state)
{
    (void)state;
    oauth_answer a;
    assert_int_equal(read_answer("{\"access_token\":\"t\",\"expires_in\":\"3600\"}", &a), 0);
    assert_int_equal(a.expires_in, 3600);
    oauth_answer_free(&a);
    assert_int_equal(read_answer("{\"access_token\":\"t\",\"expires_in\":60.9}", &a), 0);
    assert_int_equal(a.expires_in, 60);
    oauth_answer_free(&a);
    assert_int_equal(read_answer("{\"expires_in\":-5}", &a), ENVOI_EPROTOCOL);
    assert_int_equal(read_answer("{\"expires_in\":\"12s\"}", &a), ENVOI_EPROTOCOL);
    assert_int_equal(read_answer("{\"expires_in\":1e3}", &a), ENVOI_EPROTOCOL);
    assert_int_equal(read_answer("{\"expires_in\":99999999999999999999}", &a), ENVOI_EPROTOCOL);
}

static void test_malformed_json_is_refused(void **state)
{
    (void)state;
    oauth_answer a;
    const char *bad[] = {"",
                         "[]",
                         "{",
                         "{\"a\"}",
                         "{\"a\":}",
                         "{\"a\":1,}",
                         "{\"a\":1} x",
                         "{\"a\":01}",
                         "{\"a\":\"\\u0000\"}",
                         "{\"a\":\"\\ud800\"}",
                         "{\"a\":\"\\x\"}",
                         "{\"a\":\"tab\there\"}",
                         "{\"a\":\"\xc3\x28\"}",
                         "{\"a\":tru}",
                         "{\"access_token\": 5}",
                         "{\"a\":\"unterminated}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(read_answer(bad[i], &a), ENVOI_EPROTOCOL);
}

static void test_nesting_is_bounded(void **state)
{
    (void)state;
    char text[400];
    size_t n = 0;
    n += (size_t)snprintf(text + n, sizeof text - n, "{\"a\":");
    for (int i = 0; i < 100; i++)
        text[n++] = '[';
    text[n] = '\0';
    oauth_answer a;
    assert_int_equal(oauth_answer_read(text, n, &a), ENVOI_EPROTOCOL);
}

static void test_token_validity(void **state)
{
    (void)state;
    assert_true(oauth_token_is_valid("ya29.A0_-~+/="));
    assert_false(oauth_token_is_valid(""));
    assert_false(oauth_token_is_valid("a b"));
    assert_false(oauth_token_is_valid("a\r\n"));
    assert_false(oauth_token_is_valid("caf\xc3\xa9"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_answer_is_read),
        cmocka_unit_test(test_error_answer_is_read),
        cmocka_unit_test(test_expires_in_as_string_or_fraction),
        cmocka_unit_test(test_malformed_json_is_refused),
        cmocka_unit_test(test_nesting_is_bounded),
        cmocka_unit_test(test_token_validity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
