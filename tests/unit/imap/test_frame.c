/* Framing of IMAP responses: where one ends in a buffer (lines, "{N}",
 * "{N+}" and "~{N}" literals, bare LF), however the bytes arrive, and the
 * limits that refuse what cannot be a response. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imap/response.h"

#define MAX_LIT ((uint64_t)1 << 30)

static int frame(const char *s, size_t len, size_t *total)
{
    envoi_error err = {0};
    int rc = imap_frame(s, len, MAX_LIT, total, &err);
    if (rc < 0)
        assert_int_equal(err.code, ENVOI_EPROTOCOL);
    return rc;
}

/* Every prefix is incomplete with a hint that never overshoots, and the whole
 * is one response of the expected size; each prefix in a buffer of its own
 * size so a read past it would be caught by the sanitizers. */
static void check_split_anywhere(const char *s, size_t len, size_t expect)
{
    size_t total = 0;
    for (size_t cut = 0; cut < expect; cut++) {
        char *copy = malloc(cut ? cut : 1);
        memcpy(copy, s, cut);
        assert_int_equal(frame(copy, cut, &total), 0);
        assert_true(total > cut);
        assert_true(total <= expect);
        free(copy);
    }
    assert_int_equal(frame(s, len, &total), 1);
    assert_int_equal(total, expect);
}

static void a_line_is_one_response(void **state)
{
    (void)state;
    const char s[] = "* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready.\r\nA1 OK done\r\n";
    check_split_anywhere(s, sizeof s - 1, 49);
}

static void a_bare_lf_ends_a_line(void **state)
{
    (void)state;
    const char s[] = "* 3 EXISTS\n* 0 RECENT\n";
    check_split_anywhere(s, sizeof s - 1, 11);
}

static void literals_carry_line_ends_and_braces(void **state)
{
    (void)state;
    const char s[] = "* 1 FETCH (UID 7 BODY[] {14}\r\nA\r\n{99}\r\n\0x\r\nyz UID 7)\r\nrest";
    check_split_anywhere(s, sizeof s - 1, sizeof s - 1 - 4);
}

static void several_literals_in_one_response(void **state)
{
    (void)state;
    const char s[] = "* 2 FETCH (BODY[HEADER] {3}\r\nabc BODY[TEXT] {0}\r\n FLAGS ())\r\n";
    check_split_anywhere(s, sizeof s - 1, sizeof s - 1);
}

static void non_synchronizing_and_binary_literals_are_framed(void **state)
{
    (void)state;
    const char s1[] = "A1 APPEND x {3+}\r\nabc\r\n";
    check_split_anywhere(s1, sizeof s1 - 1, sizeof s1 - 1);
    const char s2[] = "* 1 FETCH (BINARY[1] ~{4}\n\0\1\2\3)\n";
    check_split_anywhere(s2, sizeof s2 - 1, sizeof s2 - 1);
}

static void a_literal_hint_says_how_much_is_needed(void **state)
{
    (void)state;
    const char s[] = "* 1 FETCH (BODY[] {1000}\r\nabc";
    size_t total = 0;
    assert_int_equal(frame(s, sizeof s - 1, &total), 0);
    assert_int_equal(total, 26 + 1000 + 1);
}

static void braces_that_are_not_a_literal_end_the_line(void **state)
{
    (void)state;
    size_t total = 0;
    const char s[] = "* OK see {abc}\r\n* OK {}\r\n";
    assert_int_equal(frame(s, sizeof s - 1, &total), 1);
    assert_int_equal(total, 16);
    assert_int_equal(frame(s + 16, sizeof s - 1 - 16, &total), 1);
    assert_int_equal(total, 9);
    assert_int_equal(frame("* OK {+}\r\n", 10, &total), 1);
}

static void lying_and_oversized_literals_are_refused(void **state)
{
    (void)state;
    size_t total = 0;
    envoi_error err = {0};
    const char s[] = "* 1 FETCH (BODY[] {5000}\r\n";
    assert_int_equal(imap_frame(s, sizeof s - 1, 4096, &total, &err), ENVOI_EPROTOCOL);
    assert_non_null(strstr(err.text, "larger than the limit"));
    const char big[] = "* 1 FETCH (BODY[] {99999999999999999999999}\r\n";
    assert_int_equal(frame(big, sizeof big - 1, &total), ENVOI_EPROTOCOL);
    const char huge[] = "* 1 FETCH (BODY[] {18446744073709551615}\r\n";
    assert_int_equal(imap_frame(huge, sizeof huge - 1, UINT64_MAX, &total, &err), ENVOI_EPROTOCOL);
    /* Within the limit, a size larger than what arrived only waits. */
    const char lie[] = "* 1 FETCH (BODY[] {4000}\r\nshort)\r\n";
    assert_int_equal(frame(lie, sizeof lie - 1, &total), 0);
}

static void lines_longer_than_the_limit_are_refused(void **state)
{
    (void)state;
    size_t n = IMAP_MAX_LINE + 2, total = 0;
    char *s = malloc(n + 2);
    memset(s, 'a', n + 2);
    assert_int_equal(frame(s, n, &total), ENVOI_EPROTOCOL);
    /* Exactly the limit, with its CRLF, is a line. */
    s[IMAP_MAX_LINE] = '\r';
    s[IMAP_MAX_LINE + 1] = '\n';
    assert_int_equal(frame(s, n, &total), 1);
    assert_int_equal(total, n);
    /* Still short of the limit and without a line end: wait. */
    assert_int_equal(frame(s, IMAP_MAX_LINE, &total), 0);
    s[IMAP_MAX_LINE] = 'a';
    s[IMAP_MAX_LINE + 1] = '\n';
    assert_int_equal(frame(s, n, &total), ENVOI_EPROTOCOL);
    free(s);
}

static void the_line_after_a_literal_has_its_own_limit(void **state)
{
    (void)state;
    size_t lit = 100, n = 20 + lit + IMAP_MAX_LINE + 2, total = 0;
    char *s = malloc(n);
    memset(s, 'x', n);
    memcpy(s, "* 1 FETCH (X {100}\r\n", 20);
    assert_int_equal(frame(s, n, &total), ENVOI_EPROTOCOL);
    s[n - 2] = '\r';
    s[n - 1] = '\n';
    assert_int_equal(frame(s, n, &total), 1);
    assert_int_equal(total, n);
    free(s);
}

static void empty_input_waits(void **state)
{
    (void)state;
    size_t total = 0;
    assert_int_equal(frame("", 0, &total), 0);
    assert_int_equal(total, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_line_is_one_response),
        cmocka_unit_test(a_bare_lf_ends_a_line),
        cmocka_unit_test(literals_carry_line_ends_and_braces),
        cmocka_unit_test(several_literals_in_one_response),
        cmocka_unit_test(non_synchronizing_and_binary_literals_are_framed),
        cmocka_unit_test(a_literal_hint_says_how_much_is_needed),
        cmocka_unit_test(braces_that_are_not_a_literal_end_the_line),
        cmocka_unit_test(lying_and_oversized_literals_are_refused),
        cmocka_unit_test(lines_longer_than_the_limit_are_refused),
        cmocka_unit_test(the_line_after_a_literal_has_its_own_limit),
        cmocka_unit_test(empty_input_waits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
