/* DKIM signing on the send path (envoi_smtp_set_dkim): the DKIM-Signature
 * field comes first, the body on the wire is the source with CRLF line
 * ends, byte for byte what was signed (over DATA with dot-stuffing, over
 * BDAT, to a submitter, in a batch), and a message that cannot be signed
 * fails before any of it is sent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "envoi/dkim.h"
#include "envoi/smtp.h"
#include "smtp/batch.h"
#include "fault_server.h"
#include "util/buf.h"

static envoi_dkim_signer *signer;
static char record[128];

/* An Ed25519 key made here: the signer, and the key record to verify with. */
static int make_key(void **state)
{
    (void)state;
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    BIO *bio = BIO_new(BIO_s_mem());
    if (!key || !bio || !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL))
        return -1;
    char *pem = NULL;
    long len = BIO_get_mem_data(bio, &pem);
    signer = envoi_dkim_signer_new();
    int rc = envoi_dkim_signer_set_key_pem(signer, "example.org", "unit", pem, (size_t)len);
    unsigned char raw[32];
    size_t raw_len = sizeof raw;
    unsigned char b64[64];
    if (rc < 0 || !EVP_PKEY_get_raw_public_key(key, raw, &raw_len))
        return -1;
    EVP_EncodeBlock(b64, raw, (int)raw_len);
    snprintf(record, sizeof record, "v=DKIM1; k=ed25519; p=%s", b64);
    BIO_free(bio);
    EVP_PKEY_free(key);
    return 0;
}

static int free_key(void **state)
{
    (void)state;
    envoi_dkim_signer_free(signer);
    return 0;
}

/* The one signature of msg verifies. */
static void assert_verifies(const char *msg, size_t len)
{
    envoi_dkim_verifier *v = envoi_dkim_verifier_new();
    assert_int_equal(envoi_dkim_verifier_add_key(v, "example.org", "unit", record), 0);
    envoi_dkim_status *st = NULL;
    size_t n = 0;
    assert_int_equal(envoi_dkim_verify(v, msg, len, &st, &n), 0);
    assert_int_equal(n, 1);
    if (st[0].result != ENVOI_DKIM_PASS)
        fail_msg("signature: %s (%s)", envoi_dkim_result_name(st[0].result), st[0].reason);
    envoi_dkim_status_free(st, n);
    envoi_dkim_verifier_free(v);
}

/* A message with a signature field first, then exactly want. */
static void assert_signed_copy(const char *got, size_t len, const char *want)
{
    assert_true(len > 15 && strncmp(got, "DKIM-Signature:", 15) == 0);
    const char *end = strstr(got, "\r\nFrom:");
    assert_non_null(end);
    end += 2;
    assert_int_equal(len - (size_t)(end - got), strlen(want));
    assert_memory_equal(end, want, strlen(want));
    assert_verifies(got, len);
}

/* Bare LF, bare CR, dot lines, no line end at the end. */
static const char source[] = "From: a@example.org\nTo: b@example.net\r\nSubject: dkim\n\n"
                             ".\n..two\rcr alone\ntrailing  \n\nno newline";
static const char on_wire[] = "From: a@example.org\r\nTo: b@example.net\r\nSubject: dkim\r\n\r\n"
                              ".\r\n..two\r\ncr alone\r\ntrailing  \r\n\r\nno newline\r\n";
static const char *const rcpt[] = {"b@example.net"};

/* DATA's body with the dot-stuffing undone. */
static char *unstuff(const char *body, size_t len, size_t *out_len)
{
    char *out = malloc(len + 1);
    size_t n = 0;
    bool bol = true;
    for (size_t i = 0; i < len; i++) {
        if (!(bol && body[i] == '.'))
            out[n++] = body[i];
        bol = body[i] == '\n';
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

static envoi_smtp *client(unsigned port)
{
    envoi_smtp *s = envoi_smtp_new();
    assert_non_null(s);
    assert_int_equal(envoi_smtp_set_server(s, "127.0.0.1", port), 0);
    assert_int_equal(envoi_smtp_set_helo_name(s, "client.test"), 0);
    assert_int_equal(envoi_smtp_set_timeout(s, 5000), 0);
    assert_int_equal(envoi_smtp_set_dkim(s, signer), 0);
    return s;
}

static void test_data_carries_the_signed_bytes(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', "220 fs ESMTP\r\n"},
                                            {'E', "EHLO client.test"},
                                            {'S', "250-fs\r\n250 SIZE 100000\r\n"},
                                            {'E', "MAIL FROM:<a@example.org> SIZE="},
                                            {'S', "250 ok\r\n"},
                                            {'E', "RCPT TO:<b@example.net>"},
                                            {'S', "250 ok\r\n"},
                                            {'E', "DATA"},
                                            {'S', "354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "250 queued\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "221 bye\r\n"},
                                            {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    envoi_smtp *s = client(fs.port);
    assert_int_equal(envoi_smtp_send_data(s, source, sizeof source - 1, "a@example.org", rcpt, 1),
                     0);
    envoi_smtp_quit(s);
    assert_string_equal(fs_finish(&fs), "");
    size_t n = 0;
    char *got = unstuff(fs.body, fs.body_len, &n);
    assert_signed_copy(got, n, on_wire);
    /* SIZE= counted the signature too. */
    char want[64];
    snprintf(want, sizeof want, "SIZE=%zu", n);
    assert_non_null(strstr(fs.got, want));
    free(got);
    envoi_smtp_free(s);
    fs_free(&fs);
}

static void test_bdat_carries_the_signed_bytes(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', "220 fs ESMTP\r\n"},
                                            {'E', "EHLO client.test"},
                                            {'S', "250-fs\r\n250-PIPELINING\r\n250 CHUNKING\r\n"},
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'E', "RCPT TO:<b@example.net>"},
                                            {'B', NULL},
                                            {'S', "250 ok\r\n250 ok\r\n250 queued\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "221 bye\r\n"},
                                            {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    envoi_smtp *s = client(fs.port);
    assert_int_equal(envoi_smtp_send_data(s, source, sizeof source - 1, "a@example.org", rcpt, 1),
                     0);
    envoi_smtp_quit(s);
    assert_string_equal(fs_finish(&fs), "");
    assert_signed_copy(fs.body, fs.body_len, on_wire);
    envoi_smtp_free(s);
    fs_free(&fs);
}

static void record_rc(void *ctx, size_t i, int rc)
{
    ((int *)ctx)[i] = rc;
}

static void test_a_batch_signs_each_message(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', "220 fs ESMTP\r\n"},
                                            {'E', "EHLO client.test"},
                                            {'S', "250-fs\r\n250 PIPELINING\r\n"},
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'E', "RCPT TO:<b@example.net>"},
                                            {'E', "DATA"},
                                            {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'D', NULL},
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'E', "RCPT TO:<b@example.net>"},
                                            {'E', "DATA"},
                                            {'S', "250 one\r\n250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "250 two\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "221 bye\r\n"},
                                            {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    envoi_smtp *s = client(fs.port);
    smtp_batch_item items[2] = {{source, sizeof source - 1, "a@example.org", rcpt, 1},
                                {source, sizeof source - 1, "a@example.org", rcpt, 1}};
    int rcs[2] = {-1, -1};
    smtp_batch_ops ops = {.done = record_rc, .ctx = rcs};
    assert_int_equal(smtp_send_batch(s, items, 2, &ops), 2);
    assert_int_equal(rcs[0], 0);
    assert_int_equal(rcs[1], 0);
    envoi_smtp_quit(s);
    assert_string_equal(fs_finish(&fs), "");
    /* The second body is the last one read; both went through the same path. */
    size_t n = 0;
    char *got = unstuff(fs.body, fs.body_len, &n);
    assert_signed_copy(got, n, on_wire);
    const char *first = strstr(fs.got, "DKIM-Signature:");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "DKIM-Signature:"));
    free(got);
    envoi_smtp_free(s);
    fs_free(&fs);
}

static int keep(void *ctx, const void *data, size_t len, const char *from, const char *const *rcpts,
                size_t nrcpts, char id[ENVOI_SMTP_ID_SIZE], envoi_error *err)
{
    (void)from;
    (void)rcpts;
    (void)nrcpts;
    (void)err;
    envoi_buf *b = ctx;
    envoi_buf_clear(b);
    envoi_buf_append(b, data, len);
    snprintf(id, ENVOI_SMTP_ID_SIZE, "kept");
    return 0;
}

static void test_the_submitter_gets_the_signed_source(void **state)
{
    (void)state;
    envoi_buf got = ENVOI_BUF_INIT;
    envoi_smtp *s = envoi_smtp_new();
    envoi_smtp_set_submitter(s, keep, &got);
    envoi_smtp_set_dkim(s, signer);
    assert_int_equal(envoi_smtp_send_data(s, source, sizeof source - 1, "a@example.org", rcpt, 1),
                     0);
    assert_signed_copy(got.data, got.len, on_wire);
    /* NULL stops signing. */
    envoi_smtp_set_dkim(s, NULL);
    assert_int_equal(envoi_smtp_send_data(s, source, sizeof source - 1, "a@example.org", rcpt, 1),
                     0);
    assert_int_equal(got.len, sizeof source - 1);
    envoi_buf_free(&got);
    envoi_smtp_free(s);
}

static void test_no_from_fails_before_sending(void **state)
{
    (void)state;
    static const char no_from[] = "To: b@example.net\r\nSubject: x\r\n\r\nbody\r\n";
    envoi_buf got = ENVOI_BUF_INIT;
    envoi_smtp *s = envoi_smtp_new();
    envoi_smtp_set_submitter(s, keep, &got);
    envoi_smtp_set_dkim(s, signer);
    assert_int_equal(envoi_smtp_send_data(s, no_from, sizeof no_from - 1, "a@example.org", rcpt, 1),
                     ENVOI_EHEADER);
    assert_null(got.data);
    envoi_smtp_free(s);

    static const struct fs_step script[] = {{'S', "220 fs ESMTP\r\n"}, {'E', "EHLO client.test"},
                                            {'S', "250 fs\r\n"},       {'E', "QUIT"},
                                            {'S', "221 bye\r\n"},      {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    s = client(fs.port);
    assert_int_equal(envoi_smtp_send_data(s, no_from, sizeof no_from - 1, "a@example.org", rcpt, 1),
                     ENVOI_EHEADER);
    assert_non_null(strstr(envoi_smtp_error(s)->text, "From"));
    envoi_smtp_quit(s);
    assert_string_equal(fs_finish(&fs), ""); /* no MAIL FROM */
    envoi_smtp_free(s);
    fs_free(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_carries_the_signed_bytes),
        cmocka_unit_test(test_bdat_carries_the_signed_bytes),
        cmocka_unit_test(test_a_batch_signs_each_message),
        cmocka_unit_test(test_the_submitter_gets_the_signed_source),
        cmocka_unit_test(test_no_from_fails_before_sending),
    };
    return cmocka_run_group_tests(tests, make_key, free_key);
}
