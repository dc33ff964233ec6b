/* S/MIME round trips through the library: sign (detached, opaque),
 * encrypt (GCM, CBC), sign-encrypt and encrypt-then-sign opened again with
 * the verdicts, signer, cipher and content they should give; wrong key,
 * altered content, unknown CA, expired and key file checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include "certs.h"
#include "envoi.h"

static const char message[] = "From: Ann <ann@example.org>\n"
                              "To: bob@example.org\n"
                              "Subject: round trip\n"
                              "MIME-Version: 1.0\n"
                              "Content-Type: text/plain; charset=utf-8\n"
                              "\n"
                              "Gr\xc3\xbc\xc3\x9f"
                              "e\n"
                              "plain line\n";

static envoi_smime *signer(void)
{
    envoi_smime *s = envoi_smime_new();
    assert_non_null(s);
    assert_int_equal(
        envoi_smime_set_signer_files(s, cert_path("signer.crt"), cert_path("signer.key")), 0);
    return s;
}

/* A reader: the recipient's key, the test CA. */
static envoi_smime *reader(const char *who)
{
    envoi_smime *s = envoi_smime_new();
    assert_non_null(s);
    char crt[64], key[64];
    snprintf(crt, sizeof crt, "%s.crt", who);
    snprintf(key, sizeof key, "%s.key", who);
    assert_int_equal(envoi_smime_set_signer_files(s, cert_path(crt), cert_path(key)), 0);
    assert_int_equal(envoi_smime_set_ca_file(s, cert_path("ca.crt")), 0);
    return s;
}

static void open_ok(envoi_smime *r, const char *msg, size_t len, char **out,
                    envoi_smime_report *rep)
{
    size_t n = 0;
    int rc = envoi_smime_open(r, msg, len, out, &n, rep);
    if (rc != 0)
        fail_msg("open: %s", envoi_smime_error(r)->text);
    assert_non_null(*out);
    assert_int_equal(strlen(*out), n);
}

static void detached_signature_verifies(void **state)
{
    (void)state;
    envoi_smime *s = signer();
    char *signed_msg, *inner;
    size_t len;
    assert_int_equal(envoi_smime_sign(s, message, strlen(message), 0, &signed_msg, &len), 0);
    assert_non_null(strstr(signed_msg, "Subject: round trip\r\n"));
    assert_non_null(strstr(signed_msg, "multipart/signed"));
    assert_null(strstr(signed_msg, "\xc3\xbc")); /* 7bit-safe */
    envoi_smime *r = reader("rcpt");
    envoi_smime_report rep;
    open_ok(r, signed_msg, len, &inner, &rep);
    assert_int_equal(rep.signature, ENVOI_SMIME_VALID);
    assert_false(rep.opaque);
    assert_false(rep.encrypted);
    assert_string_equal(rep.signer_email, "signer@example.org");
    assert_non_null(strstr(rep.signer_subject, "CN=signer test"));
    assert_string_equal(rep.reason, "");
    assert_non_null(strstr(inner, "Subject: round trip\r\n"));
    assert_non_null(strstr(inner, "Content-Transfer-Encoding: quoted-printable\r\n"));
    assert_non_null(strstr(inner, "Gr=C3=BC=C3=9Fe\r\nplain line\r\n"));
    envoi_smime_report_clear(&rep);
    free(inner);
    free(signed_msg);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void opaque_signature_verifies(void **state)
{
    (void)state;
    envoi_smime *s = signer();
    char *msg, *inner;
    size_t len;
    assert_int_equal(envoi_smime_sign(s, message, strlen(message), ENVOI_SMIME_OPAQUE, &msg, &len),
                     0);
    assert_non_null(strstr(msg, "smime-type=signed-data"));
    envoi_smime *r = reader("rcpt");
    envoi_smime_report rep;
    open_ok(r, msg, len, &inner, &rep);
    assert_int_equal(rep.signature, ENVOI_SMIME_VALID);
    assert_true(rep.opaque);
    assert_non_null(strstr(inner, "plain line\r\n"));
    envoi_smime_report_clear(&rep);
    free(inner);
    free(msg);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void encrypt_round_trip(const char *cipher, const char *smime_type)
{
    envoi_smime *s = envoi_smime_new();
    assert_int_equal(envoi_smime_add_recipient_file(s, cert_path("rcpt.crt")), 0);
    assert_int_equal(envoi_smime_set_cipher(s, cipher), 0);
    char *msg, *inner;
    size_t len;
    assert_int_equal(envoi_smime_encrypt(s, message, strlen(message), &msg, &len), 0);
    assert_non_null(strstr(msg, smime_type));
    assert_null(strstr(msg, "plain line"));
    envoi_smime *r = reader("rcpt");
    envoi_smime_report rep;
    open_ok(r, msg, len, &inner, &rep);
    assert_true(rep.encrypted);
    assert_true(rep.decrypted);
    assert_int_equal(rep.signature, ENVOI_SMIME_NONE);
    assert_string_equal(rep.cipher, cipher);
    assert_non_null(strstr(inner, "Gr\xc3\xbc\xc3\x9f"
                                  "e\r\nplain line\r\n"));
    assert_non_null(strstr(inner, "To: bob@example.org\r\n"));
    envoi_smime_report_clear(&rep);
    free(inner);
    free(msg);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void gcm_gives_auth_enveloped_data(void **state)
{
    (void)state;
    encrypt_round_trip("aes-256-gcm", "smime-type=authEnveloped-data");
    encrypt_round_trip("aes-128-gcm", "smime-type=authEnveloped-data");
}

static void cbc_gives_enveloped_data(void **state)
{
    (void)state;
    encrypt_round_trip("aes-256-cbc", "smime-type=enveloped-data");
    encrypt_round_trip("aes-128-cbc", "smime-type=enveloped-data");
}

static void unknown_cipher_refused(void **state)
{
    (void)state;
    envoi_smime *s = envoi_smime_new();
    assert_int_equal(envoi_smime_set_cipher(s, "des-ede3-cbc"), ENVOI_EINVAL);
    envoi_smime_free(s);
}

static void sign_encrypt_opens_both_layers(void **state)
{
    (void)state;
    envoi_smime *s = signer();
    assert_int_equal(envoi_smime_add_recipient_file(s, cert_path("rcpt.crt")), 0);
    char *msg, *inner;
    size_t len;
    assert_int_equal(envoi_smime_sign_encrypt(s, message, strlen(message), 0, &msg, &len), 0);
    envoi_smime *r = reader("rcpt");
    envoi_smime_report rep;
    open_ok(r, msg, len, &inner, &rep);
    assert_true(rep.decrypted);
    assert_int_equal(rep.signature, ENVOI_SMIME_VALID);
    assert_string_equal(rep.signer_email, "signer@example.org");
    assert_non_null(strstr(inner, "Gr=C3=BC=C3=9Fe"));
    envoi_smime_report_clear(&rep);
    free(inner);
    /* encrypted to self too: the signer reads it with its own key */
    envoi_smime *me = reader("signer");
    open_ok(me, msg, len, &inner, &rep);
    assert_true(rep.decrypted);
    envoi_smime_report_clear(&rep);
    free(inner);
    free(msg);
    envoi_smime_free(me);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void encrypted_inside_signed_opens(void **state)
{
    (void)state;
    envoi_smime *e = envoi_smime_new();
    assert_int_equal(envoi_smime_add_recipient_file(e, cert_path("rcpt.crt")), 0);
    char *enc, *both, *inner;
    size_t elen, blen;
    assert_int_equal(envoi_smime_encrypt(e, message, strlen(message), &enc, &elen), 0);
    envoi_smime *s = signer();
    assert_int_equal(envoi_smime_sign(s, enc, elen, 0, &both, &blen), 0);
    envoi_smime *r = reader("rcpt");
    envoi_smime_report rep;
    open_ok(r, both, blen, &inner, &rep);
    assert_int_equal(rep.signature, ENVOI_SMIME_VALID);
    assert_true(rep.encrypted);
    assert_true(rep.decrypted);
    assert_non_null(strstr(inner, "plain line\r\n"));
    envoi_smime_report_clear(&rep);
    free(inner);
    free(both);
    free(enc);
    envoi_smime_free(r);
    envoi_smime_free(s);
    envoi_smime_free(e);
}

static void wrong_key_is_econfig(void **state)
{
    (void)state;
    envoi_smime *s = envoi_smime_new();
    assert_int_equal(envoi_smime_add_recipient_file(s, cert_path("rcpt.crt")), 0);
    char *msg, *inner = (char *)"x";
    size_t len, n;
    assert_int_equal(envoi_smime_encrypt(s, message, strlen(message), &msg, &len), 0);
    envoi_smime *r = reader("stranger");
    envoi_smime_report rep;
    assert_int_equal(envoi_smime_open(r, msg, len, &inner, &n, &rep), ENVOI_ECONFIG);
    assert_null(inner);
    assert_true(rep.encrypted);
    assert_false(rep.decrypted);
    assert_string_equal(rep.cipher, "aes-256-gcm");
    envoi_smime_report_clear(&rep);
    /* and with no key at all */
    envoi_smime *none = envoi_smime_new();
    assert_int_equal(envoi_smime_open(none, msg, len, &inner, &n, &rep), ENVOI_ECONFIG);
    assert_true(rep.encrypted);
    envoi_smime_report_clear(&rep);
    free(msg);
    envoi_smime_free(none);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void verdict_of(envoi_smime *r, const char *msg, size_t len, envoi_smime_verdict want,
                       const char *reason_part)
{
    char *inner;
    envoi_smime_report rep;
    open_ok(r, msg, len, &inner, &rep);
    assert_int_equal(rep.signature, want);
    if (reason_part && !strstr(rep.reason, reason_part))
        fail_msg("reason '%s' lacks '%s'", rep.reason, reason_part);
    envoi_smime_report_clear(&rep);
    free(inner);
}

static void altered_content_is_bad(void **state)
{
    (void)state;
    envoi_smime *s = signer();
    char *msg;
    size_t len;
    assert_int_equal(envoi_smime_sign(s, message, strlen(message), 0, &msg, &len), 0);
    char *p = strstr(msg, "plain line");
    assert_non_null(p);
    p[0] = 'P';
    envoi_smime *r = reader("rcpt");
    verdict_of(r, msg, len, ENVOI_SMIME_BAD, "does not verify");
    free(msg);
    /* opaque: a byte of the signed content changed inside the DER */
    assert_int_equal(envoi_smime_sign(s, message, strlen(message), ENVOI_SMIME_OPAQUE, &msg, &len),
                     0);
    envoi_smime_report rep;
    char *inner;
    size_t n;
    /* cut the base64 short: malformed structure */
    char *body = strstr(msg, "\r\n\r\n");
    body[200] = '\0';
    assert_int_equal(envoi_smime_open(r, msg, strlen(msg), &inner, &n, &rep), ENVOI_EFORMAT);
    free(msg);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void unknown_ca_is_untrusted(void **state)
{
    (void)state;
    envoi_smime *s = envoi_smime_new();
    assert_int_equal(
        envoi_smime_set_signer_files(s, cert_path("stranger.crt"), cert_path("stranger.key")), 0);
    char *msg;
    size_t len;
    assert_int_equal(envoi_smime_sign(s, message, strlen(message), 0, &msg, &len), 0);
    envoi_smime *r = reader("rcpt");
    verdict_of(r, msg, len, ENVOI_SMIME_UNTRUSTED, "local issuer");
    free(msg);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void expired_cert_is_untrusted(void **state)
{
    (void)state;
    envoi_smime *s = envoi_smime_new();
    assert_int_equal(
        envoi_smime_set_signer_files(s, cert_path("expired.crt"), cert_path("expired.key")), 0);
    char *msg;
    size_t len;
    assert_int_equal(envoi_smime_sign(s, message, strlen(message), 0, &msg, &len), 0);
    envoi_smime *r = reader("rcpt");
    verdict_of(r, msg, len, ENVOI_SMIME_UNTRUSTED, "expired");
    free(msg);
    /* a valid certificate verified two years from now has expired */
    envoi_smime *g = signer();
    assert_int_equal(envoi_smime_sign(g, message, strlen(message), 0, &msg, &len), 0);
    envoi_smime_set_time(r, time(NULL) + 2 * 366 * 86400);
    verdict_of(r, msg, len, ENVOI_SMIME_UNTRUSTED, "expired");
    free(msg);
    envoi_smime_free(g);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void key_file_others_can_read_is_refused(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/open.key", certs_dir);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", cert_path("signer.key"), path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(chmod(path, 0644), 0);
    envoi_smime *s = envoi_smime_new();
    assert_int_equal(envoi_smime_set_signer_files(s, cert_path("signer.crt"), path), ENVOI_EFILE);
    assert_non_null(strstr(envoi_smime_error(s)->text, path));
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(envoi_smime_set_signer_files(s, cert_path("signer.crt"), path), ENVOI_EFILE);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(envoi_smime_set_signer_files(s, cert_path("signer.crt"), path), 0);
    /* a key that is not the certificate's */
    assert_int_equal(
        envoi_smime_set_signer_files(s, cert_path("signer.crt"), cert_path("rcpt.key")),
        ENVOI_ECONFIG);
    envoi_smime_free(s);
}

static void pkcs12_with_password(void **state)
{
    (void)state;
    envoi_smime *s = envoi_smime_new();
    assert_int_equal(envoi_smime_set_signer_pkcs12(s, cert_path("signer.p12"), "wrong"),
                     ENVOI_ECONFIG);
    assert_int_equal(envoi_smime_set_signer_pkcs12(s, cert_path("signer.p12"), "p12 secret"), 0);
    char *msg;
    size_t len;
    assert_int_equal(envoi_smime_sign(s, message, strlen(message), 0, &msg, &len), 0);
    envoi_smime *r = reader("rcpt");
    verdict_of(r, msg, len, ENVOI_SMIME_VALID, NULL);
    free(msg);
    envoi_smime_free(r);
    envoi_smime_free(s);
}

static void plain_message_comes_back_unchanged(void **state)
{
    (void)state;
    envoi_smime *r = reader("rcpt");
    char *out;
    size_t n;
    envoi_smime_report rep;
    assert_int_equal(envoi_smime_open(r, message, strlen(message), &out, &n, &rep), 0);
    assert_int_equal(n, strlen(message));
    assert_memory_equal(out, message, n);
    assert_int_equal(rep.signature, ENVOI_SMIME_NONE);
    assert_false(rep.encrypted);
    assert_string_equal(envoi_smime_verdict_name(rep.signature), "none");
    envoi_smime_report_clear(&rep);
    free(out);
    envoi_smime_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detached_signature_verifies),
        cmocka_unit_test(opaque_signature_verifies),
        cmocka_unit_test(gcm_gives_auth_enveloped_data),
        cmocka_unit_test(cbc_gives_enveloped_data),
        cmocka_unit_test(unknown_cipher_refused),
        cmocka_unit_test(sign_encrypt_opens_both_layers),
        cmocka_unit_test(encrypted_inside_signed_opens),
        cmocka_unit_test(wrong_key_is_econfig),
        cmocka_unit_test(altered_content_is_bad),
        cmocka_unit_test(unknown_ca_is_untrusted),
        cmocka_unit_test(expired_cert_is_untrusted),
        cmocka_unit_test(key_file_others_can_read_is_refused),
        cmocka_unit_test(pkcs12_with_password),
        cmocka_unit_test(plain_message_comes_back_unchanged),
    };
    return cmocka_run_group_tests(tests, make_certs, remove_certs);
}
