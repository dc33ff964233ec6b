/* Address and id lists allocated in a parse arena read the same as the
 * malloc'd ones, and freeing such a list only empties it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/decode.h"
#include "mime/defect.h"
#include "mime/parse_arena.h"

static const char *const address_inputs[] = {
    "\"Joe Q. Public\" <john.q.public@example.com>",
    "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
    "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Cc <cc@z.test>",
    "=?UTF-8?B?w6lsw6h2ZQ==?= <eleve@example.fr>, =?iso-8859-1?q?Andr=E9?= <andre@x.test>",
    "Caf\xc3\xa9 Owner <owner@cafe.test>, Ren\xe9 <rene@latin1.test>",
    "a@b.test b@c.test <c@d.test> (comment name) e@f.test, \"unclosed <x@y.test>",
    "1@a.test, 2@a.test, 3@a.test, 4@a.test, 5@a.test, 6@a.test, 7@a.test, 8@a.test, 9@a.test",
    "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 <many@words.test>",
    "root",
    "",
};

static const char *const id_inputs[] = {
    "<1234@local.machine.example>",
    "<a@x> <b@y> <c@z> <d@w> <e@v> <f@u> <g@t>",
    "bare@id.test other@id.test",
    "<caf\xc3\xa9@utf8.test> <ren\xe9@latin1.test>",
    "< spaced @ id >",
    "",
};

static void same_addr_list(const mime_addr_list *a, const mime_addr_list *b)
{
    assert_int_equal(a->len, b->len);
    for (size_t i = 0; i < a->len; i++) {
        if (a->items[i].name || b->items[i].name) {
            assert_non_null(a->items[i].name);
            assert_non_null(b->items[i].name);
            assert_string_equal(a->items[i].name, b->items[i].name);
        }
        assert_string_equal(a->items[i].addr, b->items[i].addr);
    }
}

static void addresses_in_arena_match_malloc(void **state)
{
    (void)state;
    mime_arena arena = {0};
    for (size_t k = 0; k < sizeof address_inputs / sizeof address_inputs[0]; k++) {
        const char *s = address_inputs[k];
        mime_addr_list heap, in_arena;
        unsigned d1 = 0, d2 = 0;
        assert_int_equal(mime_addr_list_parse(s, strlen(s), &heap, &d1), 0);
        assert_int_equal(mime_addr_list_parse_in(&arena, s, strlen(s), &in_arena, &d2), 0);
        assert_null(heap.arena);
        assert_ptr_equal(in_arena.arena, &arena);
        same_addr_list(&heap, &in_arena);
        assert_int_equal(d1, d2);
        mime_addr_list_free(&heap);
        mime_addr_list_free(&in_arena);
        assert_int_equal(in_arena.len, 0);
        assert_null(in_arena.items);
    }
    mime_arena_free(&arena);
}

static void many_addresses_grow_in_arena(void **state)
{
    (void)state;
    char s[4096];
    size_t w = 0;
    for (int i = 0; i < 100; i++)
        w += (size_t)snprintf(s + w, sizeof s - w, "%sName %d <user%d@example.test>", i ? ", " : "",
                              i, i);
    mime_arena arena = {0};
    mime_addr_list l;
    assert_int_equal(mime_addr_list_parse_in(&arena, s, w, &l, NULL), 0);
    assert_int_equal(l.len, 100);
    assert_string_equal(l.items[0].name, "Name 0");
    assert_string_equal(l.items[99].name, "Name 99");
    assert_string_equal(l.items[57].addr, "user57@example.test");
    mime_arena_free(&arena);
}

static void ids_in_arena_match_malloc(void **state)
{
    (void)state;
    mime_arena arena = {0};
    for (size_t k = 0; k < sizeof id_inputs / sizeof id_inputs[0]; k++) {
        const char *s = id_inputs[k];
        mime_id_list heap, in_arena;
        unsigned d1 = 0, d2 = 0;
        assert_int_equal(mime_id_list_parse(s, strlen(s), &heap, &d1), 0);
        assert_int_equal(mime_id_list_parse_in(&arena, s, strlen(s), &in_arena, &d2), 0);
        assert_null(heap.arena);
        assert_ptr_equal(in_arena.arena, &arena);
        assert_int_equal(heap.len, in_arena.len);
        for (size_t i = 0; i < heap.len; i++)
            assert_string_equal(heap.items[i], in_arena.items[i]);
        assert_int_equal(d1, d2);
        mime_id_list_free(&heap);
        mime_id_list_free(&in_arena);
        assert_int_equal(in_arena.len, 0);
        assert_null(in_arena.items);
    }
    mime_arena_free(&arena);
}

static void eight_bit_id_made_valid_in_arena(void **state)
{
    (void)state;
    mime_arena arena = {0};
    mime_id_list l;
    unsigned defects = 0;
    const char *s = "<ren\xe9@latin1.test>";
    assert_int_equal(mime_id_list_parse_in(&arena, s, strlen(s), &l, &defects), 0);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0], "ren\xc3\xa9@latin1.test");
    assert_true(defects & MIME_DEFECT_8BIT_HEADER);
    mime_arena_free(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_in_arena_match_malloc),
        cmocka_unit_test(many_addresses_grow_in_arena),
        cmocka_unit_test(ids_in_arena_match_malloc),
        cmocka_unit_test(eight_bit_id_made_valid_in_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
