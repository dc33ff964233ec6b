/* DKIM signing: the RFC 8463 appendix A Ed25519 vector, the field's tags, folding,
 * over-signing, pieces, threads sharing a signer, refused keys and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dkim/canon.h"
#include "dkim/key.h"
#include "envoi/dkim.h"
#include "envoi/error.h"

/* RFC 8463 A.2: the RFC 8032 section 7.1 test 1 secret key. */
static const unsigned char rfc_seed[32] = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};

static const char rfc_message[] = "From: Joe SixPack <joe@football.example.com>\r\n"
                                  "To: Suzie Q <suzie@shopping.example.net>\r\n"
                                  "Subject: Is dinner ready?\r\n"
                                  "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
                                  "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
                                  "\r\n"
                                  "Hi.\r\n"
                                  "\r\n"
                                  "We lost the game.  Are you hungry yet?\r\n"
                                  "\r\n"
                                  "Joe.\r\n";

/* RFC 8463 A.3, the Ed25519 signature with its b= value emptied. */
static const char rfc_field[] = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
                                " d=football.example.com; i=@football.example.com;\r\n"
                                " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
                                " subject : date : message-id : from : subject : date;\r\n"
                                " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
                                " b=";
static const char rfc_bh[] = "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=";
static const char rfc_b[] = "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus"
                            "Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

static char *pem_of(EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    assert_non_null(bio);
    assert_int_equal(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL), 1);
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *copy = strndup(data, (size_t)n);
    BIO_free(bio);
    return copy;
}

static char *rfc_key_pem(void)
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, rfc_seed, 32);
    assert_non_null(key);
    char *pem = pem_of(key);
    EVP_PKEY_free(key);
    return pem;
}

static envoi_dkim_signer *rfc_signer(void)
{
    envoi_dkim_signer *k = envoi_dkim_signer_new();
    assert_non_null(k);
    char *pem = rfc_key_pem();
    assert_int_equal(
        envoi_dkim_signer_set_key_pem(k, "football.example.com", "brisbane", pem, strlen(pem)), 0);
    free(pem);
    assert_int_equal(envoi_dkim_signer_set_time(k, 1528637909), 0);
    return k;
}

static void rfc8463_body_hash_and_signature(void **state)
{
    (void)state;
    unsigned char hash[32];
    dkim_body *b = dkim_body_new(ENVOI_DKIM_RELAXED, -1);
    const char *body = strstr(rfc_message, "\r\n\r\n") + 4;
    assert_int_equal(dkim_body_update(b, body, strlen(body)), 0);
    assert_int_equal(dkim_body_finish(b, hash, NULL), 0);
    unsigned char b64[64];
    EVP_EncodeBlock(b64, hash, 32);
    assert_string_equal((char *)b64, rfc_bh);

    char *pem = rfc_key_pem();
    EVP_PKEY *key = NULL;
    dkim_alg alg;
    envoi_error err = {0};
    assert_int_equal(dkim_key_parse(pem, strlen(pem), &key, &alg, &err), 0);
    free(pem);
    assert_int_equal(alg, DKIM_ALG_ED25519_SHA256);
    dkim_header h;
    assert_int_equal(dkim_header_read(&h, rfc_message, strlen(rfc_message)), 0);
    envoi_buf input = ENVOI_BUF_INIT, sig = ENVOI_BUF_INIT;
    assert_int_equal(dkim_header_input(&h,
                                       "from : to : subject : date : message-id : from : "
                                       "subject : date",
                                       ENVOI_DKIM_RELAXED, rfc_field, strlen(rfc_field), &input),
                     0);
    assert_int_equal(dkim_key_sign(key, alg, input.data, input.len, &sig), 0);
    assert_string_equal(sig.data, rfc_b);
    envoi_buf_free(&input);
    envoi_buf_free(&sig);
    dkim_header_free(&h);
    EVP_PKEY_free(key);
}

/* The field without its blanks and line ends, for looking at its tags. */
static char *unfold(const char *field)
{
    char *out = malloc(strlen(field) + 1), *o = out;
    for (const char *p = field; *p; p++)
        if (*p != '\r' && *p != '\n' && *p != '\t' && *p != ' ')
            *o++ = *p;
    *o = '\0';
    return out;
}

static void assert_folded(const char *field)
{
    size_t n = strlen(field);
    assert_true(n > 2 && strcmp(field + n - 2, "\r\n") == 0);
    for (const char *line = field; *line;) {
        const char *end = strstr(line, "\r\n");
        assert_non_null(end);
        assert_true(end - line <= 78);
        line = end + 2;
        if (*line)
            assert_int_equal(*line, '\t');
    }
}

static void signs_with_defaults_and_oversigning(void **state)
{
    (void)state;
    envoi_dkim_signer *k = rfc_signer();
    assert_int_equal(envoi_dkim_signer_set_identity(k, "@football.example.com"), 0);
    char *field = NULL;
    size_t len = 0;
    assert_int_equal(envoi_dkim_sign(k, rfc_message, strlen(rfc_message), &field, &len), 0);
    assert_int_equal(len, strlen(field));
    assert_folded(field);
    char *flat = unfold(field);
    assert_non_null(strstr(flat, "DKIM-Signature:v=1;a=ed25519-sha256;c=relaxed/relaxed;"
                                 "d=football.example.com;s=brisbane;t=1528637909;"
                                 "i=@football.example.com;"
                                 "h=from:from:subject:subject:date:date:to:to:message-id:"
                                 "message-id;bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;b="));
    assert_null(strstr(flat, "l="));
    assert_null(strstr(flat, "x="));
    free(flat);
    free(field);
    envoi_dkim_signer_free(k);
}

static void settings_show_in_the_field(void **state)
{
    (void)state;
    envoi_dkim_signer *k = rfc_signer();
    assert_int_equal(
        envoi_dkim_signer_set_canonicalization(k, ENVOI_DKIM_SIMPLE, ENVOI_DKIM_SIMPLE), 0);
    assert_int_equal(
        envoi_dkim_signer_set_headers(k, "From:To : Subject:subject:X-Absent:x-absent"), 0);
    assert_int_equal(envoi_dkim_signer_set_body_length(k, true), 0);
    assert_int_equal(envoi_dkim_signer_set_expiry(k, 3600), 0);
    assert_int_equal(envoi_dkim_signer_set_identity(k, "joe@mail.football.example.com"), 0);
    char *field = NULL;
    assert_int_equal(envoi_dkim_sign(k, rfc_message, strlen(rfc_message), &field, NULL), 0);
    assert_folded(field);
    char *flat = unfold(field);
    assert_non_null(strstr(flat, ";c=simple/simple;"));
    assert_non_null(strstr(flat, ";t=1528637909;x=1528641509;i=joe@mail.football.example.com;"
                                 "l=55;h=from:to:subject:subject;bh="));
    free(flat);
    free(field);
    envoi_dkim_signer_free(k);
}

static void pieces_give_the_same_field(void **state)
{
    (void)state;
    envoi_dkim_signer *k = rfc_signer();
    char *whole = NULL;
    size_t len = strlen(rfc_message);
    assert_int_equal(envoi_dkim_sign(k, rfc_message, len, &whole, NULL), 0);
    for (size_t cut = 0; cut <= len; cut++) {
        for (size_t cut2 = cut; cut2 <= len; cut2 += 7) {
            envoi_dkim_sign_state *st = envoi_dkim_sign_begin(k);
            assert_non_null(st);
            assert_int_equal(envoi_dkim_sign_update(st, rfc_message, cut), 0);
            assert_int_equal(envoi_dkim_sign_update(st, rfc_message + cut, cut2 - cut), 0);
            assert_int_equal(envoi_dkim_sign_update(st, rfc_message + cut2, len - cut2), 0);
            char *field = NULL;
            assert_int_equal(envoi_dkim_sign_finish(st, &field, NULL), 0);
            assert_string_equal(field, whole);
            free(field);
        }
    }
    envoi_dkim_sign_abort(envoi_dkim_sign_begin(k));
    free(whole);
    envoi_dkim_signer_free(k);
}

static void bare_lf_signs_like_crlf(void **state)
{
    (void)state;
    envoi_dkim_signer *k = rfc_signer();
    char lf[sizeof rfc_message];
    size_t n = 0;
    for (const char *p = rfc_message; *p; p++)
        if (*p != '\r')
            lf[n++] = *p;
    char *a = NULL, *b = NULL;
    assert_int_equal(envoi_dkim_sign(k, rfc_message, strlen(rfc_message), &a, NULL), 0);
    assert_int_equal(envoi_dkim_sign(k, lf, n, &b, NULL), 0);
    assert_string_equal(a, b);
    free(a);
    free(b);
    envoi_dkim_signer_free(k);
}

typedef struct {
    envoi_dkim_signer *k;
    const char *expected;
    int mismatches;
} thread_job;

static void *sign_many(void *arg)
{
    thread_job *job = arg;
    for (int i = 0; i < 50; i++) {
        char *field = NULL;
        if (envoi_dkim_sign(job->k, rfc_message, strlen(rfc_message), &field, NULL) != 0 ||
            strcmp(field, job->expected) != 0)
            job->mismatches++;
        free(field);
    }
    return NULL;
}

static void threads_share_a_signer(void **state)
{
    (void)state;
    envoi_dkim_signer *k = rfc_signer();
    char *expected = NULL;
    assert_int_equal(envoi_dkim_sign(k, rfc_message, strlen(rfc_message), &expected, NULL), 0);
    pthread_t t[4];
    thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){k, expected, 0};
        assert_int_equal(pthread_create(&t[i], NULL, sign_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(jobs[i].mismatches, 0);
    }
    free(expected);
    envoi_dkim_signer_free(k);
}

static void refuses_messages_without_one_from(void **state)
{
    (void)state;
    envoi_dkim_signer *k = rfc_signer();
    char *field = NULL;
    const char *none = "To: a@b\r\n\r\nhi\r\n";
    assert_int_equal(envoi_dkim_sign(k, none, strlen(none), &field, NULL), ENVOI_EINVAL);
    assert_null(field);
    assert_non_null(strstr(envoi_dkim_signer_error(k)->text, "no From"));
    const char *two = "From: a@b\r\nFrom: c@d\r\n\r\nhi\r\n";
    assert_int_equal(envoi_dkim_sign(k, two, strlen(two), &field, NULL), ENVOI_EINVAL);
    assert_non_null(strstr(envoi_dkim_signer_error(k)->text, "2 From"));
    envoi_dkim_signer_free(k);
}

static void refuses_bad_settings(void **state)
{
    (void)state;
    envoi_dkim_signer *k = envoi_dkim_signer_new();
    char *field = NULL;
    assert_int_equal(envoi_dkim_sign(k, rfc_message, strlen(rfc_message), &field, NULL),
                     ENVOI_ESTATE);
    char *pem = rfc_key_pem();
    assert_int_equal(envoi_dkim_signer_set_key_pem(k, "bad domain", "s", pem, strlen(pem)),
                     ENVOI_EINVAL);
    assert_int_equal(envoi_dkim_signer_set_key_pem(k, "example.org", "a;b", pem, strlen(pem)),
                     ENVOI_EINVAL);
    assert_int_equal(envoi_dkim_signer_set_key_pem(k, "bücher.example", "s", pem, strlen(pem)), 0);
    free(pem);
    assert_int_equal(envoi_dkim_signer_set_headers(k, "to:subject"), ENVOI_EINVAL);
    assert_non_null(strstr(envoi_dkim_signer_error(k)->text, "From"));
    assert_int_equal(envoi_dkim_signer_set_headers(k, "from::to"), ENVOI_EINVAL);
    assert_int_equal(envoi_dkim_signer_set_identity(k, "joe@example.org"), ENVOI_EINVAL);
    assert_int_equal(envoi_dkim_signer_set_identity(k, "joe@xn--bcher-kva.example"), 0);
    assert_int_equal(envoi_dkim_signer_set_identity(k, "j;oe@sub.bücher.example"), 0);
    assert_int_equal(envoi_dkim_sign(k, rfc_message, strlen(rfc_message), &field, NULL), 0);
    char *flat = unfold(field);
    assert_non_null(strstr(flat, ";d=xn--bcher-kva.example;"));
    assert_non_null(strstr(flat, "i=j=3Boe@sub.xn--bcher-kva.example;"));
    free(flat);
    free(field);
    envoi_dkim_signer_free(k);
}

static void refuses_unusable_keys(void **state)
{
    (void)state;
    envoi_dkim_signer *k = envoi_dkim_signer_new();
    EVP_PKEY *small = EVP_RSA_gen(512);
    assert_non_null(small);
    char *pem = pem_of(small);
    assert_int_equal(envoi_dkim_signer_set_key_pem(k, "example.org", "s", pem, strlen(pem)),
                     ENVOI_ECONFIG);
    assert_non_null(strstr(envoi_dkim_signer_error(k)->text, "512 bits"));
    free(pem);
    EVP_PKEY_free(small);
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    pem = pem_of(ec);
    assert_int_equal(envoi_dkim_signer_set_key_pem(k, "example.org", "s", pem, strlen(pem)),
                     ENVOI_ECONFIG);
    free(pem);
    EVP_PKEY_free(ec);
    assert_int_equal(envoi_dkim_signer_set_key_pem(k, "example.org", "s", "junk", 4),
                     ENVOI_ECONFIG);
    envoi_dkim_signer_free(k);
}

static void key_files_must_be_private(void **state)
{
    (void)state;
    char path[] = "/tmp/envoi-dkim-key-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char *pem = rfc_key_pem();
    assert_int_equal(write(fd, pem, strlen(pem)), (ssize_t)strlen(pem));
    close(fd);
    free(pem);
    envoi_dkim_signer *k = envoi_dkim_signer_new();
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(envoi_dkim_signer_set_key_file(k, "example.org", "s", path), ENVOI_EFILE);
    assert_non_null(strstr(envoi_dkim_signer_error(k)->text, "readable by group or others"));
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(envoi_dkim_signer_set_key_file(k, "example.org", "s", path), 0);
    unlink(path);
    assert_int_equal(envoi_dkim_signer_set_key_file(k, "example.org", "s", path), ENVOI_EFILE);
    envoi_dkim_signer_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc8463_body_hash_and_signature),
        cmocka_unit_test(signs_with_defaults_and_oversigning),
        cmocka_unit_test(settings_show_in_the_field),
        cmocka_unit_test(pieces_give_the_same_field),
        cmocka_unit_test(bare_lf_signs_like_crlf),
        cmocka_unit_test(threads_share_a_signer),
        cmocka_unit_test(refuses_messages_without_one_from),
        cmocka_unit_test(refuses_bad_settings),
        cmocka_unit_test(refuses_unusable_keys),
        cmocka_unit_test(key_files_must_be_private),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
