/* The address-list fast path for the common forms ("a@b", "Name <a@b>")
 * gives what the general tokenizer gives, on many lists, on every prefix of
 * them and with a special byte put at every offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/decode.h"
#include "mime/parse_arena.h"

static const char *const lists[] = {
    "a@b",
    "john.doe@example.com",
    "John Doe <john@example.com>",
    "\"Doe, John\" <john@example.com>",
    "  John   Q.  Public   <jqp@example.org>  ",
    "a@b, c@d,e@f",
    "A <a@b>, \"B\" <b@c>, c@d",
    "\"\" <a@b>",
    "\" spaced \" <a@b>",
    "x\"y\"z <a@b>",
    "<a@b>",
    "=?utf-8?q?Caf=C3=A9?= <cafe@example.com>",
    "\"=?iso-8859-1?q?J=F6rg?=\" <j@example.de>",
    "J\xc3\xb6rg <j@example.de>",
    "\"J\xf6rg\" <j@example.de>",
    "a@b, , ,c@d,",
    ", a@b",
    "John <a@b> c@d",
    "John a@b",
    "root",
    "a@b (Comment)",
    "(Comment) a@b",
    "Group: a@b, c@d;",
    "\"unclosed <a@b>",
    "John <a@b",
    "John <@route,@r2:a@b>",
    "a.b @ c.d",
    "\"q\\\"x\" <a@b>",
    "<a@[1.2.3.4]>",
    "a@b <c@d>",
    "A <a@b>; B <c@d>",
    "A\tB <a\xc3\xa9@b>",
    "<a@b> <c@d>",
    "John <a@b>>",
    "John <>",
    "x@y\r\n z@w",
};

static const char specials[] = " \t\"<>@,;:()[]\\=?.\x80\xc3";

static void same_result(const char *s, size_t len)
{
    mime_addr_list fast, general;
    unsigned df = 0, dg = 0;
    int rf = mime_addr_list_parse(s, len, &fast, &df);
    int rg = mime_addr_list_parse_general(s, len, &general, &dg);
    assert_int_equal(rf, rg);
    assert_int_equal(df, dg);
    assert_int_equal(fast.len, general.len);
    for (size_t i = 0; i < fast.len; i++) {
        const mime_addr *a = &fast.items[i], *b = &general.items[i];
        if (!a->name || !b->name)
            assert_ptr_equal(a->name, b->name);
        else
            assert_string_equal(a->name, b->name);
        assert_string_equal(a->addr, b->addr);
    }
    mime_addr_list_free(&fast);
    mime_addr_list_free(&general);
}

static void fast_path_matches_general_on_lists(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
        same_result(lists[k], strlen(lists[k]));
}

static void fast_path_matches_general_on_every_prefix(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
        for (size_t n = 0; n <= strlen(lists[k]); n++)
            same_result(lists[k], n);
}

static void fast_path_matches_general_with_a_special_at_every_offset(void **state)
{
    (void)state;
    char buf[128];
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
        size_t n = strlen(lists[k]);
        assert_true(n < sizeof buf);
        for (size_t at = 0; at < n; at++)
            for (size_t c = 0; c <= sizeof specials - 1; c++) {
                memcpy(buf, lists[k], n);
                buf[at] = c < sizeof specials - 1 ? specials[c] : '\0';
                same_result(buf, n);
            }
    }
}

static void fast_path_in_an_arena_matches_general(void **state)
{
    (void)state;
    mime_arena arena = {0};
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
        mime_addr_list in_arena, general;
        unsigned da = 0, dg = 0;
        const char *s = lists[k];
        assert_int_equal(mime_addr_list_parse_in(&arena, s, strlen(s), &in_arena, &da), 0);
        assert_int_equal(mime_addr_list_parse_general(s, strlen(s), &general, &dg), 0);
        assert_int_equal(da, dg);
        assert_int_equal(in_arena.len, general.len);
        for (size_t i = 0; i < general.len; i++) {
            if (!general.items[i].name)
                assert_null(in_arena.items[i].name);
            else
                assert_string_equal(in_arena.items[i].name, general.items[i].name);
            assert_string_equal(in_arena.items[i].addr, general.items[i].addr);
        }
        mime_addr_list_free(&in_arena);
        mime_addr_list_free(&general);
    }
    mime_arena_free(&arena);
}

static void many_addresses_take_the_fast_path_alike(void **state)
{
    (void)state;
    char buf[4096];
    size_t w = 0;
    for (int i = 0; i < 100; i++)
        w += (size_t)snprintf(buf + w, sizeof buf - w, "%sUser %d <u%d@example.com>", i ? ", " : "",
                              i, i);
    same_result(buf, w);
    mime_addr_list l;
    assert_int_equal(mime_addr_list_parse(buf, w, &l, NULL), 0);
    assert_int_equal(l.len, 100);
    assert_string_equal(l.items[99].name, "User 99");
    assert_string_equal(l.items[99].addr, "u99@example.com");
    mime_addr_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fast_path_matches_general_on_lists),
        cmocka_unit_test(fast_path_matches_general_on_every_prefix),
        cmocka_unit_test(fast_path_matches_general_with_a_special_at_every_offset),
        cmocka_unit_test(fast_path_in_an_arena_matches_general),
        cmocka_unit_test(many_addresses_take_the_fast_path_alike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
