/* The body on the wire (CRLF line ends, dot-stuffing, no smuggling, chunk
 * boundaries), envelope addresses and xtext. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "smtp/dotstuff.h"
#include "smtp/envelope.h"

static envoi_buf result; /* the last result, freed at exit */

static char *stuff(const char *in, size_t split, bool dot)
{
    envoi_buf_free(&result);
    envoi_dot d;
    envoi_dot_init(&d, dot);
    size_t len = strlen(in);
    if (split > len)
        split = len;
    assert_int_equal(envoi_dot_feed(&d, in, split, &result), 0);
    assert_int_equal(envoi_dot_feed(&d, in + split, len - split, &result), 0);
    assert_int_equal(envoi_dot_finish(&d, &result), 0);
    return result.data;
}

static void leading_dots_are_doubled(void **state)
{
    assert_string_equal(stuff(".a\r\n..b\r\nc.d\r\n.\r\n", 0, true),
                        "..a\r\n...b\r\nc.d\r\n..\r\n.\r\n");
}

static void bare_lf_and_bare_cr_become_crlf(void **state)
{
    assert_string_equal(stuff("a\nb\rc\r\nd\r\re\n\nf", 0, true),
                        "a\r\nb\r\nc\r\nd\r\n\r\ne\r\n\r\nf\r\n.\r\n");
}

static void smuggling_attempts_never_end_the_data(void **state)
{
    assert_string_equal(stuff("x\n.\nMAIL FROM:<evil>\r\n", 0, true),
                        "x\r\n..\r\nMAIL FROM:<evil>\r\n.\r\n");
    assert_string_equal(stuff("x\r.\rRCPT\r\n", 0, true), "x\r\n..\r\nRCPT\r\n.\r\n");
    assert_string_equal(stuff("x\r\n.\nDATA\r\n", 0, true), "x\r\n..\r\nDATA\r\n.\r\n");
}

static void every_split_gives_the_same_bytes(void **state)
{
    const char *in = "a\r\n.b\r\r\n\n.\r.c\nend";
    char whole[256];
    snprintf(whole, sizeof whole, "%s", stuff(in, 0, true));
    for (size_t i = 1; i <= strlen(in); i++)
        assert_string_equal(stuff(in, i, true), whole);
}

static void cr_at_chunk_end_followed_by_lf_is_one_line_end(void **state)
{
    assert_string_equal(stuff("a\r\nb", 2, true), "a\r\nb\r\n.\r\n");
    assert_string_equal(stuff("a\r\n.b", 2, true), "a\r\n..b\r\n.\r\n");
}

static void empty_body_is_just_the_end_marker(void **state)
{
    assert_string_equal(stuff("", 0, true), ".\r\n");
    assert_string_equal(stuff("", 0, false), "");
}

static void bdat_mode_normalizes_without_stuffing(void **state)
{
    assert_string_equal(stuff(".a\n.\n", 1, false), ".a\r\n.\r\n");
}

static void eight_bit_bytes_are_noticed(void **state)
{
    envoi_buf out = ENVOI_BUF_INIT;
    envoi_dot d;
    envoi_dot_init(&d, true);
    envoi_dot_feed(&d, "plain\n", 6, &out);
    assert_false(d.eightbit);
    envoi_dot_feed(&d, "caf\xc3\xa9", 5, &out);
    assert_true(d.eightbit);
    envoi_buf_free(&out);
}

static void xtext_escapes_plus_equals_and_non_printables(void **state)
{
    envoi_buf out = ENVOI_BUF_INIT;
    assert_int_equal(envoi_smtp_xtext("a+b=c d\xc3\xa9@x", &out), 0);
    assert_string_equal(out.data, "a+2Bb+3Dc+20d+C3+A9@x");
    envoi_buf_free(&out);
}

static char *addr(const char *in, bool empty_ok, bool utf8, int expect)
{
    envoi_buf_free(&result);
    envoi_error err = {0};
    assert_int_equal(envoi_smtp_addr_format(in, empty_ok, utf8, &result, &err), expect);
    return result.data ? result.data : "";
}

static void envelope_addresses_are_extracted_and_checked(void **state)
{
    assert_string_equal(addr("a@example.org", false, false, 0), "a@example.org");
    assert_string_equal(addr("Ann <a@example.org>", false, false, 0), "a@example.org");
    assert_string_equal(addr("  a@example.org ", false, false, 0), "a@example.org");
    assert_string_equal(addr("\"a b\"@example.org", false, false, 0), "\"a b\"@example.org");
    assert_string_equal(addr("", true, false, 0), "");
    assert_string_equal(addr("<>", true, false, 0), "");
    addr("", false, false, ENVOI_EADDRESS);
    addr("no-at-sign", false, false, ENVOI_EADDRESS);
    addr("a@", false, false, ENVOI_EADDRESS);
    addr("@b", false, false, ENVOI_EADDRESS);
    addr("a@b\r\nRCPT TO:<x@y>", false, false, ENVOI_EADDRESS);
    addr("a b@example.org", false, false, ENVOI_EADDRESS);
}

static void domains_become_a_labels_unless_smtputf8(void **state)
{
    assert_string_equal(addr("b@b\xc3\xbc"
                             "cher.example",
                             false, false, 0),
                        "b@xn--bcher-kva.example");
    assert_string_equal(addr("b@b\xc3\xbc"
                             "cher.example",
                             false, true, 0),
                        "b@b\xc3\xbc"
                        "cher.example");
    assert_true(envoi_smtp_addr_needs_utf8("jos\xc3\xa9@example.org"));
    assert_false(envoi_smtp_addr_needs_utf8("jose@b\xc3\xbc"
                                            "cher.example"));
    addr("b@\xff\xfe.example", false, false, ENVOI_EIDNA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(leading_dots_are_doubled),
        cmocka_unit_test(bare_lf_and_bare_cr_become_crlf),
        cmocka_unit_test(smuggling_attempts_never_end_the_data),
        cmocka_unit_test(every_split_gives_the_same_bytes),
        cmocka_unit_test(cr_at_chunk_end_followed_by_lf_is_one_line_end),
        cmocka_unit_test(empty_body_is_just_the_end_marker),
        cmocka_unit_test(bdat_mode_normalizes_without_stuffing),
        cmocka_unit_test(eight_bit_bytes_are_noticed),
        cmocka_unit_test(xtext_escapes_plus_equals_and_non_printables),
        cmocka_unit_test(envelope_addresses_are_extracted_and_checked),
        cmocka_unit_test(domains_become_a_labels_unless_smtputf8),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    envoi_buf_free(&result);
    return rc;
}
