/* SMTP reply parsing and EHLO extension parsing, over literal lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "envoi/smtp.h"
#include "smtp/ehlo.h"
#include "smtp/reply.h"

/* Feed '\n'-separated lines; returns the last add_line result. */
static int feed(envoi_smtp_reply *r, const char *text, envoi_error *err)
{
    int rc = 1;
    while (*text && rc == 1) {
        size_t n = strcspn(text, "\n");
        rc = envoi_smtp_reply_add_line(r, text, n, err);
        text += n + (text[n] == '\n');
    }
    return rc;
}

static void multi_line_reply_is_read_to_its_last_line(void **state)
{
    envoi_smtp_reply r = {0};
    envoi_error err = {0};
    assert_int_equal(envoi_smtp_reply_add_line(&r, "250-first", 9, &err), 1);
    assert_int_equal(envoi_smtp_reply_add_line(&r, "250-second", 10, &err), 1);
    assert_int_equal(envoi_smtp_reply_add_line(&r, "250 third", 9, &err), 0);
    assert_int_equal(r.code, 250);
    assert_int_equal(r.lines, 3);
    assert_string_equal(r.text.data, "first\nsecond\nthird");
    envoi_smtp_reply_free(&r);
}

static void bare_code_and_empty_final_line_end_the_reply(void **state)
{
    envoi_smtp_reply r = {0};
    envoi_error err = {0};
    assert_int_equal(envoi_smtp_reply_add_line(&r, "354", 3, &err), 0);
    assert_int_equal(r.code, 354);
    envoi_smtp_reply_reset(&r);
    assert_int_equal(feed(&r, "250-mx\n250-PIPELINING\n250 ", &err), 0);
    assert_string_equal(r.text.data, "mx\nPIPELINING\n");
    envoi_smtp_reply_free(&r);
}

static void garbage_is_eprotocol_quoting_the_line(void **state)
{
    const char *bad[] = {"", "25", "abc", "2500 x", "250x", "650 no", "2a0 x", "250_x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        envoi_smtp_reply r = {0};
        envoi_error err = {0};
        assert_int_equal(envoi_smtp_reply_add_line(&r, bad[i], strlen(bad[i]), &err),
                         ENVOI_EPROTOCOL);
        assert_int_equal(err.code, ENVOI_EPROTOCOL);
        assert_non_null(strstr(err.text, bad[i]));
        envoi_smtp_reply_free(&r);
    }
}

static void control_bytes_in_garbage_are_not_echoed(void **state)
{
    envoi_smtp_reply r = {0};
    envoi_error err = {0};
    const char line[] = "\x1b[31mred\x07";
    assert_int_equal(envoi_smtp_reply_add_line(&r, line, sizeof line - 1, &err), ENVOI_EPROTOCOL);
    assert_null(strchr(err.text, '\x1b'));
    assert_null(strchr(err.text, '\x07'));
    envoi_smtp_reply_free(&r);
}

static void code_changing_between_lines_is_eprotocol(void **state)
{
    envoi_smtp_reply r = {0};
    envoi_error err = {0};
    assert_int_equal(feed(&r, "250-a\n550 b", &err), ENVOI_EPROTOCOL);
    envoi_smtp_reply_free(&r);
}

static void enhanced_status_is_taken_from_every_line(void **state)
{
    envoi_smtp_reply r = {0};
    envoi_error err = {0};
    assert_int_equal(feed(&r, "550-5.1.1 The email account\n550 5.1.1 does not exist", &err), 0);
    envoi_smtp_reply_take_enhanced(&r);
    assert_string_equal(r.enhanced, "5.1.1");
    assert_string_equal(r.text.data, "The email account\ndoes not exist");
    envoi_buf out = ENVOI_BUF_INIT;
    envoi_smtp_reply_format(&r, &out);
    assert_string_equal(out.data, "550 5.1.1 The email account does not exist");
    envoi_buf_free(&out);
    envoi_smtp_reply_free(&r);
}

static void enhanced_status_of_another_class_is_left_alone(void **state)
{
    const char *texts[] = {"250 5.1.1 odd", "250 2.1 short", "250 2.1.5x", "250 2.1234.5 long"};
    for (size_t i = 0; i < 4; i++) {
        envoi_smtp_reply r = {0};
        envoi_error err = {0};
        assert_int_equal(feed(&r, texts[i], &err), 0);
        envoi_smtp_reply_take_enhanced(&r);
        assert_string_equal(r.enhanced, "");
        assert_string_equal(r.text.data, texts[i] + 4);
        envoi_smtp_reply_free(&r);
    }
}

static void parse_ehlo(envoi_smtp_caps *c, const char *text)
{
    envoi_smtp_reply r = {0};
    envoi_error err = {0};
    assert_int_equal(feed(&r, text, &err), 0);
    assert_int_equal(envoi_smtp_caps_parse(c, &r), 0);
    envoi_smtp_reply_free(&r);
}

static void ehlo_extensions_are_recognized(void **state)
{
    envoi_smtp_caps c = {0};
    parse_ehlo(&c, "250-mx.example.org Hello\n250-SIZE 35882577\n250-8BITMIME\n"
                   "250-auth=LOGIN PLAIN\n250-AUTH PLAIN XOAUTH2 cram-md5\n"
                   "250-ENHANCEDSTATUSCODES\n250-PIPELINING\n250-CHUNKING\n250-STARTTLS\n"
                   "250-DSN\n250-SMTPUTF8\n250-BINARYMIME\n250 X-UNKNOWN thing");
    assert_int_equal(c.ext, ENVOI_SMTP_EXT_SIZE | ENVOI_SMTP_EXT_8BITMIME | ENVOI_SMTP_EXT_AUTH |
                                ENVOI_SMTP_EXT_ENHANCEDSTATUSCODES | ENVOI_SMTP_EXT_PIPELINING |
                                ENVOI_SMTP_EXT_CHUNKING | ENVOI_SMTP_EXT_STARTTLS |
                                ENVOI_SMTP_EXT_DSN | ENVOI_SMTP_EXT_SMTPUTF8 |
                                ENVOI_SMTP_EXT_BINARYMIME);
    assert_int_equal(c.size, 35882577UL);
    assert_string_equal(c.auth.data, "LOGIN PLAIN XOAUTH2 CRAM-MD5");
    assert_non_null(strstr(c.lines.data, "X-UNKNOWN thing"));
    envoi_smtp_caps_free(&c);
}

static void ehlo_size_without_limit_is_zero_and_empty_lines_ignored(void **state)
{
    envoi_smtp_caps c = {0};
    parse_ehlo(&c, "250-mx\n250-SIZE\n250-\n250 ");
    assert_int_equal(c.ext, ENVOI_SMTP_EXT_SIZE);
    assert_int_equal(c.size, 0);
    envoi_smtp_caps_free(&c);
}

static void ehlo_greeting_line_alone_means_no_extensions(void **state)
{
    envoi_smtp_caps c = {0};
    parse_ehlo(&c, "250 mx.example.org PIPELINING");
    assert_int_equal(c.ext, 0);
    assert_string_equal(c.lines.data, "");
    envoi_smtp_caps_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(multi_line_reply_is_read_to_its_last_line),
        cmocka_unit_test(bare_code_and_empty_final_line_end_the_reply),
        cmocka_unit_test(garbage_is_eprotocol_quoting_the_line),
        cmocka_unit_test(control_bytes_in_garbage_are_not_echoed),
        cmocka_unit_test(code_changing_between_lines_is_eprotocol),
        cmocka_unit_test(enhanced_status_is_taken_from_every_line),
        cmocka_unit_test(enhanced_status_of_another_class_is_left_alone),
        cmocka_unit_test(ehlo_extensions_are_recognized),
        cmocka_unit_test(ehlo_size_without_limit_is_zero_and_empty_lines_ignored),
        cmocka_unit_test(ehlo_greeting_line_alone_means_no_extensions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
