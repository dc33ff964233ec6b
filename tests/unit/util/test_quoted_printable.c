/* Quoted-printable: escapes, hard and soft line breaks, trailing
 * whitespace, exact round trip of any bytes, streaming. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/qp.h"

static char *encode(const char *s, size_t len)
{
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(envoi_qp_encode(s, len, &b), 0);
    if (!b.data)
        envoi_buf_reserve(&b, 0);
    return envoi_buf_steal(&b, NULL);
}

static void escapes_equals_sign_and_non_ascii(void **state)
{
    (void)state;
    char *e = encode("a=b caf\xc3\xa9", 9);
    assert_string_equal(e, "a=3Db caf=C3=A9");
    free(e);
}

static void crlf_becomes_hard_break_and_bare_cr_lf_are_escaped(void **state)
{
    (void)state;
    char *e = encode("one\r\ntwo\nthree\rfour", 19);
    assert_string_equal(e, "one\r\ntwo=0Athree=0Dfour");
    free(e);
}

static void trailing_whitespace_before_line_end_or_end_is_encoded(void **state)
{
    (void)state;
    char *e = encode("end \r\nmid dle\t", 14);
    assert_string_equal(e, "end=20\r\nmid dle=09");
    free(e);
}

static void long_lines_get_soft_breaks_within_76_columns(void **state)
{
    (void)state;
    char in[300];
    memset(in, 'x', sizeof in);
    in[100] = '\xff';
    char *e = encode(in, sizeof in);
    size_t col = 0;
    for (const char *p = e; *p; p++) {
        if (*p == '\r') {
            assert_true(p > e && p[-1] == '=');
            col = 0;
            p++;
            continue;
        }
        col++;
        assert_true(col <= 76);
    }
    envoi_buf back = ENVOI_BUF_INIT;
    assert_int_equal(envoi_qp_decode(e, strlen(e), &back), 0);
    assert_int_equal(back.len, sizeof in);
    assert_memory_equal(back.data, in, sizeof in);
    envoi_buf_free(&back);
    free(e);
}

static void any_bytes_round_trip_whatever_the_chunking(void **state)
{
    (void)state;
    unsigned char data[2000];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245 + 12345;
        unsigned r = (x >> 16) % 8;
        data[i] = r == 0 ? '\r' : r == 1 ? '\n' : r == 2 ? ' ' : (unsigned char)(x >> 8);
    }
    char *whole = encode((const char *)data, sizeof data);
    size_t n = strlen(whole);
    for (size_t step = 1; step < 64; step += 7) {
        envoi_qp_enc e;
        envoi_qp_enc_init(&e);
        char *out = malloc(envoi_qp_enc_bound(sizeof data));
        size_t m = 0;
        for (size_t off = 0; off < sizeof data; off += step) {
            size_t len = sizeof data - off < step ? sizeof data - off : step;
            m += envoi_qp_enc_update(&e, data + off, len, out + m);
        }
        m += envoi_qp_enc_final(&e, out + m);
        assert_int_equal(m, n);
        assert_memory_equal(out, whole, n);
        free(out);
    }
    envoi_buf back = ENVOI_BUF_INIT;
    assert_int_equal(envoi_qp_decode(whole, n, &back), 0);
    assert_int_equal(back.len, sizeof data);
    assert_memory_equal(back.data, data, sizeof data);
    envoi_buf_free(&back);
    free(whole);
}

static void decoder_removes_soft_breaks_and_keeps_bad_escapes(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    const char *in = "ab=\r\ncd=41=4=zz";
    assert_int_equal(envoi_qp_decode(in, strlen(in), &b), 0);
    assert_string_equal(b.data, "abcdA=4=zz");
    envoi_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_equals_sign_and_non_ascii),
        cmocka_unit_test(crlf_becomes_hard_break_and_bare_cr_lf_are_escaped),
        cmocka_unit_test(trailing_whitespace_before_line_end_or_end_is_encoded),
        cmocka_unit_test(long_lines_get_soft_breaks_within_76_columns),
        cmocka_unit_test(any_bytes_round_trip_whatever_the_chunking),
        cmocka_unit_test(decoder_removes_soft_breaks_and_keeps_bad_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
