/* Base64: RFC 4648 test vectors, streaming across chunk splits, 76-column
 * lines, and rejection of bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/error.h"
#include "util/base64.h"

static const char *const vectors[][2] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"foobar", "Zm9vYmFy"},
    {"fooba", "Zm9vYmE="},
};

static void encodes_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        envoi_buf b = ENVOI_BUF_INIT;
        assert_int_equal(envoi_base64_encode(vectors[i][0], strlen(vectors[i][0]), &b), 0);
        assert_string_equal(b.data, vectors[i][1]);
        envoi_buf_free(&b);
    }
}

static void decodes_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        envoi_buf b = ENVOI_BUF_INIT;
        assert_int_equal(envoi_base64_decode(vectors[i][1], strlen(vectors[i][1]), &b), 0);
        assert_int_equal(b.len, strlen(vectors[i][0]));
        if (b.len)
            assert_memory_equal(b.data, vectors[i][0], b.len);
        envoi_buf_free(&b);
    }
}

static void decoding_skips_line_ends_and_accepts_missing_padding(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(envoi_base64_decode("Zm9v\r\nYmE", 9, &b), 0);
    assert_string_equal(b.data, "fooba");
    envoi_buf_free(&b);
}

static void decoding_rejects_bad_characters_and_data_after_padding(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(envoi_base64_decode("Zm9v!", 5, &b), ENVOI_EINVAL);
    assert_int_equal(envoi_base64_decode("Zg==Zg==", 8, &b), ENVOI_EINVAL);
    assert_int_equal(envoi_base64_decode("Z", 1, &b), ENVOI_EINVAL);
    envoi_buf_free(&b);
}

/* Encode in chunks of every size from 1 to 100 and compare with one shot. */
static void streaming_encoder_matches_one_shot_for_any_chunking(void **state)
{
    (void)state;
    unsigned char data[1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 31 + 7);
    char *whole = malloc(envoi_b64_enc_bound(sizeof data, 76));
    envoi_b64_enc e;
    envoi_b64_enc_init(&e, 76);
    size_t n = envoi_b64_enc_update(&e, data, sizeof data, whole);
    n += envoi_b64_enc_final(&e, whole + n);
    char *chunked = malloc(n + 64);
    for (size_t step = 1; step <= 100; step++) {
        envoi_b64_enc_init(&e, 76);
        size_t m = 0;
        for (size_t off = 0; off < sizeof data; off += step) {
            size_t len = sizeof data - off < step ? sizeof data - off : step;
            m += envoi_b64_enc_update(&e, data + off, len, chunked + m);
        }
        m += envoi_b64_enc_final(&e, chunked + m);
        assert_int_equal(m, n);
        assert_memory_equal(chunked, whole, n);
    }
    free(whole);
    free(chunked);
}

static void lines_are_76_characters_with_crlf_and_no_trailing_line_end(void **state)
{
    (void)state;
    unsigned char data[200];
    memset(data, 0xA5, sizeof data);
    char *out = malloc(envoi_b64_enc_bound(sizeof data, 76));
    envoi_b64_enc e;
    envoi_b64_enc_init(&e, 76);
    size_t n = envoi_b64_enc_update(&e, data, sizeof data, out);
    n += envoi_b64_enc_final(&e, out + n);
    /* 200 bytes: 268 characters in lines of 76, 76, 76, 40. */
    assert_int_equal(n, 268 + 3 * 2);
    assert_memory_equal(out + 76, "\r\n", 2);
    assert_memory_equal(out + 154, "\r\n", 2);
    assert_memory_equal(out + 232, "\r\n", 2);
    assert_true(out[n - 1] != '\n');
    envoi_buf back = ENVOI_BUF_INIT;
    assert_int_equal(envoi_base64_decode(out, n, &back), 0);
    assert_int_equal(back.len, sizeof data);
    assert_memory_equal(back.data, data, sizeof data);
    envoi_buf_free(&back);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encodes_rfc4648_vectors),
        cmocka_unit_test(decodes_rfc4648_vectors),
        cmocka_unit_test(decoding_skips_line_ends_and_accepts_missing_padding),
        cmocka_unit_test(decoding_rejects_bad_characters_and_data_after_padding),
        cmocka_unit_test(streaming_encoder_matches_one_shot_for_any_chunking),
        cmocka_unit_test(lines_are_76_characters_with_crlf_and_no_trailing_line_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
