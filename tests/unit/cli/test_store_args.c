/* "envoi store" arguments: search QUERY or show ID, with --store required
 * and options checked against the action. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cli/send_args.h"
#include "cli/store_cmd.h"

#define ARGV(...) ((char *[]){"store", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"store", __VA_ARGS__}) / sizeof(char *)))

static void expect_usage(int argc, char **argv, const char *reason)
{
    cli_store_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(cli_store_args_parse(&a, argc, argv, &why), CLI_USAGE);
    assert_non_null(why.data);
    if (!strstr(why.data, reason))
        fail_msg("'%s' lacks '%s'", why.data, reason);
    envoi_buf_free(&why);
}

#define USAGE(reason, ...) expect_usage(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), reason)

static void test_search_takes_query_and_options_anywhere(void **state)
{
    (void)state;
    cli_store_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(
        cli_store_args_parse(
            &a, ARGC("--store", "/db", "search", "--json", "a b", "--limit", "5", "--literal"),
            ARGV("--store", "/db", "search", "--json", "a b", "--limit", "5", "--literal"), &why),
        0);
    assert_int_equal(a.action, CLI_STORE_SEARCH);
    assert_string_equal(a.query, "a b");
    assert_string_equal(a.db, "/db");
    assert_true(a.json);
    assert_true(a.literal);
    assert_int_equal(a.limit, 5);
    envoi_buf_free(&why);
}

static void test_show_takes_a_numeric_id(void **state)
{
    (void)state;
    cli_store_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(cli_store_args_parse(&a, ARGC("show", "42", "--store", "/db", "--raw"),
                                          ARGV("show", "42", "--store", "/db", "--raw"), &why),
                     0);
    assert_int_equal(a.action, CLI_STORE_SHOW);
    assert_int_equal(a.id, 42);
    assert_true(a.raw);
    envoi_buf_free(&why);
    USAGE("message ID", "show", "abc", "--store", "/db");
    USAGE("message ID", "show", "0", "--store", "/db");
    USAGE("message ID", "show", "--store", "/db");
}

static void test_bad_combinations_are_usage_errors(void **state)
{
    (void)state;
    USAGE("no action", "--store", "/db");
    USAGE("no action 'find'", "find", "x", "--store", "/db");
    USAGE("no database", "search", "x");
    USAGE("exclusive", "show", "1", "--store", "/db", "--raw", "--json");
    USAGE("belongs to 'show'", "search", "x", "--store", "/db", "--raw");
    USAGE("belong to 'search'", "show", "1", "--store", "/db", "--limit", "3");
    USAGE("one QUERY", "search", "a", "b", "--store", "/db");
    USAGE("--limit", "search", "a", "--store", "/db", "--limit", "0");
    USAGE("unknown option '--bogus'", "search", "a", "--bogus");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_takes_query_and_options_anywhere),
        cmocka_unit_test(test_show_takes_a_numeric_id),
        cmocka_unit_test(test_bad_combinations_are_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
