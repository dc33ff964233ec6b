/* Address lists: RFC 5322 mailboxes, groups, comments, quoted local parts,
 * obsolete routes, encoded display names, and the repairs real mail needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/decode.h"
#include "mime/defect.h"
#include "util/utf8.h"

static mime_addr_list l;
static unsigned defects;

static void parse_n(const char *s, size_t len)
{
    mime_addr_list_free(&l);
    defects = 0;
    assert_int_equal(mime_addr_list_parse(s, len, &l, &defects), 0);
    for (size_t i = 0; i < l.len; i++) {
        assert_non_null(l.items[i].addr);
        assert_true(envoi_utf8_valid(l.items[i].addr, strlen(l.items[i].addr)));
        if (l.items[i].name) {
            assert_true(l.items[i].name[0] != '\0');
            assert_true(envoi_utf8_valid(l.items[i].name, strlen(l.items[i].name)));
        }
    }
}

static void parse(const char *s)
{
    parse_n(s, strlen(s));
}

/* Item i has this name (NULL: none) and address. */
static void expect(size_t i, const char *name, const char *addr)
{
    assert_true(i < l.len);
    if (name) {
        assert_non_null(l.items[i].name);
        assert_string_equal(l.items[i].name, name);
    } else {
        assert_null(l.items[i].name);
    }
    assert_string_equal(l.items[i].addr, addr);
}

static int teardown(void **state)
{
    (void)state;
    mime_addr_list_free(&l);
    return 0;
}

static void bare_addr_spec(void **state)
{
    (void)state;
    parse("alice@example.com");
    assert_int_equal(l.len, 1);
    expect(0, NULL, "alice@example.com");
    assert_int_equal(defects, 0);
}

static void name_addr(void **state)
{
    (void)state;
    parse("Alice Example <alice@example.com>");
    assert_int_equal(l.len, 1);
    expect(0, "Alice Example", "alice@example.com");
    assert_int_equal(defects, 0);
}

static void list_of_mixed_forms(void **state)
{
    (void)state;
    parse("a@x.org, Bob <b@x.org>,\"Carol, Jr.\" <c@x.org> ,  <d@x.org>");
    assert_int_equal(l.len, 4);
    expect(0, NULL, "a@x.org");
    expect(1, "Bob", "b@x.org");
    expect(2, "Carol, Jr.", "c@x.org");
    expect(3, NULL, "d@x.org");
    assert_int_equal(defects, 0);
}

static void quoted_display_name_escapes(void **state)
{
    (void)state;
    parse("\"Joe \\\"the boss\\\" Q.\" <joe@x.org>");
    expect(0, "Joe \"the boss\" Q.", "joe@x.org");
}

static void dotted_phrase(void **state)
{
    (void)state;
    parse("John Q. Public <jqp@example.com>");
    expect(0, "John Q. Public", "jqp@example.com");
}

static void group_members_flattened(void **state)
{
    (void)state;
    /* RFC 5322 appendix A.1.3. */
    parse("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, after@x.test");
    assert_int_equal(l.len, 4);
    expect(0, "Ed Jones", "c@a.test");
    expect(1, NULL, "joe@where.test");
    expect(2, "John", "jdoe@one.test");
    expect(3, NULL, "after@x.test");
    assert_int_equal(defects, 0);
}

static void empty_group_gives_nothing(void **state)
{
    (void)state;
    parse("undisclosed-recipients:;");
    assert_int_equal(l.len, 0);
    assert_int_equal(defects, 0);
}

static void comment_supplies_missing_name(void **state)
{
    (void)state;
    parse("a@b.example (Alice)");
    expect(0, "Alice", "a@b.example");
    parse("Named <a@b.example> (not the name)");
    expect(0, "Named", "a@b.example");
}

static void nested_comments_skipped(void **state)
{
    (void)state;
    /* RFC 5322 appendix A.5. */
    parse("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
    assert_int_equal(l.len, 1);
    expect(0, "Pete", "pete@silly.test");
    parse("x@y.test (outer (inner) comment)");
    expect(0, "outer (inner) comment", "x@y.test");
}

static void quoted_local_part_kept_quoted(void **state)
{
    (void)state;
    parse("\"john doe\"@example.com, Name <\"a,b\"@example.com>");
    assert_int_equal(l.len, 2);
    expect(0, NULL, "\"john doe\"@example.com");
    expect(1, "Name", "\"a,b\"@example.com");
}

static void obsolete_route_dropped(void **state)
{
    (void)state;
    parse("Route <@relay1.test,@relay2.test:user@example.com>, <@r.test:b@x.test>");
    assert_int_equal(l.len, 2);
    expect(0, "Route", "user@example.com");
    expect(1, NULL, "b@x.test");
}

static void encoded_display_name(void **state)
{
    (void)state;
    parse("=?utf-8?Q?J=C3=B6rg_M=C3=BCller?= <jm@example.de>");
    expect(0, "Jörg Müller", "jm@example.de");
    parse("\"=?iso-8859-1?Q?Andr=E9?=\" <andre@example.fr>");
    expect(0, "André", "andre@example.fr");
    parse("=?utf-8?B?5bGx55Sw?= =?utf-8?B?5aSq6YOO?= <t@example.jp>");
    expect(0, "山田太郎", "t@example.jp");
}

static void raw_8bit_display_name(void **state)
{
    (void)state;
    parse("Ren\xe9 <rene@example.fr>");
    expect(0, "René", "rene@example.fr");
    assert_true(defects & MIME_DEFECT_8BIT_HEADER);
    parse("Zo\xc3\xab <zoe@example.org>");
    expect(0, "Zoë", "zoe@example.org");
}

static void whitespace_separated_addresses(void **state)
{
    (void)state;
    parse("a@x.test b@x.test");
    assert_int_equal(l.len, 2);
    expect(0, NULL, "a@x.test");
    expect(1, NULL, "b@x.test");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
}

static void missing_comma_between_name_addrs(void **state)
{
    (void)state;
    parse("A <a@x.test> B <b@x.test> <c@x.test>");
    assert_int_equal(l.len, 3);
    expect(0, "A", "a@x.test");
    expect(1, "B", "b@x.test");
    expect(2, NULL, "c@x.test");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
}

static void name_without_brackets(void **state)
{
    (void)state;
    parse("John Smith john@x.test");
    assert_int_equal(l.len, 1);
    expect(0, "John Smith", "john@x.test");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
}

static void unclosed_angle_bracket(void **state)
{
    (void)state;
    parse("Name <a@x.test, b@x.test");
    assert_int_equal(l.len, 2);
    expect(0, "Name", "a@x.test");
    expect(1, NULL, "b@x.test");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
    parse("Name <a@x.test");
    expect(0, "Name", "a@x.test");
}

static void unclosed_quote(void **state)
{
    (void)state;
    parse("\"Unbalanced <a@x.test>");
    assert_int_equal(l.len, 1);
    expect(0, "Unbalanced", "a@x.test");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
}

static void unclosed_comment(void **state)
{
    (void)state;
    parse("Name (oops <a@x.test>");
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0].addr, "a@x.test");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
}

static void stray_closing_bracket(void **state)
{
    (void)state;
    parse("a@x.test>, b@x.test)");
    assert_int_equal(l.len, 2);
    expect(0, NULL, "a@x.test");
    expect(1, NULL, "b@x.test");
    assert_true(defects & MIME_DEFECT_BAD_ADDRESS);
}

static void empty_entries_skipped(void **state)
{
    (void)state;
    parse(" , ,a@x.test,, ,");
    assert_int_equal(l.len, 1);
    expect(0, NULL, "a@x.test");
    parse("");
    assert_int_equal(l.len, 0);
}

static void empty_angle_brackets(void **state)
{
    (void)state;
    parse("<>");
    assert_int_equal(l.len, 1);
    expect(0, NULL, "");
}

static void local_mailbox_without_domain(void **state)
{
    (void)state;
    parse("root");
    assert_int_equal(l.len, 1);
    expect(0, NULL, "root");
}

static void address_as_display_name(void **state)
{
    (void)state;
    parse("bob@x.test <bob@x.test>");
    assert_int_equal(l.len, 1);
    expect(0, "bob@x.test", "bob@x.test");
}

static void domain_literal(void **state)
{
    (void)state;
    parse("<user@[192.0.2.1]>, x@[IPv6:2001:db8::1]");
    assert_int_equal(l.len, 2);
    expect(0, NULL, "user@[192.0.2.1]");
    expect(1, NULL, "x@[IPv6:2001:db8::1]");
}

static void obsolete_spaces_in_addr_spec(void **state)
{
    (void)state;
    parse("john . doe @ example . com");
    assert_int_equal(l.len, 1);
    expect(0, NULL, "john.doe@example.com");
}

static void nul_bytes_dropped(void **state)
{
    (void)state;
    parse_n("Na\0me <a\0@x.test>", 17);
    assert_int_equal(l.len, 1);
    expect(0, "Name", "a@x.test");
}

static void many_unclosed_openers_stay_fast(void **state)
{
    (void)state;
    size_t n = 100000;
    char *s = malloc(n);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = "(\"["[i % 3];
    parse_n(s, n);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(bare_addr_spec, teardown),
        cmocka_unit_test_teardown(name_addr, teardown),
        cmocka_unit_test_teardown(list_of_mixed_forms, teardown),
        cmocka_unit_test_teardown(quoted_display_name_escapes, teardown),
        cmocka_unit_test_teardown(dotted_phrase, teardown),
        cmocka_unit_test_teardown(group_members_flattened, teardown),
        cmocka_unit_test_teardown(empty_group_gives_nothing, teardown),
        cmocka_unit_test_teardown(comment_supplies_missing_name, teardown),
        cmocka_unit_test_teardown(nested_comments_skipped, teardown),
        cmocka_unit_test_teardown(quoted_local_part_kept_quoted, teardown),
        cmocka_unit_test_teardown(obsolete_route_dropped, teardown),
        cmocka_unit_test_teardown(encoded_display_name, teardown),
        cmocka_unit_test_teardown(raw_8bit_display_name, teardown),
        cmocka_unit_test_teardown(whitespace_separated_addresses, teardown),
        cmocka_unit_test_teardown(missing_comma_between_name_addrs, teardown),
        cmocka_unit_test_teardown(name_without_brackets, teardown),
        cmocka_unit_test_teardown(unclosed_angle_bracket, teardown),
        cmocka_unit_test_teardown(unclosed_quote, teardown),
        cmocka_unit_test_teardown(unclosed_comment, teardown),
        cmocka_unit_test_teardown(stray_closing_bracket, teardown),
        cmocka_unit_test_teardown(empty_entries_skipped, teardown),
        cmocka_unit_test_teardown(empty_angle_brackets, teardown),
        cmocka_unit_test_teardown(local_mailbox_without_domain, teardown),
        cmocka_unit_test_teardown(address_as_display_name, teardown),
        cmocka_unit_test_teardown(domain_literal, teardown),
        cmocka_unit_test_teardown(obsolete_spaces_in_addr_spec, teardown),
        cmocka_unit_test_teardown(nul_bytes_dropped, teardown),
        cmocka_unit_test_teardown(many_unclosed_openers_stay_fast, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
