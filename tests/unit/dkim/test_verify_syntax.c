/* Signatures that cannot be checked: missing or malformed tags, h= without
 * From, an i= outside d=, unknown algorithms and canonicalizations, a key of
 * the wrong type or too small, no key at all, and a DNS failure
 * (temperror); each reason names the fault. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "verify_data.h"

static const char BODY_HASH[] = "bh=i+Z5BAI6XnLakI8svFw9ITQp7jL+GWAjtimgFrknsY8=";

/* The verdict on a message whose signature field has the tags given. */
static void assert_verdict(envoi_dkim_verifier *v, const char *tags, envoi_dkim_result want,
                           const char *reason_part)
{
    envoi_buf m = ENVOI_BUF_INIT;
    envoi_buf_printf(&m, "DKIM-Signature: %s\r\nFrom: a@example.com\r\nSubject: x\r\n\r\nbody\r\n",
                     tags);
    envoi_dkim_status *st = NULL;
    size_t n = 0;
    assert_int_equal(envoi_dkim_verify(v, m.data, m.len, &st, &n), 0);
    assert_int_equal(n, 1);
    if (st[0].result != want || !strstr(st[0].reason, reason_part))
        fail_msg("'%s': expected %s (%s), got %s: %s", tags, envoi_dkim_result_name(want),
                 reason_part, envoi_dkim_result_name(st[0].result), st[0].reason);
    envoi_dkim_status_free(st, n);
    envoi_buf_free(&m);
}

static void check(const char *tags, envoi_dkim_result want, const char *reason_part)
{
    envoi_dkim_verifier *v = dkim_test_verifier();
    assert_verdict(v, tags, want, reason_part);
    envoi_dkim_verifier_free(v);
}

static void test_required_tags(void **state)
{
    (void)state;
    const envoi_dkim_result P = ENVOI_DKIM_PERMERROR;
    check("a=rsa-sha256; b=AAAA; bh=x; d=example.com; h=from; s=rsa", P, "no v= tag");
    check("v=1; b=AAAA; bh=x; d=example.com; h=from; s=rsa", P, "no a= tag");
    check("v=1; a=rsa-sha256; bh=x; d=example.com; h=from; s=rsa", P, "no b= tag");
    check("v=1; a=rsa-sha256; b=AAAA; d=example.com; h=from; s=rsa", P, "no bh= tag");
    check("v=1; a=rsa-sha256; b=AAAA; bh=x; h=from; s=rsa", P, "no d= tag");
    check("v=1; a=rsa-sha256; b=AAAA; bh=x; d=example.com; s=rsa", P, "no h= tag");
    check("v=1; a=rsa-sha256; b=AAAA; bh=x; d=example.com; h=from", P, "no s= tag");
}

static void with_tags(const char *extra, envoi_dkim_result want, const char *reason_part)
{
    char tags[512];
    snprintf(tags, sizeof tags, "v=1; a=rsa-sha256; d=example.com; s=rsa; %s; b=AAAA; %s",
             BODY_HASH, extra);
    check(tags, want, reason_part);
}

static void test_bad_values(void **state)
{
    (void)state;
    const envoi_dkim_result P = ENVOI_DKIM_PERMERROR;
    check("v=2; a=rsa-sha256; b=AAAA; bh=x; d=example.com; h=from; s=rsa", P,
          "unknown signature version v=2");
    check("v=1; v=1; a=rsa-sha256", P, "appears twice");
    check("v=1; a=dsa-sha256; b=AAAA; bh=x; d=example.com; h=from; s=rsa", P,
          "unknown algorithm a=dsa-sha256");
    with_tags("h=to:subject", P, "h= does not list the From field");
    with_tags("h=from; i=user@example.org", P, "neither d= nor a subdomain");
    with_tags("h=from; i=user@badexample.com", P, "neither d= nor a subdomain");
    with_tags("h=from; i=user", P, "i= has no '@'");
    with_tags("h=from; c=loose/simple", P, "unknown canonicalization");
    with_tags("h=from; c=simple/", P, "unknown canonicalization");
    with_tags("h=from; l=12x", P, "l= is not a number");
    with_tags("h=from; q=http", P, "unknown query method");
    with_tags("h=from; t=soon", P, "t= is not a time");
    with_tags("h=from; t=200; x=100", P, "x= is earlier than t=");
    check("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=rsa", P,
          "bh= is not a base64 SHA-256 hash");
    check("v=1; a=rsa-sha256; b=!!; bh=x; d=example.com; h=from; s=rsa", P, "b= is not base64");
    check("v=1; a=rsa-sha256; b=; bh=x; d=example.com; h=from; s=rsa", P, "b= is empty");
    check("v=1; a=rsa-sha256; b=AAAA; bh=x; d=exa mple.com; h=from; s=rsa", P,
          "d= is not a domain name");
    check("v=1; a=rsa-sha256; b=AAAA; bh=x; d=example.com; h=from; s=r/sa", P,
          "s= is not a valid selector");
}

/* A subdomain i= is fine (the signature itself then fails: another body). */
static void test_subdomain_identity_accepted(void **state)
{
    (void)state;
    with_tags("h=from; i=user@mail.EXAMPLE.com", ENVOI_DKIM_FAIL, "body hash mismatch");
}

static void test_key_terms(void **state)
{
    (void)state;
    envoi_dkim_verifier *v = dkim_test_verifier();
    /* an Ed25519 key for an RSA signature */
    char tags[512];
    snprintf(tags, sizeof tags, "v=1; a=rsa-sha256; d=example.com; s=ed; %s; b=AAAA; h=from",
             BODY_HASH);
    assert_verdict(v, tags, ENVOI_DKIM_PERMERROR, "the key is Ed25519");
    /* t=s: no subdomain in i= */
    assert_int_equal(envoi_dkim_verifier_add_key(
                         v, "example.com", "strict",
                         "k=ed25519; t=s; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
                     0);
    snprintf(tags, sizeof tags,
             "v=1; a=ed25519-sha256; d=example.com; s=strict; %s; b=AAAA; h=from; "
             "i=@sub.example.com",
             BODY_HASH);
    assert_verdict(v, tags, ENVOI_DKIM_PERMERROR, "t=s");
    /* a key too small */
    dkim_add_file_key(v, "example.com", "small", "rsa512.txt");
    snprintf(tags, sizeof tags, "v=1; a=rsa-sha256; d=example.com; s=small; %s; b=AAAA; h=from",
             BODY_HASH);
    assert_verdict(v, tags, ENVOI_DKIM_PERMERROR, "only 512 bits");
    envoi_dkim_verifier_free(v);
}

/* Nothing listens at the nameserver: the key cannot be fetched now. */
static void test_dns_failure_is_temperror(void **state)
{
    (void)state;
    envoi_dkim_verifier *v = envoi_dkim_verifier_new();
    assert_int_equal(envoi_dkim_verifier_set_nameserver(v, "127.0.0.1:9"), 0);
    assert_int_equal(envoi_dkim_verifier_set_timeout(v, 1000), 0);
    char tags[512];
    snprintf(tags, sizeof tags, "v=1; a=rsa-sha256; d=example.com; s=rsa; %s; b=AAAA; h=from",
             BODY_HASH);
    assert_verdict(v, tags, ENVOI_DKIM_TEMPERROR, "rsa._domainkey.example.com TXT");
    envoi_dkim_verifier_free(v);
}

static void test_settings_checked(void **state)
{
    (void)state;
    envoi_dkim_verifier *v = envoi_dkim_verifier_new();
    assert_int_equal(envoi_dkim_verifier_set_nameserver(v, "not an address"), ENVOI_EINVAL);
    assert_int_equal(envoi_dkim_verifier_set_timeout(v, 0), ENVOI_EINVAL);
    assert_int_equal(envoi_dkim_verifier_add_key(v, "", "s", "p="), ENVOI_EINVAL);
    assert_int_equal(envoi_dkim_verifier_add_key(v, "a b", "s", "p="), ENVOI_EINVAL);
    assert_int_equal(envoi_dkim_verifier_add_key(v, "example.com", "s", NULL), ENVOI_EINVAL);
    envoi_dkim_status *st = NULL;
    size_t n = 0;
    assert_int_equal(envoi_dkim_verify(v, NULL, 5, &st, &n), ENVOI_EINVAL);
    envoi_dkim_verifier_free(v);
    assert_string_equal(envoi_dkim_result_name(ENVOI_DKIM_PASS), "pass");
    assert_string_equal(envoi_dkim_result_name(ENVOI_DKIM_FAIL), "fail");
    assert_string_equal(envoi_dkim_result_name(ENVOI_DKIM_NEUTRAL), "neutral");
    assert_string_equal(envoi_dkim_result_name(ENVOI_DKIM_TEMPERROR), "temperror");
    assert_string_equal(envoi_dkim_result_name(ENVOI_DKIM_PERMERROR), "permerror");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_required_tags),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_subdomain_identity_accepted),
        cmocka_unit_test(test_key_terms),
        cmocka_unit_test(test_dns_failure_is_temperror),
        cmocka_unit_test(test_settings_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
