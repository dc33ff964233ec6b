/* Charset conversion to UTF-8: label aliases, the iconv-free fast paths,
 * conversion through iconv, and the fallback when a label is unknown or lies. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/error.h"
#include "util/charset.h"
#include "util/utf8.h"

static char result[4096];

/* Convert; returns the CHARSET_ result, the text in result. */
static int conv_n(const char *cs, const char *in, size_t len)
{
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = envoi_charset_to_utf8(cs, in, len, &b);
    assert_true(rc >= 0);
    assert_true(envoi_utf8_valid(b.data ? b.data : "", b.len));
    assert_true(b.len < sizeof result);
    memcpy(result, b.data ? b.data : "", b.len);
    result[b.len] = '\0';
    envoi_buf_free(&b);
    return rc;
}

static int conv(const char *cs, const char *in)
{
    return conv_n(cs, in, strlen(in));
}

static void canonical_names(void **state)
{
    (void)state;
    assert_string_equal(envoi_charset_canonical("latin1"), "ISO-8859-1");
    assert_string_equal(envoi_charset_canonical("ISO8859-1"), "ISO-8859-1");
    assert_string_equal(envoi_charset_canonical("utf8"), "UTF-8");
    assert_string_equal(envoi_charset_canonical(" \"UTF-8\" "), "UTF-8");
    assert_string_equal(envoi_charset_canonical("ANSI_X3.4-1968"), "US-ASCII");
    assert_string_equal(envoi_charset_canonical("ascii"), "US-ASCII");
    assert_string_equal(envoi_charset_canonical("cp1252"), "WINDOWS-1252");
    assert_string_equal(envoi_charset_canonical("windows-1251"), "WINDOWS-1251");
    assert_string_equal(envoi_charset_canonical("ks_c_5601-1987"), "CP949");
    assert_string_equal(envoi_charset_canonical("gb2312"), "GB18030");
    assert_string_equal(envoi_charset_canonical("GBK"), "GB18030");
    assert_string_equal(envoi_charset_canonical("x-sjis"), "CP932");
    assert_string_equal(envoi_charset_canonical("Shift-JIS"), "CP932");
    assert_string_equal(envoi_charset_canonical("unicode-1-1-utf-7"), "UTF-7");
    assert_string_equal(envoi_charset_canonical("koi8-r"), "KOI8-R");
    assert_string_equal(envoi_charset_canonical(NULL), "US-ASCII");
    assert_string_equal(envoi_charset_canonical(""), "US-ASCII");
    assert_string_equal(envoi_charset_canonical("ISO-8859-7"), "ISO-8859-7");
}

static void ascii_and_utf8_copied(void **state)
{
    (void)state;
    assert_int_equal(conv("us-ascii", "plain text"), CHARSET_OK);
    assert_string_equal(result, "plain text");
    assert_int_equal(conv("utf-8", "Grüße €"), CHARSET_OK);
    assert_string_equal(result, "Grüße €");
    assert_int_equal(conv(NULL, "x"), CHARSET_OK);
    assert_int_equal(conv("utf-8", ""), CHARSET_OK);
    assert_string_equal(result, "");
}

static void ascii_label_with_utf8_bytes_accepted(void **state)
{
    (void)state;
    assert_int_equal(conv("us-ascii", "café"), CHARSET_OK);
    assert_string_equal(result, "café");
}

static void latin1_converted(void **state)
{
    (void)state;
    assert_int_equal(conv("iso-8859-1", "caf\xe9 \xa9 \xff"), CHARSET_OK);
    assert_string_equal(result, "café © ÿ");
    assert_int_equal(conv("latin1", "\xc0"), CHARSET_OK);
    assert_string_equal(result, "À");
}

static void latin1_c1_range_read_as_windows_1252(void **state)
{
    (void)state;
    /* Mail labelled Latin-1 with 0x80-0x9F means windows-1252 (as browsers read it). */
    assert_int_equal(conv("iso-8859-1", "\x93hi\x94 \x80"), CHARSET_OK);
    assert_string_equal(result, "\u201chi\u201d €");
}

static void windows_1252_converted(void **state)
{
    (void)state;
    assert_int_equal(conv("windows-1252", "\x80 \x99 \x9c \x81"), CHARSET_OK);
    assert_string_equal(result, "€ ™ œ \xc2\x81");
}

static void iconv_charsets(void **state)
{
    (void)state;
    assert_int_equal(conv("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4"), CHARSET_OK);
    assert_string_equal(result, "Привет");
    assert_int_equal(conv("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2"), CHARSET_OK);
    assert_string_equal(result, "Привет");
    assert_int_equal(conv("ISO-8859-7", "\xe1\xe2\xe3"), CHARSET_OK);
    assert_string_equal(result, "αβγ");
    assert_int_equal(conv("iso-8859-15", "\xa4"), CHARSET_OK);
    assert_string_equal(result, "€");
}

static void cjk_charsets(void **state)
{
    (void)state;
    assert_int_equal(conv("iso-2022-jp", "\x1b$B$3$s$K$A$O\x1b(B"), CHARSET_OK);
    assert_string_equal(result, "こんにちは");
    assert_int_equal(conv("shift_jis", "\x82\xa0\x82\xa2"), CHARSET_OK);
    assert_string_equal(result, "あい");
    assert_int_equal(conv("euc-jp", "\xa4\xa2"), CHARSET_OK);
    assert_string_equal(result, "あ");
    assert_int_equal(conv("gb2312", "\xc4\xe3\xba\xc3"), CHARSET_OK);
    assert_string_equal(result, "你好");
    assert_int_equal(conv("ks_c_5601-1987", "\xc7\xd1\xb1\xdb"), CHARSET_OK);
    assert_string_equal(result, "한글");
    assert_int_equal(conv("big5", "\xa4\xa4\xa4\xe5"), CHARSET_OK);
    assert_string_equal(result, "中文");
}

static void utf7_and_utf16(void **state)
{
    (void)state;
    assert_int_equal(conv("unicode-1-1-utf-7", "Hi +AOk-"), CHARSET_OK);
    assert_string_equal(result, "Hi é");
    assert_int_equal(conv_n("utf-16le", "h\0i\0", 4), CHARSET_OK);
    assert_string_equal(result, "hi");
}

static void unknown_label_falls_back(void **state)
{
    (void)state;
    assert_int_equal(conv("x-no-such-charset", "caf\xc3\xa9"), CHARSET_UNKNOWN);
    assert_string_equal(result, "café");
    assert_int_equal(conv("x-no-such-charset", "caf\xe9"), CHARSET_UNKNOWN);
    assert_string_equal(result, "café");
    assert_int_equal(conv("utf-8//TRANSLIT", "a"), CHARSET_UNKNOWN);
    assert_int_equal(conv("../../etc/passwd", "a"), CHARSET_UNKNOWN);
    assert_string_equal(result, "a");
}

static void utf8_label_lie_falls_back(void **state)
{
    (void)state;
    assert_int_equal(conv("utf-8", "caf\xe9 cr\xe8me"), CHARSET_MISMATCH);
    assert_string_equal(result, "café crème");
    /* Mostly UTF-8 with one stray Latin-1 byte: the UTF-8 survives. */
    assert_int_equal(conv("utf-8", "\xc3\xa9t\xe9"), CHARSET_MISMATCH);
    assert_string_equal(result, "été");
}

static void iconv_label_lie_falls_back(void **state)
{
    (void)state;
    /* UTF-8 labelled ISO-2022-JP (which is 7-bit). */
    assert_int_equal(conv("iso-2022-jp", "caf\xc3\xa9"), CHARSET_MISMATCH);
    assert_string_equal(result, "café");
    /* Truncated multibyte sequence at the end. */
    assert_int_equal(conv("gb2312", "ab\xc4"), CHARSET_MISMATCH);
    assert_string_equal(result, "abÄ");
}

static void appends_to_existing_output(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(envoi_buf_append_str(&b, "> "), 0);
    assert_int_equal(envoi_charset_to_utf8("koi8-r", "\xf0", 1, &b), CHARSET_OK);
    assert_int_equal(envoi_charset_to_utf8("utf-8", "\xff", 1, &b), CHARSET_MISMATCH);
    assert_string_equal(b.data, "> Пÿ");
    envoi_buf_free(&b);
}

static void large_input_grows_output(void **state)
{
    (void)state;
    size_t n = 100000;
    char *in = malloc(n);
    assert_non_null(in);
    memset(in, '\xf0', n); /* koi8-r "П": two bytes each in UTF-8 */
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(envoi_charset_to_utf8("koi8-r", in, n, &b), CHARSET_OK);
    assert_int_equal(b.len, 2 * n);
    envoi_buf_free(&b);
    free(in);
}

static void many_charsets_cycle_through_cache(void **state)
{
    (void)state;
    static const char *const names[] = {"koi8-r",      "koi8-u",     "iso-8859-2", "iso-8859-5",
                                        "iso-8859-7",  "cp1250",     "cp1251",     "iso-8859-15",
                                        "x-unknown-1", "x-unknown-2"};
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            assert_true(conv(names[i], "abc") >= 0 && strcmp(result, "abc") == 0);
}

static void *convert_in_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        envoi_buf b = ENVOI_BUF_INIT;
        if (envoi_charset_to_utf8(i % 2 ? "koi8-r" : "iso-8859-5", "\xf0", 1, &b) != CHARSET_OK)
            return (void *)1;
        envoi_buf_free(&b);
    }
    return NULL;
}

static void threads_use_their_own_descriptors(void **state)
{
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, convert_in_thread, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        assert_int_equal(pthread_join(t[i], &r), 0);
        assert_null(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical_names),
        cmocka_unit_test(ascii_and_utf8_copied),
        cmocka_unit_test(ascii_label_with_utf8_bytes_accepted),
        cmocka_unit_test(latin1_converted),
        cmocka_unit_test(latin1_c1_range_read_as_windows_1252),
        cmocka_unit_test(windows_1252_converted),
        cmocka_unit_test(iconv_charsets),
        cmocka_unit_test(cjk_charsets),
        cmocka_unit_test(utf7_and_utf16),
        cmocka_unit_test(unknown_label_falls_back),
        cmocka_unit_test(utf8_label_lie_falls_back),
        cmocka_unit_test(iconv_label_lie_falls_back),
        cmocka_unit_test(appends_to_existing_output),
        cmocka_unit_test(large_input_grows_output),
        cmocka_unit_test(many_charsets_cycle_through_cache),
        cmocka_unit_test(threads_use_their_own_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
