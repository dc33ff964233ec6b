/* The single-byte charsets read without iconv (KOI8-R, ISO-8859-2,
 * ISO-8859-15) give exactly what glibc iconv gives, for every byte. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/charset.h"

/* Every byte value 0x01..0xFF once, then again mixed with ASCII runs. */
static size_t all_bytes(unsigned char *in)
{
    size_t n = 0;
    for (int b = 1; b < 256; b++)
        in[n++] = (unsigned char)b;
    for (int b = 0x80; b < 256; b++) {
        memcpy(in + n, "text ", 5);
        n += 5;
        in[n++] = (unsigned char)b;
    }
    return n;
}

static void same_as_iconv(const char *label, const char *iconv_name)
{
    unsigned char in[2048];
    size_t n = all_bytes(in);
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    assert_true(cd != (iconv_t)-1);
    char expected[8192];
    char *ip = (char *)in, *op = expected;
    size_t il = n, ol = sizeof expected;
    assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
    assert_int_equal(il, 0);
    iconv_close(cd);
    size_t elen = (size_t)(op - expected);

    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(envoi_charset_to_utf8(label, in, n, &b), CHARSET_OK);
    assert_int_equal(b.len, elen);
    assert_memory_equal(b.data, expected, elen);
    envoi_buf_free(&b);
}

static void koi8_r_matches_iconv(void **state)
{
    (void)state;
    same_as_iconv("koi8-r", "KOI8-R");
    same_as_iconv("KOI8-R", "KOI8-R");
}

static void iso_8859_2_matches_iconv(void **state)
{
    (void)state;
    same_as_iconv("iso-8859-2", "ISO-8859-2");
    same_as_iconv("latin2", "ISO-8859-2");
}

static void iso_8859_15_matches_iconv(void **state)
{
    (void)state;
    same_as_iconv("iso-8859-15", "ISO-8859-15");
    same_as_iconv("latin9", "ISO-8859-15");
}

static void koi8_r_appends_to_existing_text(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(envoi_buf_append(&b, "> ", 2), 0);
    assert_int_equal(envoi_charset_to_utf8("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", 6, &b),
                     CHARSET_OK);
    assert_string_equal(b.data, "> \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
    envoi_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(koi8_r_matches_iconv),
        cmocka_unit_test(iso_8859_2_matches_iconv),
        cmocka_unit_test(iso_8859_15_matches_iconv),
        cmocka_unit_test(koi8_r_appends_to_existing_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
