/* Verifying messages signed by python3-dkim: both canonicalizations, RSA and
 * Ed25519, the RFC 8463 example, and what breaks a signature (a changed
 * header or body, another key) or makes it unacceptable (revoked key,
 * expiry, rsa-sha1, l= not covering the body). Keys given, no DNS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "verify_data.h"

typedef struct verdicts {
    envoi_dkim_status *st;
    size_t n;
} verdicts;

static verdicts verify_text(envoi_dkim_verifier *v, const char *msg, size_t len)
{
    verdicts r = {NULL, 0};
    assert_int_equal(envoi_dkim_verify(v, msg, len, &r.st, &r.n), 0);
    return r;
}

/* Verify data/NAME with the test keys; the verifier is freed. */
static verdicts verify_file(const char *name)
{
    size_t len;
    char *msg = dkim_data(name, &len);
    envoi_dkim_verifier *v = dkim_test_verifier();
    verdicts r = verify_text(v, msg, len);
    envoi_dkim_verifier_free(v);
    free(msg);
    return r;
}

static void assert_one(verdicts r, envoi_dkim_result want, const char *reason_part)
{
    assert_int_equal(r.n, 1);
    if (r.st[0].result != want)
        fail_msg("expected %s, got %s: %s", envoi_dkim_result_name(want),
                 envoi_dkim_result_name(r.st[0].result), r.st[0].reason);
    assert_non_null(strstr(r.st[0].reason, reason_part));
    envoi_dkim_status_free(r.st, r.n);
}

static void test_rsa_relaxed_passes(void **state)
{
    (void)state;
    verdicts r = verify_file("rsa_relaxed.eml");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.st[0].result, ENVOI_DKIM_PASS);
    assert_string_equal(r.st[0].domain, "example.com");
    assert_string_equal(r.st[0].selector, "rsa");
    assert_string_equal(r.st[0].algorithm, "rsa-sha256");
    assert_string_equal(r.st[0].identity, "@example.com");
    assert_string_equal(r.st[0].reason, "");
    assert_false(r.st[0].testing);
    assert_true(r.st[0].signed_at > 1600000000);
    envoi_dkim_status_free(r.st, r.n);
}

static void test_rsa_simple_passes(void **state)
{
    (void)state;
    assert_one(verify_file("rsa_simple.eml"), ENVOI_DKIM_PASS, "");
}

static void test_ed25519_relaxed_passes(void **state)
{
    (void)state;
    verdicts r = verify_file("ed_relaxed.eml");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.st[0].algorithm, "ed25519-sha256");
    assert_one(r, ENVOI_DKIM_PASS, "");
}

static void test_ed25519_simple_passes(void **state)
{
    (void)state;
    assert_one(verify_file("ed_simple.eml"), ENVOI_DKIM_PASS, "");
}

/* RFC 8463 appendix A: the example message with its two signatures and keys. */
static void test_rfc8463_example_passes(void **state)
{
    (void)state;
    size_t len;
    char *msg = dkim_data("rfc8463.eml", &len);
    envoi_dkim_verifier *v = envoi_dkim_verifier_new();
    assert_int_equal(envoi_dkim_verifier_add_key(
                         v, "football.example.com", "brisbane",
                         "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
                     0);
    assert_int_equal(envoi_dkim_verifier_add_key(
                         v, "football.example.com", "test",
                         "v=DKIM1; k=rsa; "
                         "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5q"
                         "hdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/"
                         "8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4h"
                         "stT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"),
                     0);
    verdicts r = verify_text(v, msg, len);
    assert_int_equal(r.n, 2);
    for (size_t i = 0; i < 2; i++)
        if (r.st[i].result != ENVOI_DKIM_PASS)
            fail_msg("signature %zu: %s: %s", i, envoi_dkim_result_name(r.st[i].result),
                     r.st[i].reason);
    assert_string_equal(r.st[0].selector, "brisbane");
    assert_string_equal(r.st[1].selector, "test");
    assert_int_equal(r.st[0].signed_at, 1518460054);
    envoi_dkim_status_free(r.st, r.n);
    envoi_dkim_verifier_free(v);
    free(msg);
}

/* data/NAME with from replaced by to (first occurrence after the signature). */
static verdicts verify_changed(const char *name, const char *from, const char *to)
{
    size_t len;
    char *msg = dkim_data(name, &len);
    char *at = strstr(strstr(msg, "\nFrom:"), from);
    assert_non_null(at);
    envoi_buf b = ENVOI_BUF_INIT;
    envoi_buf_append(&b, msg, (size_t)(at - msg));
    envoi_buf_append_str(&b, to);
    envoi_buf_append_str(&b, at + strlen(from));
    envoi_dkim_verifier *v = dkim_test_verifier();
    verdicts r = verify_text(v, b.data, b.len);
    envoi_dkim_verifier_free(v);
    envoi_buf_free(&b);
    free(msg);
    return r;
}

static void test_changed_header_fails(void **state)
{
    (void)state;
    const char *files[] = {"rsa_relaxed.eml", "rsa_simple.eml", "ed_relaxed.eml", "ed_simple.eml"};
    for (size_t i = 0; i < 4; i++)
        assert_one(verify_changed(files[i], "john@", "joan@"), ENVOI_DKIM_FAIL, "does not verify");
}

static void test_changed_body_fails(void **state)
{
    (void)state;
    const char *files[] = {"rsa_relaxed.eml", "rsa_simple.eml", "ed_relaxed.eml", "ed_simple.eml"};
    for (size_t i = 0; i < 4; i++)
        assert_one(verify_changed(files[i], "at noon", "at one"), ENVOI_DKIM_FAIL,
                   "body hash mismatch");
}

/* Relaxed canonicalization ignores changed white space; simple does not. */
static void test_whitespace_change_passes_relaxed_only(void **state)
{
    (void)state;
    assert_one(verify_changed("rsa_relaxed.eml", "Subject:  Lunch   on", "Subject: Lunch on"),
               ENVOI_DKIM_PASS, "");
    assert_one(verify_changed("rsa_relaxed.eml", "meet  at", "meet at"), ENVOI_DKIM_PASS, "");
    assert_one(verify_changed("rsa_simple.eml", "Subject:  Lunch   on", "Subject: Lunch on"),
               ENVOI_DKIM_FAIL, "does not verify");
    assert_one(verify_changed("rsa_simple.eml", "meet  at", "meet at"), ENVOI_DKIM_FAIL,
               "body hash mismatch");
}

/* Bare LF line ends read as CRLF. */
static void test_lf_line_ends_pass(void **state)
{
    (void)state;
    size_t len;
    char *msg = dkim_data("rsa_simple.eml", &len);
    size_t out = 0;
    for (size_t i = 0; i < len; i++)
        if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
            msg[out++] = msg[i];
    envoi_dkim_verifier *v = dkim_test_verifier();
    assert_one(verify_text(v, msg, out), ENVOI_DKIM_PASS, "");
    envoi_dkim_verifier_free(v);
    free(msg);
}

static void test_other_key_fails(void **state)
{
    (void)state;
    size_t len;
    char *msg = dkim_data("rsa_relaxed.eml", &len);
    envoi_dkim_verifier *v = envoi_dkim_verifier_new();
    dkim_add_file_key(v, "EXAMPLE.com", "RSA", "rsa2.txt"); /* names without case */
    assert_one(verify_text(v, msg, len), ENVOI_DKIM_FAIL, "does not verify");
    envoi_dkim_verifier_free(v);
    free(msg);
}

static void test_expired_is_neutral(void **state)
{
    (void)state;
    assert_one(verify_file("expired.eml"), ENVOI_DKIM_NEUTRAL, "signature expired");
    size_t len;
    char *msg = dkim_data("expired.eml", &len);
    envoi_dkim_verifier *v = dkim_test_verifier();
    assert_int_equal(envoi_dkim_verifier_set_time(v, 1600000100), 0);
    assert_one(verify_text(v, msg, len), ENVOI_DKIM_PASS, "");
    envoi_dkim_verifier_free(v);
    free(msg);
}

static void test_rsa_sha1_is_permerror(void **state)
{
    (void)state;
    assert_one(verify_file("rsa_sha1.eml"), ENVOI_DKIM_PERMERROR,
               "rsa-sha1 is not accepted (RFC 8301)");
}

static void test_partial_length_is_neutral(void **state)
{
    (void)state;
    assert_one(verify_file("length.eml"), ENVOI_DKIM_NEUTRAL, "l= covers only");
}

/* Three signatures, newest first: another key (fail), a revoked key
 * (permerror), a good Ed25519 one (pass); in the order they appear. */
static void test_mixed_signatures(void **state)
{
    (void)state;
    verdicts r = verify_file("multi.eml");
    assert_int_equal(r.n, 3);
    assert_string_equal(r.st[0].selector, "wrong");
    assert_int_equal(r.st[0].result, ENVOI_DKIM_FAIL);
    assert_string_equal(r.st[1].selector, "revoked");
    assert_int_equal(r.st[1].result, ENVOI_DKIM_PERMERROR);
    assert_non_null(strstr(r.st[1].reason, "revoked"));
    assert_string_equal(r.st[2].selector, "ed");
    assert_int_equal(r.st[2].result, ENVOI_DKIM_PASS);
    envoi_dkim_status_free(r.st, r.n);
}

static void test_no_signature(void **state)
{
    (void)state;
    envoi_dkim_verifier *v = dkim_test_verifier();
    verdicts r = verify_text(v, "From: a@example.com\r\n\r\nhi\r\n", 27);
    assert_int_equal(r.n, 0);
    assert_null(r.st);
    r = verify_text(v, "", 0);
    assert_int_equal(r.n, 0);
    envoi_dkim_verifier_free(v);
}

/* At most 16 signatures are verified. */
static void test_sixteen_signatures_at_most(void **state)
{
    (void)state;
    size_t len;
    char *msg = dkim_data("ed_relaxed.eml", &len);
    const char *end = strstr(msg, "From:");
    envoi_buf b = ENVOI_BUF_INIT;
    for (int i = 0; i < 20; i++)
        envoi_buf_append(&b, msg, (size_t)(end - msg));
    envoi_buf_append_str(&b, end);
    envoi_dkim_verifier *v = dkim_test_verifier();
    verdicts r = verify_text(v, b.data, b.len);
    assert_int_equal(r.n, 16);
    for (size_t i = 0; i < r.n; i++)
        assert_int_equal(r.st[i].result, ENVOI_DKIM_PASS);
    envoi_dkim_status_free(r.st, r.n);
    envoi_dkim_verifier_free(v);
    envoi_buf_free(&b);
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsa_relaxed_passes),
        cmocka_unit_test(test_rsa_simple_passes),
        cmocka_unit_test(test_ed25519_relaxed_passes),
        cmocka_unit_test(test_ed25519_simple_passes),
        cmocka_unit_test(test_rfc8463_example_passes),
        cmocka_unit_test(test_changed_header_fails),
        cmocka_unit_test(test_changed_body_fails),
        cmocka_unit_test(test_whitespace_change_passes_relaxed_only),
        cmocka_unit_test(test_lf_line_ends_pass),
        cmocka_unit_test(test_other_key_fails),
        cmocka_unit_test(test_expired_is_neutral),
        cmocka_unit_test(test_rsa_sha1_is_permerror),
        cmocka_unit_test(test_partial_length_is_neutral),
        cmocka_unit_test(test_mixed_signatures),
        cmocka_unit_test(test_no_signature),
        cmocka_unit_test(test_sixteen_signatures_at_most),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
