/* The content scan behind the transfer-encoding choice counts the same
 * whether it reads eight bytes at a time or one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mime/encoding_choice.h"

static void scan_whole(mime_scan *s, const unsigned char *p, size_t n)
{
    mime_scan_init(s);
    mime_scan_update(s, p, n);
    mime_scan_final(s);
}

static void scan_bytewise(mime_scan *s, const unsigned char *p, size_t n)
{
    mime_scan_init(s);
    for (size_t i = 0; i < n; i++)
        mime_scan_update(s, p + i, 1);
    mime_scan_final(s);
}

static void assert_same_counts(const mime_scan *a, const mime_scan *b)
{
    assert_int_equal(a->len, b->len);
    assert_int_equal(a->nonascii, b->nonascii);
    assert_int_equal(a->controls, b->controls);
    assert_int_equal(a->nuls, b->nuls);
    assert_int_equal(a->bare_cr, b->bare_cr);
    assert_int_equal(a->bare_lf, b->bare_lf);
    assert_int_equal(a->escapes, b->escapes);
    assert_int_equal(a->max_line, b->max_line);
}

static void test_word_scan_counts_like_byte_scan_on_mixed_content(void **state)
{
    (void)state;
    /* Bytes drawn mostly from plain text, with every special class mixed in. */
    static const unsigned char specials[] = {'\r', '\n', '=', 0, 0x7f, 0x80, 0xff, '\t', 0x1b};
    unsigned char buf[4096];
    uint32_t seed = 12345;
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(round * 37) % sizeof buf;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) & 0xff;
            buf[i] = r < 16 ? specials[r % sizeof specials] : (unsigned char)(' ' + r % 94);
        }
        mime_scan a, b;
        scan_whole(&a, buf, n);
        scan_bytewise(&b, buf, n);
        assert_same_counts(&a, &b);
    }
}

static void test_plain_lines_are_measured_exactly(void **state)
{
    (void)state;
    const char *text = "0123456789abcdefghij0123456789abcdefghij\r\nshort\r\n";
    mime_scan s;
    scan_whole(&s, (const unsigned char *)text, strlen(text));
    assert_int_equal(s.max_line, 40);
    assert_int_equal(s.escapes, 0);
    assert_int_equal(s.bare_lf, 0);
    assert_int_equal(mime_cte_for_body(&s), MIME_CTE_7BIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_scan_counts_like_byte_scan_on_mixed_content),
        cmocka_unit_test(test_plain_lines_are_measured_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
