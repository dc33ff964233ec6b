/* UTF-8 checks, RFC 5322 dates and random tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "util/random.h"
#include "util/time.h"
#include "util/utf8.h"

static void utf8_validity_refuses_overlongs_surrogates_and_truncation(void **state)
{
    (void)state;
    assert_true(envoi_utf8_valid("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80", 14));
    assert_false(envoi_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(envoi_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(envoi_utf8_valid("\xe2\x9c", 2));         /* truncated */
    assert_false(envoi_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_int_equal(envoi_utf8_char_len("\xe2\x9c\x93", 3), 3);
    assert_true(envoi_is_ascii("plain", 5));
    assert_false(envoi_is_ascii("pl\xc3\xa9", 4));
}

static void date_is_rfc5322_with_numeric_zone(void **state)
{
    (void)state;
    char out[ENVOI_RFC5322_DATE_SIZE];
    setenv("TZ", "UTC0", 1);
    tzset();
    assert_int_equal(envoi_time_rfc5322(1795295237, out, sizeof out), 0);
    assert_string_equal(out, "Sat, 21 Nov 2026 21:07:17 +0000");
    setenv("TZ", "XYZ-5:30", 1); /* POSIX: five and a half hours east of UTC */
    tzset();
    assert_int_equal(envoi_time_rfc5322(0, out, sizeof out), 0);
    assert_string_equal(out, "Thu, 1 Jan 1970 05:30:00 +0530");
    setenv("TZ", "ABC3", 1);
    tzset();
    assert_int_equal(envoi_time_rfc5322(0, out, sizeof out), 0);
    assert_string_equal(out, "Wed, 31 Dec 1969 21:00:00 -0300");
    unsetenv("TZ");
    tzset();
}

static void random_tokens_are_alphanumeric_and_differ(void **state)
{
    (void)state;
    char a[33] = {0}, b[33] = {0};
    assert_int_equal(envoi_random_alnum(a, 32), 0);
    assert_int_equal(envoi_random_alnum(b, 32), 0);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
                     32);
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_validity_refuses_overlongs_surrogates_and_truncation),
        cmocka_unit_test(date_is_rfc5322_with_numeric_zone),
        cmocka_unit_test(random_tokens_are_alphanumeric_and_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
