/* Building IMAP commands: strings quoted with their quotes and backslashes
 * escaped when they can be, sent as literals otherwise (line breaks, NUL,
 * 8-bit bytes, long strings), secrets kept apart for the trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imap/session.h"

static void plain_strings_are_quoted_with_escapes(void **state)
{
    (void)state;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, "LOGIN ");
    imap_cmd_string(&c, "a\"b\\c", 5, false);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.nparts, 1);
    assert_string_equal(c.text.data, "LOGIN \"a\\\"b\\\\c\"");
    imap_cmd_free(&c);
}

static void secrets_are_parts_of_their_own(void **state)
{
    (void)state;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, "LOGIN u ");
    imap_cmd_string(&c, "pw", 2, true);
    assert_int_equal(c.nparts, 3); /* text and the opening quote, the secret, the closing quote */
    assert_true(c.parts[1].secret);
    assert_int_equal(c.parts[1].len, 2);
    assert_memory_equal(c.text.data + c.offs[1], "pw", 2);
    assert_false(c.parts[2].secret);
    imap_cmd_free(&c);
}

static void unquotable_strings_become_literals(void **state)
{
    (void)state;
    const char *cases[] = {"line\r\nbreak", "caf\xc3\xa9", "tab\there"};
    for (size_t i = 0; i < 3; i++) {
        imap_cmd c;
        imap_cmd_init(&c);
        imap_cmd_add(&c, "X ");
        imap_cmd_string(&c, cases[i], strlen(cases[i]), i == 0);
        assert_int_equal(c.nparts, 2);
        assert_true(c.parts[1].literal);
        assert_ptr_equal(c.parts[1].data, cases[i]);
        assert_int_equal(c.parts[1].secret, i == 0);
        imap_cmd_free(&c);
    }
    char nul[3] = {'a', '\0', 'b'};
    char *longer = malloc(2000);
    memset(longer, 'x', 2000);
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_string(&c, nul, 3, false);
    imap_cmd_string(&c, longer, 2000, false);
    assert_int_equal(c.nparts, 2);
    assert_true(c.parts[0].literal && c.parts[1].literal);
    assert_int_equal(c.parts[1].len, 2000);
    imap_cmd_free(&c);
    free(longer);
}

static void too_many_parts_fail_the_command(void **state)
{
    (void)state;
    imap_cmd c;
    imap_cmd_init(&c);
    for (int i = 0; i < 40; i++)
        imap_cmd_literal(&c, "x", 1);
    assert_int_equal(c.rc, ENVOI_EINVAL);
    imap_cmd_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_strings_are_quoted_with_escapes),
        cmocka_unit_test(secrets_are_parts_of_their_own),
        cmocka_unit_test(unquotable_strings_become_literals),
        cmocka_unit_test(too_many_parts_fail_the_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
