/* The RFC 6376 tag-list parser: values trimmed and folding kept inside,
 * empty specs skipped, and every malformed list refused with a reason
 * (duplicates, no '=', bad names, control or non-ASCII bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dkim/tags.h"

static void assert_value(const dkim_tags *t, const char *name, const char *want)
{
    const dkim_tag *tag = dkim_tags_find(t, name);
    assert_non_null(tag);
    assert_int_equal(tag->value_len, strlen(want));
    assert_memory_equal(tag->value, want, tag->value_len);
}

static int parse(const char *text, dkim_tags *t, char *why)
{
    return dkim_tags_parse(text, strlen(text), t, why);
}

static void test_values_are_trimmed(void **state)
{
    (void)state;
    dkim_tags t;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse(" v=1;a = rsa-sha256 ;\r\n\tb=abc\r\n def ; c=\t;", &t, why), 0);
    assert_int_equal(t.count, 4);
    assert_value(&t, "v", "1");
    assert_value(&t, "a", "rsa-sha256");
    assert_value(&t, "b", "abc\r\n def");
    assert_value(&t, "c", "");
    assert_null(dkim_tags_find(&t, "d"));
    assert_null(dkim_tags_find(&t, "V")); /* names are case-sensitive */
}

/* raw_start/raw_end bound the whole value with its white space. */
static void test_raw_span(void **state)
{
    (void)state;
    dkim_tags t;
    char why[DKIM_TAGS_WHY_SIZE];
    const char *text = "bh=x; b= AB CD ;d=e";
    assert_int_equal(parse(text, &t, why), 0);
    const dkim_tag *b = dkim_tags_find(&t, "b");
    assert_int_equal(b->raw_start, 8);
    assert_int_equal(b->raw_end, 15);
    const dkim_tag *d = dkim_tags_find(&t, "d");
    assert_int_equal(d->raw_end, strlen(text));
}

static void test_empty_specs_skipped(void **state)
{
    (void)state;
    dkim_tags t;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse("", &t, why), 0);
    assert_int_equal(t.count, 0);
    assert_int_equal(parse(" ;; a=1 ; ; b=2;", &t, why), 0);
    assert_int_equal(t.count, 2);
}

static void assert_refused(const char *text, const char *reason_part)
{
    dkim_tags t;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse(text, &t, why), -1);
    if (!strstr(why, reason_part))
        fail_msg("'%s': reason '%s' lacks '%s'", text, why, reason_part);
}

static void test_malformed_lists_refused(void **state)
{
    (void)state;
    assert_refused("a=1; a=2", "appears twice");
    assert_refused("a=1; b", "has no '='");
    assert_refused("a=1; b c=2", "has no '='");
    assert_refused("=1", "tag name");
    assert_refused("1a=1", "tag name");
    assert_refused("a-b=1", "has no '='");
    assert_refused("a=x\001y", "control or non-ASCII");
    assert_refused("a=caf\xc3\xa9", "control or non-ASCII");
}

static void test_nul_byte_refused(void **state)
{
    (void)state;
    dkim_tags t;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(dkim_tags_parse("a=x\0y", 5, &t, why), -1);
}

static void test_too_many_tags_refused(void **state)
{
    (void)state;
    char text[DKIM_TAGS_MAX * 8 + 16] = "";
    size_t len = 0;
    for (int i = 0; i <= DKIM_TAGS_MAX; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "t%d=1;", i);
    assert_refused(text, "more than");
}

static void test_compact_and_lists(void **state)
{
    (void)state;
    dkim_tags t;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse("h=From : to\r\n :Subject; k=", &t, why), 0);
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(dkim_tag_compact(dkim_tags_find(&t, "h"), &b), 0);
    assert_string_equal(b.data, "From:to:Subject");
    envoi_buf_free(&b);
    const dkim_tag *h = dkim_tags_find(&t, "h");
    assert_true(dkim_list_has(h->value, h->value_len, "from"));
    assert_true(dkim_list_has(h->value, h->value_len, "subject"));
    assert_false(dkim_list_has(h->value, h->value_len, "fro"));
    assert_false(dkim_list_has("", 0, "from"));
    assert_true(dkim_tag_is(dkim_tags_find(&t, "k"), "", false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_are_trimmed),  cmocka_unit_test(test_raw_span),
        cmocka_unit_test(test_empty_specs_skipped), cmocka_unit_test(test_malformed_lists_refused),
        cmocka_unit_test(test_nul_byte_refused),    cmocka_unit_test(test_too_many_tags_refused),
        cmocka_unit_test(test_compact_and_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
