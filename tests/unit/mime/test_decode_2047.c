/* Unstructured header values to UTF-8: RFC 2047 encoded-words (the RFC's own
 * examples and the broken forms real mail has) and raw 8-bit text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/decode.h"
#include "mime/defect.h"
#include "util/utf8.h"

/* Decode s; the result (a static copy) and the defects. */
static char result[4096];
static unsigned defects;

static const char *dec_n(const char *s, size_t len)
{
    envoi_buf b = ENVOI_BUF_INIT;
    defects = 0;
    assert_int_equal(mime_decode_unstructured(s, len, &b, &defects), 0);
    assert_non_null(b.data);
    assert_true(envoi_utf8_valid(b.data, b.len));
    assert_null(memchr(b.data, '\0', b.len));
    assert_true(b.len < sizeof result);
    memcpy(result, b.data, b.len + 1);
    envoi_buf_free(&b);
    return result;
}

static const char *dec(const char *s)
{
    return dec_n(s, strlen(s));
}

static void plain_ascii_is_copied(void **state)
{
    (void)state;
    assert_string_equal(dec("Re: lunch on Friday? = maybe"), "Re: lunch on Friday? = maybe");
    assert_int_equal(defects, 0);
    assert_string_equal(dec(""), "");
}

static void decodes_q_word(void **state)
{
    (void)state;
    assert_string_equal(dec("=?utf-8?Q?Caf=C3=A9_au_lait?="), "Café au lait");
    assert_int_equal(defects, 0);
}

static void decodes_b_word(void **state)
{
    (void)state;
    assert_string_equal(dec("=?UTF-8?B?w6l0w6k=?="), "été");
    assert_int_equal(defects, 0);
}

static void lowercase_b_and_q_accepted(void **state)
{
    (void)state;
    assert_string_equal(dec("=?utf-8?b?w6l0w6k=?= =?utf-8?q?=C3=A9?="), "étéé");
}

static void rfc2047_examples(void **state)
{
    (void)state;
    /* RFC 2047 section 8. */
    assert_string_equal(dec("=?ISO-8859-1?Q?a?="), "a");
    assert_string_equal(dec("=?ISO-8859-1?Q?a?= b"), "a b");
    assert_string_equal(dec("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?="), "ab");
    assert_string_equal(dec("=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?="), "ab");
    assert_string_equal(dec("=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?="), "ab");
    assert_string_equal(dec("=?ISO-8859-1?Q?a_b?="), "a b");
    assert_string_equal(dec("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?="), "a b");
    assert_string_equal(dec("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="), "Keld Jørn Simonsen");
    assert_string_equal(dec("=?US-ASCII?Q?Keith_Moore?="), "Keith Moore");
    assert_string_equal(dec("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "André Pirard");
}

static void underscore_is_space_only_in_q(void **state)
{
    (void)state;
    assert_string_equal(dec("snake_case =?utf-8?Q?a_b?="), "snake_case a b");
}

static void text_around_words_kept(void **state)
{
    (void)state;
    assert_string_equal(dec("Re: =?utf-8?Q?caf=C3=A9?= tomorrow"), "Re: café tomorrow");
}

static void words_glued_to_text_decoded(void **state)
{
    (void)state;
    assert_string_equal(dec("pre=?utf-8?Q?mid?=post"), "premidpost");
}

static void words_inside_quotes_decoded(void **state)
{
    (void)state;
    assert_string_equal(dec("\"=?utf-8?Q?J=C3=B6rg?=\" wrote"), "\"Jörg\" wrote");
}

static void split_multibyte_character_joined(void **state)
{
    (void)state;
    /* U+20AC (E2 82 AC) cut after its first byte, across two B words. */
    assert_string_equal(dec("=?utf-8?B?4g==?= =?utf-8?B?gqw=?="), "€");
    assert_int_equal(defects, 0);
    /* Also across Q words, with the charset spelled differently. */
    assert_string_equal(dec("=?UTF-8?Q?=E2=82?==?utf8?Q?=AC!?="), "€!");
}

static void different_charsets_not_joined(void **state)
{
    (void)state;
    assert_string_equal(dec("=?iso-8859-1?Q?=E9?= =?utf-8?Q?=C3=A9?="), "éé");
}

static void language_suffix_ignored(void **state)
{
    (void)state;
    assert_string_equal(dec("=?utf-8*en?Q?Hello_World?="), "Hello World");
    assert_string_equal(dec("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
}

static void missing_padding_accepted(void **state)
{
    (void)state;
    assert_string_equal(dec("=?utf-8?B?w6l0w6k?="), "été");
    assert_string_equal(dec("=?utf-8?B?YWI?="), "ab");
}

static void other_charsets_converted(void **state)
{
    (void)state;
    assert_string_equal(dec("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?="), "こんにちは");
    assert_string_equal(dec("=?koi8-r?B?8NLJ18XU?="), "Привет");
    assert_string_equal(dec("=?windows-1252?Q?=93quoted=94?="), "\u201cquoted\u201d");
    assert_string_equal(dec("=?gb2312?B?xOO6ww==?="), "你好");
}

static void unknown_charset_falls_back(void **state)
{
    (void)state;
    assert_string_equal(dec("=?x-made-up?Q?caf=C3=A9?="), "café");
    assert_true(defects & MIME_DEFECT_UNKNOWN_CHARSET);
    assert_string_equal(dec("=?x-made-up?Q?caf=E9?="), "café");
    assert_true(defects & MIME_DEFECT_UNKNOWN_CHARSET);
}

static void charset_lie_falls_back(void **state)
{
    (void)state;
    assert_string_equal(dec("=?utf-8?Q?caf=E9?="), "café");
    assert_true(defects & MIME_DEFECT_CHARSET_MISMATCH);
}

static void malformed_words_left_as_text(void **state)
{
    (void)state;
    assert_string_equal(dec("=?utf-8?X?abc?= end"), "=?utf-8?X?abc?= end");
    assert_true(defects & MIME_DEFECT_BAD_ENCODED_WORD);
    assert_string_equal(dec("=?utf-8?Q?never closed"), "=?utf-8?Q?never closed");
    assert_true(defects & MIME_DEFECT_BAD_ENCODED_WORD);
    assert_string_equal(dec("what =? is this"), "what =? is this");
}

static void bad_q_escape_kept(void **state)
{
    (void)state;
    assert_string_equal(dec("=?utf-8?Q?100=ZZ?="), "100=ZZ");
    assert_true(defects & MIME_DEFECT_BAD_ENCODED_WORD);
}

static void bad_b_characters_skipped(void **state)
{
    (void)state;
    assert_string_equal(dec("=?utf-8?B?YW!Jj?="), "abc");
    assert_true(defects & MIME_DEFECT_BAD_ENCODED_WORD);
}

static void raw_utf8_kept(void **state)
{
    (void)state;
    assert_string_equal(dec("Gr\xc3\xbc\xc3\x9f"
                            "e"),
                        "Grüße");
    assert_int_equal(defects, 0);
}

static void raw_latin1_read_as_windows_1252(void **state)
{
    (void)state;
    assert_string_equal(dec("caf\xe9 \x93ok\x94"), "café \u201cok\u201d");
    assert_true(defects & MIME_DEFECT_8BIT_HEADER);
}

static void nul_bytes_dropped(void **state)
{
    (void)state;
    assert_string_equal(dec_n("a\0b", 3), "ab");
    assert_true(defects & MIME_DEFECT_NUL);
    assert_string_equal(dec("=?utf-8?Q?c=00d?="), "cd");
    assert_true(defects & MIME_DEFECT_NUL);
}

static void whitespace_before_and_after_words_kept(void **state)
{
    (void)state;
    assert_string_equal(dec("  =?utf-8?Q?x?=  "), "  x  ");
}

static void empty_word_decodes_to_nothing(void **state)
{
    (void)state;
    assert_string_equal(dec("a =?utf-8?Q?\?= b"), "a  b");
}

static void appends_to_existing_output(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    unsigned d = 0;
    assert_int_equal(envoi_buf_append_str(&b, "X: "), 0);
    assert_int_equal(mime_decode_unstructured("=?utf-8?Q?=C3=A9?=", 18, &b, &d), 0);
    assert_string_equal(b.data, "X: é");
    envoi_buf_free(&b);
}

static void long_run_of_broken_words_is_linear(void **state)
{
    (void)state;
    /* Thousands of "=?a?q?x" openers with no "?=" anywhere: read as text. */
    size_t n = 7 * 30000;
    char *s = malloc(n);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = "=?a?q?x"[i % 7];
    envoi_buf b = ENVOI_BUF_INIT;
    unsigned d = 0;
    assert_int_equal(mime_decode_unstructured(s, n, &b, &d), 0);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, s, n);
    assert_true(d & MIME_DEFECT_BAD_ENCODED_WORD);
    envoi_buf_free(&b);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_ascii_is_copied),
        cmocka_unit_test(decodes_q_word),
        cmocka_unit_test(decodes_b_word),
        cmocka_unit_test(lowercase_b_and_q_accepted),
        cmocka_unit_test(rfc2047_examples),
        cmocka_unit_test(underscore_is_space_only_in_q),
        cmocka_unit_test(text_around_words_kept),
        cmocka_unit_test(words_glued_to_text_decoded),
        cmocka_unit_test(words_inside_quotes_decoded),
        cmocka_unit_test(split_multibyte_character_joined),
        cmocka_unit_test(different_charsets_not_joined),
        cmocka_unit_test(language_suffix_ignored),
        cmocka_unit_test(missing_padding_accepted),
        cmocka_unit_test(other_charsets_converted),
        cmocka_unit_test(unknown_charset_falls_back),
        cmocka_unit_test(charset_lie_falls_back),
        cmocka_unit_test(malformed_words_left_as_text),
        cmocka_unit_test(bad_q_escape_kept),
        cmocka_unit_test(bad_b_characters_skipped),
        cmocka_unit_test(raw_utf8_kept),
        cmocka_unit_test(raw_latin1_read_as_windows_1252),
        cmocka_unit_test(nul_bytes_dropped),
        cmocka_unit_test(whitespace_before_and_after_words_kept),
        cmocka_unit_test(empty_word_decodes_to_nothing),
        cmocka_unit_test(appends_to_existing_output),
        cmocka_unit_test(long_run_of_broken_words_is_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
