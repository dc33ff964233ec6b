/* What "envoi flag" and "envoi move" act on: UID sets read into ranges
 * ("*" the highest), dates checked, nothing named refused, and flag lists
 * with system flags (any case, a backslash allowed) and keyword atoms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cli/flag.h"
#include "cli/imap_pick.h"

static void test_uid_sets_become_ranges(void **state)
{
    (void)state;
    cli_imap_pick p;
    memset(&p, 0, sizeof p);
    assert_int_equal(cli_imap_pick_add_set(&p, "4"), 0);
    assert_int_equal(cli_imap_pick_add_set(&p, "12:7,20:*"), 0);
    assert_int_equal(cli_imap_pick_add_set(&p, "*"), 0);
    assert_int_equal(p.nranges, 4);
    assert_int_equal(p.ranges[0].lo, 4);
    assert_int_equal(p.ranges[0].hi, 4);
    assert_int_equal(p.ranges[1].lo, 7);
    assert_int_equal(p.ranges[1].hi, 12);
    assert_int_equal(p.ranges[2].lo, 20);
    assert_int_equal(p.ranges[2].hi, UINT32_MAX);
    assert_int_equal(p.ranges[3].lo, 1);
    assert_string_equal(p.set.data, "4,12:7,20:*,*");
    cli_imap_pick_free(&p);
}

static void test_bad_uid_sets_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {"", "0", "4x", "1,", ",1", "1::2", "1:", "-3", "4294967296", "a:b", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cli_imap_pick p;
        memset(&p, 0, sizeof p);
        if (cli_imap_pick_add_set(&p, bad[i]) != 1)
            fail_msg("'%s' was taken as a UID set", bad[i]);
        assert_int_equal(p.nranges, 0);
        cli_imap_pick_free(&p);
    }
}

static void test_nothing_named_is_a_usage_error(void **state)
{
    (void)state;
    cli_imap_pick p;
    memset(&p, 0, sizeof p);
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(cli_imap_pick_finish(&p, NULL, 0, &why), CLI_USAGE);
    assert_non_null(strstr(why.data, "--all"));
    envoi_buf_clear(&why);
    char *bad[] = {"7:x"};
    assert_int_equal(cli_imap_pick_finish(&p, bad, 1, &why), CLI_USAGE);
    assert_non_null(strstr(why.data, "'7:x'"));
    envoi_buf_free(&why);
    cli_imap_pick_free(&p);
}

static void test_dates_are_checked(void **state)
{
    (void)state;
    time_t t;
    assert_int_equal(cli_imap_pick_parse_date("2026-03-01", &t), 0);
    assert_int_equal(t, 1772323200);
    assert_int_equal(cli_imap_pick_parse_date("2024-02-29", &t), 0);
    const char *bad[] = {"2026-02-30",  "2026-13-01", "2026-3-1",  "26-03-01", "2026/03/01",
                         "2026-03-01x", "1969-12-31", "yesterday", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cli_imap_pick_parse_date(bad[i], &t) == 0)
            fail_msg("'%s' was taken as a date", bad[i]);
}

static void test_flag_lists(void **state)
{
    (void)state;
    unsigned flags = 0;
    envoi_buf kw = ENVOI_BUF_INIT, why = ENVOI_BUF_INIT;
    assert_int_equal(
        cli_flag_parse_list("add", "Seen,\\FLAGGED, draft ,$Label1,Junk", &flags, &kw, &why), 0);
    assert_int_equal(flags, ENVOI_IMAP_SEEN | ENVOI_IMAP_FLAGGED | ENVOI_IMAP_DRAFT);
    assert_string_equal(kw.data, "$Label1 Junk");
    const char *bad[] = {"\\Foo",       "a b",  "x(y", "seen,,draft", "recent", "\\Recent",
                         "caf\xc3\xa9", "a\"b", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        envoi_buf_clear(&why);
        if (cli_flag_parse_list("add", bad[i], &flags, &kw, &why) != CLI_USAGE)
            fail_msg("'%s' was taken as a flag list", bad[i]);
        assert_non_null(strstr(why.data, "--add"));
    }
    envoi_buf_free(&kw);
    envoi_buf_free(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uid_sets_become_ranges),
        cmocka_unit_test(test_bad_uid_sets_are_refused),
        cmocka_unit_test(test_nothing_named_is_a_usage_error),
        cmocka_unit_test(test_dates_are_checked),
        cmocka_unit_test(test_flag_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
