/* Content-Type / Content-Disposition parameters: quoting, RFC 2231
 * continuations and charsets (the RFC's examples), RFC 2047 inside quotes, and
 * the broken forms real mail has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/decode.h"
#include "mime/defect.h"

static mime_params p;
static unsigned defects;

static void parse(const char *s)
{
    mime_params_free(&p);
    defects = 0;
    assert_int_equal(mime_params_parse(s, strlen(s), &p, &defects), 0);
    assert_non_null(p.value);
}

static const char *get(const char *name)
{
    return mime_params_get(&p, name);
}

static int teardown(void **state)
{
    (void)state;
    mime_params_free(&p);
    return 0;
}

static void value_lowercased_and_trimmed(void **state)
{
    (void)state;
    parse("  Text/HTML  ");
    assert_string_equal(p.value, "text/html");
    assert_int_equal(p.len, 0);
    assert_int_equal(defects, 0);
}

static void token_and_quoted_values(void **state)
{
    (void)state;
    parse("text/plain; charset=\"us-ascii\"; format=flowed");
    assert_string_equal(p.value, "text/plain");
    assert_int_equal(p.len, 2);
    assert_string_equal(p.items[0].name, "charset");
    assert_string_equal(p.items[0].value, "us-ascii");
    assert_string_equal(get("format"), "flowed");
    assert_int_equal(defects, 0);
}

static void names_lowercased_lookup_any_case(void **state)
{
    (void)state;
    parse("text/plain; CharSet=UTF-8");
    assert_string_equal(p.items[0].name, "charset");
    assert_string_equal(get("CHARSET"), "UTF-8");
    assert_null(get("format"));
}

static void backslash_escapes_in_quotes(void **state)
{
    (void)state;
    parse("inline; filename=\"a \\\"quoted\\\" name\\\\.txt\"");
    assert_string_equal(get("filename"), "a \"quoted\" name\\.txt");
}

static void semicolons_and_equals_inside_quotes(void **state)
{
    (void)state;
    parse("attachment; filename=\"a;b=c.txt\"; size=10");
    assert_string_equal(get("filename"), "a;b=c.txt");
    assert_string_equal(get("size"), "10");
}

static void spaces_around_equals(void **state)
{
    (void)state;
    parse("text/html ; charset = utf-8 ; x = \"y\"");
    assert_string_equal(p.value, "text/html");
    assert_string_equal(get("charset"), "utf-8");
    assert_string_equal(get("x"), "y");
}

static void extra_semicolons_ignored(void **state)
{
    (void)state;
    parse("text/html;;; charset=utf-8;;");
    assert_string_equal(get("charset"), "utf-8");
    assert_int_equal(p.len, 1);
}

static void missing_quotes_keep_spaces(void **state)
{
    (void)state;
    parse("attachment; filename=my report.pdf; size=3");
    assert_string_equal(get("filename"), "my report.pdf");
    assert_string_equal(get("size"), "3");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void missing_semicolon_between_params(void **state)
{
    (void)state;
    parse("text/plain; charset=us-ascii format=flowed");
    assert_string_equal(get("charset"), "us-ascii");
    assert_string_equal(get("format"), "flowed");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void missing_semicolon_after_value(void **state)
{
    (void)state;
    parse("text/plain charset=us-ascii");
    assert_string_equal(p.value, "text/plain");
    assert_string_equal(get("charset"), "us-ascii");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void unterminated_quote_runs_to_end(void **state)
{
    (void)state;
    parse("attachment; filename=\"never closed");
    assert_string_equal(get("filename"), "never closed");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void comments_ignored(void **state)
{
    (void)state;
    parse("text/plain (plain text); charset=us-ascii (ascii)");
    assert_string_equal(p.value, "text/plain");
    assert_string_equal(get("charset"), "us-ascii");
}

static void duplicate_first_wins(void **state)
{
    (void)state;
    parse("text/plain; charset=utf-8; charset=latin1");
    assert_int_equal(p.len, 1);
    assert_string_equal(get("charset"), "utf-8");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void parameter_without_value_skipped(void **state)
{
    (void)state;
    parse("attachment; inline; filename=a.txt");
    assert_int_equal(p.len, 1);
    assert_string_equal(get("filename"), "a.txt");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void order_of_first_appearance_kept(void **state)
{
    (void)state;
    parse("x/y; zeta=1; alpha=2; mid*0=a; mid*1=b");
    assert_int_equal(p.len, 3);
    assert_string_equal(p.items[0].name, "zeta");
    assert_string_equal(p.items[1].name, "alpha");
    assert_string_equal(p.items[2].name, "mid");
    assert_string_equal(p.items[2].value, "ab");
}

static void rfc2231_extended_value(void **state)
{
    (void)state;
    /* RFC 2231 section 4. */
    parse("application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
    assert_string_equal(get("title"), "This is ***fun***");
    parse("attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf");
    assert_string_equal(get("filename"), "été.pdf");
    parse("attachment; filename*=iso-8859-1'fr'r%E9sum%E9.doc");
    assert_string_equal(get("filename"), "résumé.doc");
    assert_int_equal(defects, 0);
}

static void rfc2231_continuations(void **state)
{
    (void)state;
    /* RFC 2231 section 3 and 4.1. */
    parse("message/external-body; access-type=URL;"
          " URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
    assert_string_equal(get("url"), "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
    parse("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20;"
          " title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"");
    assert_string_equal(get("title"), "This is even more ***fun*** isn't it!");
    assert_int_equal(defects, 0);
}

static void continuation_split_inside_utf8_character(void **state)
{
    (void)state;
    parse("attachment; filename*0*=utf-8''%C3; filename*1*=%A9t%C3%A9.txt");
    assert_string_equal(get("filename"), "été.txt");
}

static void continuations_out_of_order(void **state)
{
    (void)state;
    parse("attachment; filename*2=c; filename*0=a; filename*1=b");
    assert_string_equal(get("filename"), "abc");
}

static void continuation_missing_piece(void **state)
{
    (void)state;
    parse("attachment; filename*0=a; filename*2=c");
    assert_string_equal(get("filename"), "ac");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void rfc2231_form_preferred_over_plain(void **state)
{
    (void)state;
    parse("attachment; filename=\"ete.pdf\"; filename*=utf-8''%C3%A9t%C3%A9.pdf");
    assert_int_equal(p.len, 1);
    assert_string_equal(get("filename"), "été.pdf");
}

static void rfc2231_unknown_charset_falls_back(void **state)
{
    (void)state;
    parse("attachment; filename*=x-nonesuch''caf%E9");
    assert_string_equal(get("filename"), "café");
    assert_true(defects & MIME_DEFECT_UNKNOWN_CHARSET);
}

static void rfc2231_bad_percent_kept(void **state)
{
    (void)state;
    parse("attachment; filename*=utf-8''100%ZZ");
    assert_string_equal(get("filename"), "100%ZZ");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void rfc2231_missing_charset_quotes(void **state)
{
    (void)state;
    parse("attachment; filename*=caf%C3%A9");
    assert_string_equal(get("filename"), "café");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
}

static void rfc2047_inside_quoted_value(void **state)
{
    (void)state;
    parse("attachment; filename=\"=?utf-8?B?w6l0w6kudHh0?=\"");
    assert_string_equal(get("filename"), "été.txt");
    parse("application/pdf; name==?iso-8859-1?Q?r=E9sum=E9.pdf?=");
    assert_string_equal(get("name"), "résumé.pdf");
}

static void raw_8bit_value_to_utf8(void **state)
{
    (void)state;
    parse("attachment; filename=\"r\xe9sum\xe9.doc\"");
    assert_string_equal(get("filename"), "résumé.doc");
    assert_true(defects & MIME_DEFECT_8BIT_HEADER);
    parse("attachment; filename=\"gr\xc3\xbc\xc3\x9f"
          "e.txt\"");
    assert_string_equal(get("filename"), "grüße.txt");
}

static void boundary_kept_byte_for_byte(void **state)
{
    (void)state;
    parse("multipart/mixed; boundary=\"=?utf-8?Q?x?= ----=_Part_0\"");
    assert_string_equal(get("boundary"), "=?utf-8?Q?x?= ----=_Part_0");
    parse("multipart/alternative; boundary=----=_NextPart_000_0012_01D2A3B4.5C6D7E80");
    assert_string_equal(get("boundary"), "----=_NextPart_000_0012_01D2A3B4.5C6D7E80");
}

static void empty_input(void **state)
{
    (void)state;
    parse("");
    assert_string_equal(p.value, "");
    assert_int_equal(p.len, 0);
    parse("; charset=utf-8");
    assert_string_equal(p.value, "");
    assert_string_equal(get("charset"), "utf-8");
}

static void nul_bytes_dropped(void **state)
{
    (void)state;
    mime_params_free(&p);
    defects = 0;
    const char s[] = "text/pl\0ain; name=\"a\0b\"";
    assert_int_equal(mime_params_parse(s, sizeof s - 1, &p, &defects), 0);
    assert_string_equal(p.value, "text/plain");
    assert_string_equal(get("name"), "ab");
    assert_true(defects & MIME_DEFECT_NUL);
}

static void many_parameters_stay_fast(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(envoi_buf_append_str(&b, "x/y"), 0);
    for (int i = 0; i < 20000; i++)
        assert_int_equal(envoi_buf_printf(&b, "; p%d=%d; q*%d=z", i, i, i), 0);
    mime_params_free(&p);
    assert_int_equal(mime_params_parse(b.data, b.len, &p, &defects), 0);
    assert_int_equal(p.len, 20001);
    assert_string_equal(get("p19999"), "19999");
    envoi_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(value_lowercased_and_trimmed, teardown),
        cmocka_unit_test_teardown(token_and_quoted_values, teardown),
        cmocka_unit_test_teardown(names_lowercased_lookup_any_case, teardown),
        cmocka_unit_test_teardown(backslash_escapes_in_quotes, teardown),
        cmocka_unit_test_teardown(semicolons_and_equals_inside_quotes, teardown),
        cmocka_unit_test_teardown(spaces_around_equals, teardown),
        cmocka_unit_test_teardown(extra_semicolons_ignored, teardown),
        cmocka_unit_test_teardown(missing_quotes_keep_spaces, teardown),
        cmocka_unit_test_teardown(missing_semicolon_between_params, teardown),
        cmocka_unit_test_teardown(missing_semicolon_after_value, teardown),
        cmocka_unit_test_teardown(unterminated_quote_runs_to_end, teardown),
        cmocka_unit_test_teardown(comments_ignored, teardown),
        cmocka_unit_test_teardown(duplicate_first_wins, teardown),
        cmocka_unit_test_teardown(parameter_without_value_skipped, teardown),
        cmocka_unit_test_teardown(order_of_first_appearance_kept, teardown),
        cmocka_unit_test_teardown(rfc2231_extended_value, teardown),
        cmocka_unit_test_teardown(rfc2231_continuations, teardown),
        cmocka_unit_test_teardown(continuation_split_inside_utf8_character, teardown),
        cmocka_unit_test_teardown(continuations_out_of_order, teardown),
        cmocka_unit_test_teardown(continuation_missing_piece, teardown),
        cmocka_unit_test_teardown(rfc2231_form_preferred_over_plain, teardown),
        cmocka_unit_test_teardown(rfc2231_unknown_charset_falls_back, teardown),
        cmocka_unit_test_teardown(rfc2231_bad_percent_kept, teardown),
        cmocka_unit_test_teardown(rfc2231_missing_charset_quotes, teardown),
        cmocka_unit_test_teardown(rfc2047_inside_quoted_value, teardown),
        cmocka_unit_test_teardown(raw_8bit_value_to_utf8, teardown),
        cmocka_unit_test_teardown(boundary_kept_byte_for_byte, teardown),
        cmocka_unit_test_teardown(empty_input, teardown),
        cmocka_unit_test_teardown(nul_bytes_dropped, teardown),
        cmocka_unit_test_teardown(many_parameters_stay_fast, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
