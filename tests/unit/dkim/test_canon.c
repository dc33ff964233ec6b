/* DKIM canonicalization: RFC 6376 section 3.4.5 examples, empty bodies, trailing
 * lines and blanks, bare LF, l=, h= bottom up, pieces cut at every offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "dkim/canon.h"
#include "envoi/error.h"

static const char rfc_message[] = "A: X\r\n"
                                  "B : Y\t\r\n"
                                  "\tZ  \r\n"
                                  "\r\n"
                                  " C \r\n"
                                  "D \t E\r\n"
                                  "\r\n"
                                  "\r\n";

static void sha256(const char *s, size_t len, unsigned char out[32])
{
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(s, len, out, &n, EVP_sha256(), NULL), 1);
}

/* The body hash of body fed in one piece, and its canonical length. */
static void body_hash(envoi_dkim_canon c, long long limit, const char *body, size_t len,
                      unsigned char out[32], unsigned long long *clen)
{
    dkim_body *b = dkim_body_new(c, limit);
    assert_non_null(b);
    assert_int_equal(dkim_body_update(b, body, len), 0);
    assert_int_equal(dkim_body_finish(b, out, clen), 0);
}

/* Assert that body canonicalizes to expected. */
static void assert_body(envoi_dkim_canon c, const char *body, const char *expected)
{
    unsigned char got[32], want[32];
    unsigned long long clen = 0;
    body_hash(c, -1, body, strlen(body), got, &clen);
    sha256(expected, strlen(expected), want);
    assert_int_equal(clen, strlen(expected));
    assert_memory_equal(got, want, 32);
}

static char *header_input(const char *msg, const char *names, envoi_dkim_canon c)
{
    dkim_header h;
    assert_int_equal(dkim_header_read(&h, msg, strlen(msg)), 0);
    envoi_buf out = ENVOI_BUF_INIT;
    assert_int_equal(dkim_header_input(&h, names, c, NULL, 0, &out), 0);
    dkim_header_free(&h);
    if (!out.data)
        return strdup("");
    return envoi_buf_steal(&out, NULL);
}

static void rfc_example_relaxed_header(void **state)
{
    (void)state;
    char *in = header_input(rfc_message, "a:b", ENVOI_DKIM_RELAXED);
    assert_string_equal(in, "a:X\r\nb:Y Z\r\n");
    free(in);
}

static void rfc_example_simple_header(void **state)
{
    (void)state;
    char *in = header_input(rfc_message, "A:B", ENVOI_DKIM_SIMPLE);
    assert_string_equal(in, "A: X\r\nB : Y\t\r\n\tZ  \r\n");
    free(in);
}

static void rfc_example_bodies(void **state)
{
    (void)state;
    dkim_header h;
    assert_int_equal(dkim_header_read(&h, rfc_message, strlen(rfc_message)), 0);
    const char *body = rfc_message + h.body_offset;
    assert_string_equal(body, " C \r\nD \t E\r\n\r\n\r\n");
    dkim_header_free(&h);
    assert_body(ENVOI_DKIM_RELAXED, body, " C\r\nD E\r\n");
    assert_body(ENVOI_DKIM_SIMPLE, body, " C \r\nD \t E\r\n");
}

static void empty_bodies(void **state)
{
    (void)state;
    assert_body(ENVOI_DKIM_SIMPLE, "", "\r\n");
    assert_body(ENVOI_DKIM_RELAXED, "", "");
    assert_body(ENVOI_DKIM_SIMPLE, "\r\n\r\n\r\n", "\r\n");
    assert_body(ENVOI_DKIM_RELAXED, "\r\n\r\n\r\n", "");
    assert_body(ENVOI_DKIM_RELAXED, " \t\r\n \r\n", "");
    assert_body(ENVOI_DKIM_SIMPLE, " \r\n", " \r\n");
}

static void known_empty_body_hashes(void **state)
{
    (void)state;
    /* The well-known bh= values of an empty body. */
    unsigned char h[32];
    unsigned char b64[64];
    body_hash(ENVOI_DKIM_SIMPLE, -1, "", 0, h, NULL);
    EVP_EncodeBlock(b64, h, 32);
    assert_string_equal((char *)b64, "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
    body_hash(ENVOI_DKIM_RELAXED, -1, "", 0, h, NULL);
    EVP_EncodeBlock(b64, h, 32);
    assert_string_equal((char *)b64, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

static void trailing_blanks_and_missing_line_end(void **state)
{
    (void)state;
    assert_body(ENVOI_DKIM_RELAXED, "Hi  \t\r\nthere", "Hi\r\nthere\r\n");
    assert_body(ENVOI_DKIM_SIMPLE, "Hi  \t\r\nthere", "Hi  \t\r\nthere\r\n");
    assert_body(ENVOI_DKIM_RELAXED, "a\r\n\r\nb\r\n\r\n", "a\r\n\r\nb\r\n");
    assert_body(ENVOI_DKIM_RELAXED, "  x  y\r\n", " x y\r\n");
}

static void bare_lf_and_cr(void **state)
{
    (void)state;
    assert_body(ENVOI_DKIM_SIMPLE, "a\nb\n\n", "a\r\nb\r\n");
    assert_body(ENVOI_DKIM_RELAXED, "a \nb\n", "a\r\nb\r\n");
    assert_body(ENVOI_DKIM_SIMPLE, "a\rb\r", "a\rb\r\r\n");
    const char *lf = "From: a@example.org\nSubject:  hi \n there\n\nbody\n";
    dkim_header h;
    assert_int_equal(dkim_header_read(&h, lf, strlen(lf)), 0);
    assert_int_equal(h.count, 2);
    assert_string_equal(lf + h.body_offset, "body\n");
    assert_int_equal(h.fields[1].len, strlen("Subject:  hi \r\n there\r\n"));
    assert_memory_equal(h.fields[1].raw, "Subject:  hi \r\n there\r\n", h.fields[1].len);
    dkim_header_free(&h);
    char *in = header_input(lf, "subject", ENVOI_DKIM_RELAXED);
    assert_string_equal(in, "subject:hi there\r\n");
    free(in);
}

static void body_length_limit(void **state)
{
    (void)state;
    unsigned char got[32], want[32];
    unsigned long long clen = 0;
    body_hash(ENVOI_DKIM_SIMPLE, 5, "Hello world\r\n", 13, got, &clen);
    sha256("Hello", 5, want);
    assert_int_equal(clen, 13);
    assert_memory_equal(got, want, 32);
}

static void pieces_cut_everywhere(void **state)
{
    (void)state;
    const char *body = "line one  \r\n\tfolded\t \r\n\r\nbare\nlf\r\rx \r\n \r\n\r\n";
    size_t len = strlen(body);
    for (int c = 0; c < 2; c++) {
        unsigned char whole[32];
        body_hash((envoi_dkim_canon)c, -1, body, len, whole, NULL);
        for (size_t cut = 0; cut <= len; cut++) {
            for (size_t cut2 = cut; cut2 <= len; cut2 += 3) {
                dkim_body *b = dkim_body_new((envoi_dkim_canon)c, -1);
                assert_non_null(b);
                assert_int_equal(dkim_body_update(b, body, cut), 0);
                assert_int_equal(dkim_body_update(b, body + cut, cut2 - cut), 0);
                assert_int_equal(dkim_body_update(b, body + cut2, len - cut2), 0);
                unsigned char got[32];
                assert_int_equal(dkim_body_finish(b, got, NULL), 0);
                assert_memory_equal(got, whole, 32);
            }
        }
    }
}

static void selects_fields_bottom_up(void **state)
{
    (void)state;
    const char *msg = "Received: one\r\nFrom: a@x\r\nReceived: two\r\nTo: b@y\r\n\r\n";
    char *in = header_input(msg, "received:from:received:received:x-absent", ENVOI_DKIM_RELAXED);
    assert_string_equal(in, "received:two\r\nfrom:a@x\r\nreceived:one\r\n");
    free(in);
    in = header_input(msg, " From :\r\n\tTO", ENVOI_DKIM_SIMPLE);
    assert_string_equal(in, "From: a@x\r\nTo: b@y\r\n");
    free(in);
}

static void signature_field_without_crlf(void **state)
{
    (void)state;
    dkim_header h;
    const char *msg = "From: a@x\r\n\r\n";
    assert_int_equal(dkim_header_read(&h, msg, strlen(msg)), 0);
    const char *sig = "DKIM-Signature: v=1;  a=x;\r\n\tb=";
    envoi_buf out = ENVOI_BUF_INIT;
    assert_int_equal(dkim_header_input(&h, "from", ENVOI_DKIM_RELAXED, sig, strlen(sig), &out), 0);
    assert_string_equal(out.data, "from:a@x\r\ndkim-signature:v=1; a=x; b=");
    envoi_buf_clear(&out);
    assert_int_equal(dkim_header_input(&h, "from", ENVOI_DKIM_SIMPLE, sig, strlen(sig), &out), 0);
    assert_string_equal(out.data, "From: a@x\r\nDKIM-Signature: v=1;  a=x;\r\n\tb=");
    envoi_buf_free(&out);
    dkim_header_free(&h);
}

static void header_without_body_and_junk_lines(void **state)
{
    (void)state;
    const char *msg = "From a@x Mon\r\n cont\r\nFrom: a@x\r\nTo: y";
    dkim_header h;
    assert_int_equal(dkim_header_read(&h, msg, strlen(msg)), 0);
    assert_int_equal(h.count, 2);
    assert_int_equal(h.body_offset, strlen(msg));
    assert_true(dkim_field_is(&h.fields[0], "FROM", 4));
    assert_memory_equal(h.fields[1].raw, "To: y\r\n", h.fields[1].len);
    dkim_header_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc_example_relaxed_header),
        cmocka_unit_test(rfc_example_simple_header),
        cmocka_unit_test(rfc_example_bodies),
        cmocka_unit_test(empty_bodies),
        cmocka_unit_test(known_empty_body_hashes),
        cmocka_unit_test(trailing_blanks_and_missing_line_end),
        cmocka_unit_test(bare_lf_and_cr),
        cmocka_unit_test(body_length_limit),
        cmocka_unit_test(pieces_cut_everywhere),
        cmocka_unit_test(selects_fields_bottom_up),
        cmocka_unit_test(signature_field_without_crlf),
        cmocka_unit_test(header_without_body_and_junk_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
