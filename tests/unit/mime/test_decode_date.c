/* Dates: RFC 5322 and its obsolete forms (RFC 5322 appendix A.6.2 and 4.3),
 * the usual deviations, and rejection of out-of-range values. Times are
 * checked as UTC seconds computed independently of the TZ environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/error.h"
#include "mime/decode.h"

/* 2026-11-21 21:07:17 UTC. */
#define T0 1795295237LL

static long long parse_ok(const char *s)
{
    time_t t = 0;
    assert_int_equal(mime_date_parse(s, strlen(s), &t), 0);
    return (long long)t;
}

static void parse_bad(const char *s)
{
    time_t t = 12345;
    assert_int_equal(mime_date_parse(s, strlen(s), &t), ENVOI_EINVAL);
    assert_int_equal((long long)t, 12345);
}

static void rfc5322_form(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("Sat, 21 Nov 2026 21:07:17 +0000"), T0);
    assert_int_equal(parse_ok("Sat, 21 Nov 2026 22:07:17 +0100"), T0);
    assert_int_equal(parse_ok("Sat, 21 Nov 2026 16:07:17 -0500"), T0);
    assert_int_equal(parse_ok("Sun, 22 Nov 2026 02:37:17 +0530"), T0);
}

static void rfc5322_examples(void **state)
{
    (void)state;
    /* Appendix A.1.1 and A.5; 1969 is before the epoch. */
    assert_int_equal(parse_ok("Fri, 21 Nov 1997 09:55:06 -0600"), 880127706LL);
    assert_int_equal(parse_ok("Thu, 13 Feb 1969 23:32:54 -0330"), -27723426LL);
    assert_int_equal(parse_ok("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n"
                              "               -0330 (Newfoundland Time)"),
                     -27723480LL);
}

static void no_weekday(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("21 Nov 2026 21:07:17 +0000"), T0);
}

static void no_seconds(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("Sat, 21 Nov 2026 21:07 +0000"), T0 - 17);
}

static void two_digit_years(void **state)
{
    (void)state;
    /* RFC 5322 4.3: below 50 is 20xx, else 19xx. */
    assert_int_equal(parse_ok("21 Nov 26 21:07:17 +0000"), T0);
    assert_int_equal(parse_ok("Fri, 21 Nov 97 09:55:06 -0600"), 880127706LL);
    assert_int_equal(parse_ok("1 Jan 49 00:00:00 +0000"), 2493072000LL);
    assert_int_equal(parse_ok("1 Jan 50 00:00:00 +0000"), -631152000LL);
}

static void three_digit_year(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("21 Nov 126 21:07:17 +0000"), T0);
}

static void named_zones(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("21 Nov 2026 21:07:17 GMT"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 21:07:17 UT"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 16:07:17 EST"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 17:07:17 EDT"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 15:07:17 CST"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 16:07:17 CDT"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 14:07:17 MST"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 15:07:17 mdt"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 13:07:17 PST"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 14:07:17 PDT"), T0);
}

static void military_and_unknown_zones_read_as_utc(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("21 Nov 2026 21:07:17 A"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 21:07:17 z"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 21:07:17 CEST"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 21:07:17 -0000"), T0);
    assert_int_equal(parse_ok("21 Nov 2026 21:07:17"), T0);
}

static void comments_and_extra_punctuation(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("Sat, 21 Nov 2026 21:07:17 +0000 (UTC)"), T0);
    assert_int_equal(parse_ok("(sent) Sat,  21  Nov  2026,  21:07:17  +0000"), T0);
    assert_int_equal(parse_ok("Sat, 21-Nov-2026 21:07:17 +0000"), T0);
}

static void full_month_and_weekday_names(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("Saturday, 21 November 2026 21:07:17 +0000"), T0);
    assert_int_equal(parse_ok("21 nov 2026 21:07:17 +0000"), T0);
}

static void weekday_mismatch_ignored(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("Mon, 21 Nov 2026 21:07:17 +0000"), T0);
}

static void other_orders(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("Sat Nov 21 21:07:17 2026"), T0);
    assert_int_equal(parse_ok("Nov 21, 2026 21:07:17 +0000"), T0);
    assert_int_equal(parse_ok("2026-11-21T21:07:17Z"), T0);
    assert_int_equal(parse_ok("2026-11-21 22:07:17 +01:00"), T0);
}

static void am_pm(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("21 Nov 2026 9:07:17 PM +0000"), T0);
    assert_int_equal(parse_ok("22 Nov 2026 12:00:00 AM +0000"), T0 + 10363);
}

static void leap_second_and_leap_day(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("31 Dec 2016 23:59:60 +0000"), 1483228800LL);
    assert_int_equal(parse_ok("29 Feb 2024 00:00:00 +0000"), 1709164800LL);
    parse_bad("29 Feb 2023 00:00:00 +0000");
}

static void out_of_range_rejected(void **state)
{
    (void)state;
    parse_bad("31 Feb 2026 00:00:00 +0000");
    parse_bad("21 Nov 2026 24:00:00 +0000");
    parse_bad("21 Nov 2026 21:60:00 +0000");
    parse_bad("21 Nov 2026 21:07:61 +0000");
    parse_bad("0 Nov 2026 21:07:17 +0000");
    parse_bad("32 Nov 2026 21:07:17 +0000");
    parse_bad("21 Nov 2026 21:07:17 +9999");
    parse_bad("21 Nov 2026 21:07:17 +0560");
}

static void nothing_usable_rejected(void **state)
{
    (void)state;
    parse_bad("");
    parse_bad("garbage");
    parse_bad("Sat, 21 2026 21:07:17 +0000");
    parse_bad("(only a comment)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc5322_form),
        cmocka_unit_test(rfc5322_examples),
        cmocka_unit_test(no_weekday),
        cmocka_unit_test(no_seconds),
        cmocka_unit_test(two_digit_years),
        cmocka_unit_test(three_digit_year),
        cmocka_unit_test(named_zones),
        cmocka_unit_test(military_and_unknown_zones_read_as_utc),
        cmocka_unit_test(comments_and_extra_punctuation),
        cmocka_unit_test(full_month_and_weekday_names),
        cmocka_unit_test(weekday_mismatch_ignored),
        cmocka_unit_test(other_orders),
        cmocka_unit_test(am_pm),
        cmocka_unit_test(leap_second_and_leap_day),
        cmocka_unit_test(out_of_range_rejected),
        cmocka_unit_test(nothing_usable_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
