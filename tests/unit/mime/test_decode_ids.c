/* Message-ID, In-Reply-To and References lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/decode.h"
#include "mime/defect.h"

static mime_id_list l;
static unsigned defects;

static void parse(const char *s)
{
    mime_id_list_free(&l);
    defects = 0;
    assert_int_equal(mime_id_list_parse(s, strlen(s), &l, &defects), 0);
}

static int teardown(void **state)
{
    (void)state;
    mime_id_list_free(&l);
    return 0;
}

static void single_id_without_brackets(void **state)
{
    (void)state;
    parse("<1234@local.machine.example>");
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0], "1234@local.machine.example");
    assert_int_equal(defects, 0);
}

static void references_in_order(void **state)
{
    (void)state;
    parse("<1234@local.machine.example> <3456@example.net>\r\n <abcd@example.org>");
    assert_int_equal(l.len, 3);
    assert_string_equal(l.items[0], "1234@local.machine.example");
    assert_string_equal(l.items[1], "3456@example.net");
    assert_string_equal(l.items[2], "abcd@example.org");
}

static void ids_without_separators(void **state)
{
    (void)state;
    parse("<a@x><b@y>,<c@z>");
    assert_int_equal(l.len, 3);
    assert_string_equal(l.items[2], "c@z");
}

static void comments_ignored(void **state)
{
    (void)state;
    parse("(first <not@an.id>) <a@x> (second)");
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0], "a@x");
}

static void text_between_ids_ignored(void **state)
{
    (void)state;
    /* In-Reply-To as some clients write it. */
    parse("<a@x> (Alice's message of Mon) \"quoted\" <b@y>");
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[1], "b@y");
}

static void bare_ids_when_no_brackets(void **state)
{
    (void)state;
    parse("id1@example.com, id2@example.com not-an-id");
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0], "id1@example.com");
    assert_string_equal(l.items[1], "id2@example.com");
}

static void stray_closing_bracket_splits_bare_ids(void **state)
{
    (void)state;
    parse("a@example.org>b@example.org>");
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0], "a@example.org");
    assert_string_equal(l.items[1], "b@example.org");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
}

static void blanks_inside_removed(void **state)
{
    (void)state;
    parse("<abc@\r\n example.com>");
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0], "abc@example.com");
}

static void empty_brackets_skipped(void **state)
{
    (void)state;
    parse("<> <a@b>");
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0], "a@b");
}

static void unclosed_bracket(void **state)
{
    (void)state;
    parse("<a@b <c@d>");
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0], "a@b");
    assert_string_equal(l.items[1], "c@d");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
}

static void eight_bit_id_to_utf8(void **state)
{
    (void)state;
    parse("<caf\xe9@x>");
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0], "café@x");
    assert_true(defects & MIME_DEFECT_8BIT_HEADER);
}

static void nothing_found(void **state)
{
    (void)state;
    parse("");
    assert_int_equal(l.len, 0);
    parse("   (just a comment)  ");
    assert_int_equal(l.len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(single_id_without_brackets, teardown),
        cmocka_unit_test_teardown(references_in_order, teardown),
        cmocka_unit_test_teardown(ids_without_separators, teardown),
        cmocka_unit_test_teardown(comments_ignored, teardown),
        cmocka_unit_test_teardown(text_between_ids_ignored, teardown),
        cmocka_unit_test_teardown(bare_ids_when_no_brackets, teardown),
        cmocka_unit_test_teardown(stray_closing_bracket_splits_bare_ids, teardown),
        cmocka_unit_test_teardown(blanks_inside_removed, teardown),
        cmocka_unit_test_teardown(empty_brackets_skipped, teardown),
        cmocka_unit_test_teardown(unclosed_bracket, teardown),
        cmocka_unit_test_teardown(eight_bit_id_to_utf8, teardown),
        cmocka_unit_test_teardown(nothing_found, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
