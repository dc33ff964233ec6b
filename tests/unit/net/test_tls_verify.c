/* Certificate verification: a good chain verifies; a wrong name, an expired,
 * a self-signed and a revoked certificate are each refused, and each is
 * accepted by its own relaxation only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "envoi/tls.h"
#include "net/conn.h"
#include "net_fixture.c"

static test_pki pki;

static int make_pki(void **state)
{
    (void)state;
    test_pki_make(&pki);
    return 0;
}

static int free_pki(void **state)
{
    (void)state;
    test_pki_free(&pki);
    return 0;
}

/* Connect to a TLS server presenting cert; on success the greeting sent over
 * TLS must be read back. Returns start_tls's code, err filled. */
static int try_tls(X509 *cert, const char *host, const envoi_tls_config *cfg, envoi_error *err)
{
    test_tls_server server = {.cert = cert, .key = pki.key, .greeting = "220 secure\r\n"};
    test_peer peer;
    test_peer_start(&peer, test_tls_server_run, &server);
    envoi_conn *c = NULL;
    memset(err, 0, sizeof *err);
    assert_int_equal(envoi_conn_open(&c, host, peer.port, 5000, 5000, err), 0);
    int rc = envoi_conn_start_tls(c, cfg, err);
    assert_int_equal(envoi_conn_is_tls(c), rc == 0);
    if (rc == 0) {
        const char *line;
        size_t len;
        assert_int_equal(envoi_conn_read_line(c, &line, &len, 100, err), 0);
        assert_int_equal(len, 10);
        assert_memory_equal(line, "220 secure", 10);
    }
    envoi_conn_close(c);
    test_peer_join(&peer);
    free(server.received.data);
    return rc;
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

static const int single_flags[] = {ENVOI_IGNORE_CERT_UNTRUSTED, ENVOI_IGNORE_CERT_NAME,
                                   ENVOI_IGNORE_CERT_EXPIRED, ENVOI_IGNORE_CERT_REVOCATION};

/* Refused with no relaxation and with each of the others; accepted with
 * `accepted_by` and with all of them. */
static void assert_accepted_only_by(X509 *cert, const char *host, const char *crl_file,
                                    int accepted_by, const char *reason, const char *word)
{
    envoi_error err;
    envoi_tls_config cfg = {.ca_file = pki.ca_file, .crl_file = crl_file};
    assert_int_equal(try_tls(cert, host, &cfg, &err), ENVOI_ECERT);
    assert_int_equal(err.code, ENVOI_ECERT);
    assert_contains(err.text, host);
    assert_contains(err.text, reason);
    assert_contains(err.text, word);
    for (size_t i = 0; i < sizeof single_flags / sizeof single_flags[0]; i++) {
        cfg.ignore = single_flags[i];
        int rc = try_tls(cert, host, &cfg, &err);
        if (single_flags[i] == accepted_by && rc != 0)
            fail_msg("relaxation %d did not accept: %s", single_flags[i], err.text);
        if (single_flags[i] != accepted_by)
            assert_int_equal(rc, ENVOI_ECERT);
    }
    cfg.ignore = envoi_ignore_cert_parse("all");
    assert_int_equal(try_tls(cert, host, &cfg, &err), 0);
}

static void test_good_certificate_verifies_against_ca_file(void **state)
{
    (void)state;
    envoi_error err;
    envoi_tls_config cfg = {.ca_file = pki.ca_file};
    int rc = try_tls(pki.good, "127.0.0.1", &cfg, &err);
    if (rc != 0)
        fail_msg("%s", err.text);
    rc = try_tls(pki.good, "localhost", &cfg, &err);
    if (rc != 0)
        fail_msg("%s", err.text);
}

static void test_good_certificate_verifies_with_crl_checking(void **state)
{
    (void)state;
    envoi_error err;
    envoi_tls_config cfg = {.ca_file = pki.ca_file, .crl_file = pki.crl_file};
    int rc = try_tls(pki.good, "localhost", &cfg, &err);
    if (rc != 0)
        fail_msg("%s", err.text);
}

static void test_unknown_ca_is_untrusted_without_ca_file(void **state)
{
    (void)state;
    envoi_error err;
    envoi_tls_config cfg = {0}; /* the system store does not know the test CA */
    assert_int_equal(try_tls(pki.good, "localhost", &cfg, &err), ENVOI_ECERT);
    assert_contains(err.text, "'invalid'");
    cfg.ignore = ENVOI_IGNORE_CERT_UNTRUSTED;
    assert_int_equal(try_tls(pki.good, "localhost", &cfg, &err), 0);
}

static void test_wrong_name_is_accepted_only_when_names_are_ignored(void **state)
{
    (void)state;
    assert_accepted_only_by(pki.wrong_name, "localhost", NULL, ENVOI_IGNORE_CERT_NAME,
                            "hostname mismatch", "'name'");
    assert_accepted_only_by(pki.wrong_name, "127.0.0.1", NULL, ENVOI_IGNORE_CERT_NAME,
                            "IP address mismatch", "'name'");
}

static void test_expired_is_accepted_only_when_expiry_is_ignored(void **state)
{
    (void)state;
    assert_accepted_only_by(pki.expired, "127.0.0.1", NULL, ENVOI_IGNORE_CERT_EXPIRED,
                            "certificate has expired", "'expired'");
}

static void test_self_signed_is_accepted_only_when_trust_is_ignored(void **state)
{
    (void)state;
    assert_accepted_only_by(pki.self_signed, "localhost", NULL, ENVOI_IGNORE_CERT_UNTRUSTED,
                            "self-signed", "'invalid'");
}

static void test_revoked_is_accepted_only_when_revocation_is_ignored(void **state)
{
    (void)state;
    assert_accepted_only_by(pki.revoked, "localhost", pki.crl_file, ENVOI_IGNORE_CERT_REVOCATION,
                            "revoked", "'revocation'");
}

static void test_revoked_passes_when_no_crl_is_given(void **state)
{
    (void)state;
    envoi_error err;
    envoi_tls_config cfg = {.ca_file = pki.ca_file};
    assert_int_equal(try_tls(pki.revoked, "localhost", &cfg, &err), 0);
}

static void test_missing_ca_or_crl_file_is_a_file_error(void **state)
{
    (void)state;
    envoi_error err;
    envoi_tls_config cfg = {.ca_file = "/nonexistent/ca.pem"};
    assert_int_equal(try_tls(pki.good, "localhost", &cfg, &err), ENVOI_EFILE);
    assert_contains(err.text, "/nonexistent/ca.pem");
    envoi_tls_config crl = {.ca_file = pki.ca_file, .crl_file = "/nonexistent/crl.pem"};
    assert_int_equal(try_tls(pki.good, "localhost", &crl, &err), ENVOI_EFILE);
    assert_contains(err.text, "/nonexistent/crl.pem");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_certificate_verifies_against_ca_file),
        cmocka_unit_test(test_good_certificate_verifies_with_crl_checking),
        cmocka_unit_test(test_unknown_ca_is_untrusted_without_ca_file),
        cmocka_unit_test(test_wrong_name_is_accepted_only_when_names_are_ignored),
        cmocka_unit_test(test_expired_is_accepted_only_when_expiry_is_ignored),
        cmocka_unit_test(test_self_signed_is_accepted_only_when_trust_is_ignored),
        cmocka_unit_test(test_revoked_is_accepted_only_when_revocation_is_ignored),
        cmocka_unit_test(test_revoked_passes_when_no_crl_is_given),
        cmocka_unit_test(test_missing_ca_or_crl_file_is_a_file_error),
    };
    return cmocka_run_group_tests(tests, make_pki, free_pki);
}
