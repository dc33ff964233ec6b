/* SASL mechanisms against known answers, and the choice of mechanism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "envoi/error.h"
#include "proto/sasl.h"

static void plain_response_is_nul_user_nul_password(void **state)
{
    envoi_buf raw = ENVOI_BUF_INIT;
    assert_int_equal(envoi_sasl_plain_response("tim", "tanstaaf", &raw), 0);
    assert_int_equal(raw.len, 13);
    assert_memory_equal(raw.data, "\0tim\0tanstaaf", 13);
    envoi_buf_free(&raw);
}

static void plain_initial_response_is_base64(void **state)
{
    envoi_sasl_creds c = {.user = "alice", .password = "secret"};
    envoi_sasl *s;
    assert_int_equal(envoi_sasl_new(&s, "plain", &c), 0);
    assert_string_equal(envoi_sasl_name(s), "PLAIN");
    envoi_buf out = ENVOI_BUF_INIT;
    bool has;
    assert_int_equal(envoi_sasl_initial(s, &out, &has), 0);
    assert_true(has);
    assert_string_equal(out.data, "AGFsaWNlAHNlY3JldA==");
    envoi_buf_free(&out);
    envoi_sasl_free(s);
}

static void cram_md5_matches_rfc_2195(void **state)
{
    envoi_sasl_creds c = {.user = "tim", .password = "tanstaaftanstaaf"};
    envoi_sasl *s;
    assert_int_equal(envoi_sasl_new(&s, "CRAM-MD5", &c), 0);
    envoi_buf out = ENVOI_BUF_INIT;
    bool has;
    assert_int_equal(envoi_sasl_initial(s, &out, &has), 0);
    assert_false(has);
    const char *chal = "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+";
    assert_int_equal(envoi_sasl_step(s, chal, strlen(chal), &out), 0);
    assert_string_equal(out.data, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
    envoi_buf raw = ENVOI_BUF_INIT;
    const char *plain = "<1896.697170952@postoffice.reston.mci.net>";
    envoi_sasl_cram_md5_response("tim", "tanstaaftanstaaf", (const unsigned char *)plain,
                                 strlen(plain), &raw);
    assert_string_equal(raw.data, "tim b913a602c7eda7a495b4e6e7334d3890");
    envoi_buf_free(&raw);
    envoi_buf_free(&out);
    envoi_sasl_free(s);
}

static void login_answers_user_then_password(void **state)
{
    envoi_sasl_creds c = {.user = "alice", .password = "secret"};
    envoi_sasl *s;
    assert_int_equal(envoi_sasl_new(&s, "LOGIN", &c), 0);
    envoi_buf out = ENVOI_BUF_INIT;
    assert_int_equal(envoi_sasl_step(s, "VXNlcm5hbWU6", 12, &out), 0);
    assert_string_equal(out.data, "YWxpY2U=");
    envoi_buf_clear(&out);
    assert_int_equal(envoi_sasl_step(s, "UGFzc3dvcmQ6", 12, &out), 0);
    assert_string_equal(out.data, "c2VjcmV0");
    envoi_buf_clear(&out);
    assert_int_equal(envoi_sasl_step(s, "", 0, &out), ENVOI_EPROTOCOL);
    envoi_buf_free(&out);
    envoi_sasl_free(s);
}

static void xoauth2_response_is_exact(void **state)
{
    envoi_buf raw = ENVOI_BUF_INIT;
    envoi_sasl_xoauth2_response("someuser@example.com",
                                "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg", &raw);
    assert_string_equal(raw.data, "user=someuser@example.com\001auth=Bearer "
                                  "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\001\001");
    envoi_buf_free(&raw);
}

static void xoauth2_error_challenge_gets_an_empty_answer(void **state)
{
    envoi_sasl_creds c = {.user = "u@example.com", .token = "tok"};
    envoi_sasl *s;
    assert_int_equal(envoi_sasl_new(&s, "XOAUTH2", &c), 0);
    envoi_buf out = ENVOI_BUF_INIT;
    bool has;
    assert_int_equal(envoi_sasl_initial(s, &out, &has), 0);
    assert_true(has);
    envoi_buf_clear(&out);
    /* {"status":"401"} */
    assert_int_equal(envoi_sasl_step(s, "eyJzdGF0dXMiOiI0MDEifQ==", 24, &out), 0);
    assert_int_equal(out.len, 0);
    envoi_buf_free(&out);
    envoi_sasl_free(s);
}

static void oauthbearer_response_matches_rfc_7628(void **state)
{
    envoi_buf raw = ENVOI_BUF_INIT;
    envoi_sasl_oauthbearer_response(
        "user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143,
        &raw);
    assert_string_equal(raw.data, "n,a=user@example.com,\001host=server.example.com\001port=143\001"
                                  "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\001\001");
    envoi_buf_clear(&raw);
    envoi_sasl_oauthbearer_response("a,b=c", "t", "", 0, &raw);
    assert_string_equal(raw.data, "n,a=a=2Cb=3Dc,\001auth=Bearer t\001\001");
    envoi_buf_free(&raw);
}

static void strongest_common_mechanism_is_chosen(void **state)
{
    assert_string_equal(envoi_sasl_choose("LOGIN PLAIN CRAM-MD5", NULL, true, false), "CRAM-MD5");
    assert_string_equal(envoi_sasl_choose("login plain", NULL, true, false), "PLAIN");
    assert_string_equal(envoi_sasl_choose("LOGIN", NULL, true, false), "LOGIN");
    assert_null(envoi_sasl_choose("XOAUTH2 OAUTHBEARER", NULL, true, false));
    assert_string_equal(envoi_sasl_choose("PLAIN XOAUTH2 OAUTHBEARER", NULL, false, true),
                        "OAUTHBEARER");
    assert_string_equal(envoi_sasl_choose("PLAIN XOAUTH2", NULL, false, true), "XOAUTH2");
    assert_null(envoi_sasl_choose("PLAIN", NULL, false, true));
    assert_null(envoi_sasl_choose("GSSAPI NTLM", NULL, true, true));
    assert_null(envoi_sasl_choose("", NULL, true, false));
}

static void named_mechanism_is_used_only_when_offered(void **state)
{
    assert_string_equal(envoi_sasl_choose("PLAIN LOGIN CRAM-MD5", "login", true, false), "LOGIN");
    assert_null(envoi_sasl_choose("PLAIN", "CRAM-MD5", true, false));
    assert_null(envoi_sasl_choose("PLAIN", "KERBEROS", true, false));
}

static void missing_credentials_or_unknown_mechanism_are_einval(void **state)
{
    envoi_sasl *s;
    envoi_sasl_creds nopass = {.user = "u"};
    assert_int_equal(envoi_sasl_new(&s, "PLAIN", &nopass), ENVOI_EINVAL);
    assert_int_equal(envoi_sasl_new(&s, "OAUTHBEARER", &nopass), ENVOI_EINVAL);
    envoi_sasl_creds full = {.user = "u", .password = "p"};
    assert_int_equal(envoi_sasl_new(&s, "GSSAPI", &full), ENVOI_EINVAL);
    assert_null(s);
}

static void bad_base64_challenge_is_eprotocol(void **state)
{
    envoi_sasl_creds c = {.user = "tim", .password = "p"};
    envoi_sasl *s;
    assert_int_equal(envoi_sasl_new(&s, "CRAM-MD5", &c), 0);
    envoi_buf out = ENVOI_BUF_INIT;
    assert_int_equal(envoi_sasl_step(s, "not base64!", 11, &out), ENVOI_EPROTOCOL);
    assert_int_equal(envoi_sasl_step(s, "abc", 3, &out), ENVOI_EPROTOCOL);
    envoi_buf_free(&out);
    envoi_sasl_free(s);
}

static void base64_round_trips(void **state)
{
    const char *samples[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        envoi_buf e = ENVOI_BUF_INIT, d = ENVOI_BUF_INIT;
        assert_int_equal(envoi_sasl_b64_encode(samples[i], strlen(samples[i]), &e), 0);
        assert_string_equal(e.data ? e.data : "", encoded[i]);
        assert_int_equal(envoi_sasl_b64_decode(encoded[i], strlen(encoded[i]), &d), 0);
        assert_int_equal(d.len, strlen(samples[i]));
        assert_memory_equal(d.data ? d.data : "", samples[i], d.len);
        envoi_buf_free(&e);
        envoi_buf_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_response_is_nul_user_nul_password),
        cmocka_unit_test(plain_initial_response_is_base64),
        cmocka_unit_test(cram_md5_matches_rfc_2195),
        cmocka_unit_test(login_answers_user_then_password),
        cmocka_unit_test(xoauth2_response_is_exact),
        cmocka_unit_test(xoauth2_error_challenge_gets_an_empty_answer),
        cmocka_unit_test(oauthbearer_response_matches_rfc_7628),
        cmocka_unit_test(strongest_common_mechanism_is_chosen),
        cmocka_unit_test(named_mechanism_is_used_only_when_offered),
        cmocka_unit_test(missing_credentials_or_unknown_mechanism_are_einval),
        cmocka_unit_test(bad_base64_challenge_is_eprotocol),
        cmocka_unit_test(base64_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
