/* The server level against a scripted SMTP server on 127.0.0.1, reached
 * through an IP address literal (no DNS): what each reply makes of the
 * address, the commands sent, and never DATA. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "envoi/check.h"
#include "unit/smtp/fault_server.h"

#define ADDR "x@[127.0.0.1]"

/* Run the check of address against script; the server's record in *fs
 * (fs_free it). */
static void probe(fault_server *fs, const struct fs_step *script, const char *address,
                  const char *from, envoi_check_report *r)
{
    fs_start(fs, script);
    envoi_checker *c = envoi_checker_new();
    assert_non_null(c);
    assert_int_equal(envoi_checker_set_level(c, ENVOI_CHECK_SERVER), 0);
    assert_int_equal(envoi_checker_set_smtp_port(c, fs->port), 0);
    assert_int_equal(envoi_checker_set_smtp_timeout(c, 2000), 0);
    assert_int_equal(envoi_checker_set_helo_name(c, "probe.example.org"), 0);
    assert_int_equal(envoi_checker_set_nameserver(c, "127.0.0.1:9"), 0);
    if (from)
        assert_int_equal(envoi_checker_set_mail_from(c, from), 0);
    assert_int_equal(envoi_checker_check(c, address, r), 0);
    envoi_checker_free(c);
    assert_string_equal(fs_finish(fs), "");
    assert_null(strstr(fs->got, "DATA"));
    assert_int_equal(r->level, ENVOI_CHECK_SERVER);
    assert_string_equal(r->mx, "[127.0.0.1]");
}

static void test_accepted(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 mx.example.org ESMTP\r\n"},
        {'E', "EHLO probe.example.org"},
        {'S', "250-mx.example.org\r\n250 ENHANCEDSTATUSCODES\r\n"},
        {'E', "MAIL FROM:<>"},
        {'S', "250 2.1.0 Ok\r\n"},
        {'E', "RCPT TO:<x@[127.0.0.1]>"},
        {'S', "250 2.1.5 Ok\r\n"},
        {'E', "QUIT"},
        {'S', "221 2.0.0 Bye\r\n"},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, ADDR, NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_VALID);
    assert_int_equal(r.reply_code, 250);
    assert_string_equal(r.enhanced, "2.1.5");
    assert_string_equal(r.reason, "");
    fs_free(&fs);
}

static void test_refused_with_words(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 mx ESMTP\r\n"},
        {'E', "EHLO"},
        {'S', "250 mx\r\n"},
        {'E', "MAIL FROM:<probe@example.org>"},
        {'S', "250 Ok\r\n"},
        {'E', "RCPT TO:"},
        {'S', "550-5.1.1 <x@[127.0.0.1]>: no such user\r\n550 5.1.1 try another\r\n"},
        {'E', "QUIT"},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, ADDR, "probe@example.org", &r);
    assert_int_equal(r.result, ENVOI_ADDR_REFUSED);
    assert_int_equal(r.reply_code, 550);
    assert_string_equal(r.enhanced, "5.1.1");
    assert_non_null(strstr(r.reason, "550 5.1.1"));
    assert_non_null(strstr(r.reason, "no such user"));
    assert_non_null(strstr(r.reason, "try another"));
    fs_free(&fs);
}

static void test_helo_when_ehlo_refused(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 old server\r\n"},
        {'E', "EHLO"},
        {'S', "502 Command not implemented\r\n"},
        {'E', "HELO probe.example.org"},
        {'S', "250 hello\r\n"},
        {'E', "MAIL FROM:<>"},
        {'S', "250 Ok\r\n"},
        {'E', "RCPT TO:<x@[127.0.0.1]>"},
        {'S', "251 will forward\r\n"},
        {'E', "QUIT"},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, ADDR, NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_VALID);
    assert_int_equal(r.reply_code, 251);
    fs_free(&fs);
}

/* A 5xx before RCPT refuses the probe, not the address: error. */
static void test_greeting_refused_is_error(void **state)
{
    static const struct fs_step script[] = {
        {'S', "554 5.7.1 no service for you\r\n"},
        {'E', "QUIT"},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, ADDR, NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_ERROR);
    assert_int_equal(r.reply_code, 554);
    assert_non_null(strstr(r.reason, "no service for you"));
    assert_null(strstr(fs.got, "RCPT"));
    fs_free(&fs);
}

static void test_mail_refused_is_error(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 mx\r\n"},
        {'E', "EHLO"},
        {'S', "250 mx\r\n"},
        {'E', "MAIL FROM:<>"},
        {'S', "553 5.7.1 null sender not accepted\r\n"},
        {'E', "QUIT"},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, ADDR, NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_ERROR);
    assert_int_equal(r.reply_code, 553);
    assert_non_null(strstr(r.reason, "null sender not accepted"));
    assert_null(strstr(fs.got, "RCPT"));
    fs_free(&fs);
}

static void test_deferred_is_error(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 mx\r\n"},
        {'E', "EHLO"},
        {'S', "250 mx\r\n"},
        {'E', "MAIL FROM:<>"},
        {'S', "250 Ok\r\n"},
        {'E', "RCPT TO:"},
        {'S', "450 4.2.0 greylisted, come back later\r\n"},
        {'E', "QUIT"},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, ADDR, NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_ERROR);
    assert_int_equal(r.reply_code, 450);
    assert_string_equal(r.enhanced, "4.2.0");
    assert_non_null(strstr(r.reason, "greylisted"));
    fs_free(&fs);
}

static void test_silent_server_times_out(void **state)
{
    static const struct fs_step script[] = {
        {'W', NULL},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, ADDR, NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_ERROR);
    assert_int_equal(r.reply_code, 0);
    assert_non_null(strstr(r.reason, "timed out"));
    fs_free(&fs);
}

static void test_utf8_with_smtputf8(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 mx\r\n"},
        {'E', "EHLO"},
        {'S', "250-mx\r\n250 SMTPUTF8\r\n"},
        {'E', "MAIL FROM:<> SMTPUTF8"},
        {'S', "250 Ok\r\n"},
        {'E', "RCPT TO:<j\xc3\xb6s\xc3\xa9@[127.0.0.1]>"},
        {'S', "250 Ok\r\n"},
        {'E', "QUIT"},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, "j\xc3\xb6s\xc3\xa9@[127.0.0.1]", NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_VALID);
    fs_free(&fs);
}

static void test_utf8_without_smtputf8(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 mx\r\n"}, {'E', "EHLO"}, {'S', "250-mx\r\n250 8BITMIME\r\n"},
        {'E', "QUIT"},       {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, "j\xc3\xb6s\xc3\xa9@[127.0.0.1]", NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_ERROR);
    assert_non_null(strstr(r.reason, "the server does not accept internationalized addresses"));
    assert_null(strstr(fs.got, "MAIL"));
    fs_free(&fs);
}

static void test_garbage_is_error(void **state)
{
    static const struct fs_step script[] = {
        {'S', "hello, this is not SMTP\r\n"},
        {0, NULL},
    };
    fault_server fs;
    envoi_check_report r;
    probe(&fs, script, ADDR, NULL, &r);
    assert_int_equal(r.result, ENVOI_ADDR_ERROR);
    assert_true(r.reason[0] != '\0');
    fs_free(&fs);
}

/* Nothing listens: error naming the connection. */
static void test_unreachable_is_error(void **state)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd); /* the port is now closed: connections are refused */
    envoi_checker *c = envoi_checker_new();
    assert_non_null(c);
    envoi_checker_set_level(c, ENVOI_CHECK_SERVER);
    envoi_checker_set_smtp_port(c, ntohs(sa.sin_port));
    envoi_checker_set_smtp_timeout(c, 2000);
    envoi_check_report r;
    assert_int_equal(envoi_checker_check(c, ADDR, &r), 0);
    assert_int_equal(r.result, ENVOI_ADDR_ERROR);
    assert_int_equal(r.level, ENVOI_CHECK_SERVER);
    assert_non_null(strstr(r.reason, "cannot connect"));
    envoi_checker_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused_with_words),
        cmocka_unit_test(test_helo_when_ehlo_refused),
        cmocka_unit_test(test_greeting_refused_is_error),
        cmocka_unit_test(test_mail_refused_is_error),
        cmocka_unit_test(test_deferred_is_error),
        cmocka_unit_test(test_silent_server_times_out),
        cmocka_unit_test(test_utf8_with_smtputf8),
        cmocka_unit_test(test_utf8_without_smtputf8),
        cmocka_unit_test(test_garbage_is_error),
        cmocka_unit_test(test_unreachable_is_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
