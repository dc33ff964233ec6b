/* Key records: RSA (SubjectPublicKeyInfo, or a bare RSAPublicKey) and
 * Ed25519 keys read, the flags t=y and t=s, a revoked key (empty p=), and
 * every record that cannot serve refused with the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dkim/keyrec.h"
#include "verify_data.h"

static int parse(const char *text, dkim_keyrec *k, char *why)
{
    return dkim_keyrec_parse(text, strlen(text), k, why);
}

static void test_rsa_record(void **state)
{
    (void)state;
    char *r = dkim_record("rsa.txt");
    dkim_keyrec k;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse(r, &k, why), 0);
    assert_int_equal(k.type, DKIM_KEY_RSA);
    assert_int_equal(k.bits, 2048);
    assert_false(k.revoked);
    assert_false(k.testing);
    assert_non_null(k.key);
    dkim_keyrec_free(&k);
    free(r);
}

static void test_rsa_pkcs1_record(void **state)
{
    (void)state;
    char *r = dkim_record("rsa_pkcs1.txt");
    dkim_keyrec k;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse(r, &k, why), 0);
    assert_int_equal(k.bits, 2048);
    dkim_keyrec_free(&k);
    free(r);
}

static void test_ed25519_record(void **state)
{
    (void)state;
    char *r = dkim_record("ed.txt");
    dkim_keyrec k;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse(r, &k, why), 0);
    assert_int_equal(k.type, DKIM_KEY_ED25519);
    assert_non_null(k.key);
    dkim_keyrec_free(&k);
    free(r);
}

/* Folding inside p= and flags; unknown tags ignored. */
static void test_folded_record_and_flags(void **state)
{
    (void)state;
    dkim_keyrec k;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse("v=DKIM1; k=ed25519; t=y:s; g=*; n=note; h=sha1:sha256; s=email:x;"
                           " p=11qYAYKxCrfVS/7TyWQH\r\n Og7hcvPapiMlrwIaaPcHURo=",
                           &k, why),
                     0);
    assert_true(k.testing);
    assert_true(k.strict);
    dkim_keyrec_free(&k);
}

static void test_empty_p_is_revoked(void **state)
{
    (void)state;
    dkim_keyrec k;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse("v=DKIM1; k=rsa; p=", &k, why), 0);
    assert_true(k.revoked);
    assert_null(k.key);
    assert_int_equal(parse("p= ;", &k, why), 0);
    assert_true(k.revoked);
}

static void assert_refused(const char *text, const char *reason_part)
{
    dkim_keyrec k;
    char why[DKIM_TAGS_WHY_SIZE];
    assert_int_equal(parse(text, &k, why), ENVOI_EFORMAT);
    assert_null(k.key);
    if (!strstr(why, reason_part))
        fail_msg("'%.60s': reason '%s' lacks '%s'", text, why, reason_part);
}

static void test_unusable_records_refused(void **state)
{
    (void)state;
    const char *ed = "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    char buf[256];
    snprintf(buf, sizeof buf, "v=DKIM2; k=ed25519; %s", ed);
    assert_refused(buf, "not DKIM1");
    snprintf(buf, sizeof buf, "k=ed25519; v=DKIM1; %s", ed);
    assert_refused(buf, "not the first tag");
    assert_refused("k=dsa; p=AAAA", "unknown key type k=dsa");
    snprintf(buf, sizeof buf, "k=ed25519; h=sha1; %s", ed);
    assert_refused(buf, "not for SHA-256");
    snprintf(buf, sizeof buf, "k=ed25519; s=tlsrpt; %s", ed);
    assert_refused(buf, "not for email");
    assert_refused("v=DKIM1; k=rsa", "no p= tag");
    assert_refused("p=!!!!", "not base64");
    snprintf(buf, sizeof buf, "k=rsa; %s", ed);
    assert_refused(buf, "not an RSA public key");
    assert_refused("k=ed25519; p=AAAA", "not an Ed25519 public key");
    assert_refused("k=rsa; p=a; p=b", "appears twice");
    char *small = dkim_record("rsa512.txt");
    assert_refused(small, "only 512 bits");
    free(small);
    char *rsa = dkim_record("rsa.txt");
    char *p = strstr(rsa, "p=");
    snprintf(buf, sizeof buf, "k=ed25519; %.200s", p);
    assert_refused(buf, "not an Ed25519 public key");
    free(rsa);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsa_record),         cmocka_unit_test(test_rsa_pkcs1_record),
        cmocka_unit_test(test_ed25519_record),     cmocka_unit_test(test_folded_record_and_flags),
        cmocka_unit_test(test_empty_p_is_revoked), cmocka_unit_test(test_unusable_records_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
