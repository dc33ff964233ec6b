/* The ASCII runs of text being converted to UTF-8 are found sixteen and
 * eight bytes at a time: an 8-bit byte at any offset of texts of any length
 * converts as the text converted a byte at a time does, and nothing past the
 * text is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/error.h"
#include "util/charset.h"

/* in[0..len) converted; the text (NUL-terminated) in *out, malloc'd. */
static int convert(const char *cs, const char *in, size_t len, char **out, size_t *out_len)
{
    /* An exact-size copy, so a read past the end is caught by the sanitizer. */
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, in, len);
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = envoi_charset_to_utf8(cs, copy, len, &b);
    assert_true(rc >= 0);
    free(copy);
    *out_len = b.len;
    *out = malloc(b.len + 1);
    assert_non_null(*out);
    memcpy(*out, b.data ? b.data : "", b.len);
    (*out)[b.len] = '\0';
    envoi_buf_free(&b);
    return rc;
}

/* The text converted one byte at a time (right for single-byte charsets). */
static void bytewise(const char *cs, const char *in, size_t len, char *out, size_t *out_len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        char *piece;
        size_t n;
        assert_int_equal(convert(cs, in + i, 1, &piece, &n), CHARSET_OK);
        memcpy(out + w, piece, n);
        w += n;
        free(piece);
    }
    *out_len = w;
}

static void text_with(char *buf, size_t len, size_t at, const char *bytes, size_t nbytes)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)('a' + i % 26);
    memcpy(buf + at, bytes, nbytes);
}

static void single_byte_charsets_convert_as_bytewise_at_every_offset(void **state)
{
    (void)state;
    static const char *const charsets[] = {"iso-8859-1", "windows-1252", "iso-8859-2", "koi8-r"};
    static const char highs[] = "\x80\xa9\xe9\xff";
    char text[80], want[256];
    for (size_t c = 0; c < sizeof charsets / sizeof charsets[0]; c++)
        for (size_t len = 1; len < 70; len++)
            for (size_t at = 0; at < len; at++) {
                text_with(text, len, at, highs + at % 4, 1);
                char *got;
                size_t n, wn;
                assert_int_equal(convert(charsets[c], text, len, &got, &n), CHARSET_OK);
                bytewise(charsets[c], text, len, want, &wn);
                assert_int_equal(n, wn);
                assert_memory_equal(got, want, n);
                free(got);
            }
}

static void ascii_text_of_every_length_is_copied(void **state)
{
    (void)state;
    char text[80];
    for (size_t len = 0; len < 70; len++) {
        text_with(text, len, 0, "", 0);
        char *got;
        size_t n;
        assert_int_equal(convert("iso-8859-2", text, len, &got, &n), CHARSET_OK);
        assert_int_equal(n, len);
        assert_memory_equal(got, text, len);
        free(got);
    }
}

static void valid_utf8_at_every_offset_is_kept(void **state)
{
    (void)state;
    char text[80];
    for (size_t len = 2; len < 70; len++)
        for (size_t at = 0; at + 2 <= len; at++) {
            text_with(text, len, at, "\xc3\xa9", 2);
            char *got;
            size_t n;
            assert_int_equal(convert("utf-8", text, len, &got, &n), CHARSET_OK);
            assert_int_equal(n, len);
            assert_memory_equal(got, text, len);
            free(got);
        }
}

static void stray_latin1_byte_at_every_offset_falls_back(void **state)
{
    (void)state;
    char text[80], want[96];
    for (size_t len = 1; len < 70; len++)
        for (size_t at = 0; at < len; at++) {
            text_with(text, len, at, "\xe9", 1);
            memcpy(want, text, at);
            memcpy(want + at, "\xc3\xa9", 2);
            memcpy(want + at + 2, text + at + 1, len - at - 1);
            char *got;
            size_t n;
            assert_int_equal(convert("utf-8", text, len, &got, &n), CHARSET_MISMATCH);
            assert_int_equal(n, len + 1);
            assert_memory_equal(got, want, n);
            free(got);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_byte_charsets_convert_as_bytewise_at_every_offset),
        cmocka_unit_test(ascii_text_of_every_length_is_copied),
        cmocka_unit_test(valid_utf8_at_every_offset_is_kept),
        cmocka_unit_test(stray_latin1_byte_at_every_offset_falls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
