/* "envoi send" options: each is mapped to its field, and a bad value or an
 * unknown option is a usage error with a clear reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cli/send_args.h"
#include "envoi/message.h"
#include "envoi/smtp.h"

#define ARGV(...) ((char *[]){"send", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"send", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(a, why, ...) cli_send_args_parse(a, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), why)

static void expect_usage_error(int argc, char **argv, const char *reason)
{
    cli_send_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(cli_send_args_parse(&a, argc, argv, &why), CLI_USAGE);
    assert_non_null(why.data);
    if (!strstr(why.data, reason))
        fail_msg("'%s' lacks '%s'", why.data, reason);
    envoi_buf_free(&why);
    cli_send_args_free(&a);
}

#define EXPECT_USAGE(reason, ...) expect_usage_error(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), reason)

static void test_server_options_are_mapped(void **state)
{
    (void)state;
    cli_send_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PARSE(&a, &why, "--server", "[::1]:2525", "--port", "587", "--security",
                           "starttls", "--user", "me", "--password-file", "/pw", "--auth", "PLAIN",
                           "--ca-file", "/ca", "--crl-file", "/crl", "--ignore-cert",
                           "name,expired", "--timeout", "30", "--connect-timeout", "1.5",
                           "--allow-plaintext-auth", "--helo", "client.test", "--account", "w",
                           "--config", "/cfg"),
                     0);
    assert_string_equal(a.server, "[::1]:2525");
    assert_int_equal(a.port, 587);
    assert_int_equal(a.security, ENVOI_SECURITY_STARTTLS);
    assert_string_equal(a.user, "me");
    assert_string_equal(a.password_file, "/pw");
    assert_string_equal(a.auth, "PLAIN");
    assert_string_equal(a.ca_file, "/ca");
    assert_string_equal(a.crl_file, "/crl");
    assert_int_equal(a.ignore_cert, ENVOI_IGNORE_CERT_NAME | ENVOI_IGNORE_CERT_EXPIRED);
    assert_int_equal(a.timeout_ms, 30000);
    assert_int_equal(a.connect_timeout_ms, 1500);
    assert_true(a.allow_plaintext_auth);
    assert_string_equal(a.helo, "client.test");
    assert_string_equal(a.account, "w");
    assert_string_equal(a.config, "/cfg");
    cli_send_args_free(&a);
}

static void test_message_options_are_mapped(void **state)
{
    (void)state;
    cli_send_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(
        PARSE(&a, &why, "--from", "A <a@x.org>", "--sender", "s@x.org", "--to", "b@x.org", "--to",
              "c@x.org, \"Doe, J\" <j@x.org>", "--cc", "d@x.org", "--bcc", "e@x.org", "--reply-to",
              "r@x.org", "--subject", "Hi", "--text", "-", "--html", "h.html", "--attach",
              "f.pdf;name=Report.pdf;type=application/pdf", "--inline", "logo.png;cid=logo",
              "--header", "X-Tag: one", "--header", "X-Other: two", "--priority", "high",
              "--sensitivity", "confidential", "--read-receipt", "--in-reply-to", "<p@x>",
              "--references", "a@x b@x", "--message-id", "m@x"),
        0);
    assert_string_equal(a.from, "A <a@x.org>");
    assert_string_equal(a.sender, "s@x.org");
    assert_int_equal(a.to.count, 3);
    assert_string_equal(a.to.items[0], "b@x.org");
    assert_string_equal(a.to.items[1], "c@x.org");
    assert_string_equal(a.to.items[2], "\"Doe, J\" <j@x.org>");
    assert_int_equal(a.cc.count, 1);
    assert_string_equal(a.bcc.items[0], "e@x.org");
    assert_string_equal(a.reply_to.items[0], "r@x.org");
    assert_string_equal(a.subject, "Hi");
    assert_string_equal(a.text_file, "-");
    assert_string_equal(a.html_file, "h.html");
    assert_int_equal(a.attach.count, 1);
    assert_string_equal(a.attach.items[0].path, "f.pdf");
    assert_string_equal(a.attach.items[0].name, "Report.pdf");
    assert_string_equal(a.attach.items[0].type, "application/pdf");
    assert_string_equal(a.inline_parts.items[0].cid, "logo");
    assert_null(a.inline_parts.items[0].type);
    assert_int_equal(a.headers.count, 2);
    assert_string_equal(a.headers.items[1], "X-Other: two");
    assert_int_equal(a.priority, ENVOI_PRIORITY_HIGH);
    assert_int_equal(a.sensitivity, ENVOI_SENSITIVITY_CONFIDENTIAL);
    assert_true(a.read_receipt);
    assert_null(a.read_receipt_to);
    assert_string_equal(a.in_reply_to, "<p@x>");
    assert_string_equal(a.references.items[0], "a@x b@x");
    assert_string_equal(a.message_id, "m@x");
    cli_send_args_free(&a);
}

static void test_delivery_and_output_options_are_mapped(void **state)
{
    (void)state;
    cli_send_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PARSE(&a, &why, "--dsn", "success,failure,delay", "--dsn-ret", "hdrs",
                           "--envid", "E1", "--partial", "--dry-run", "--json", "-v",
                           "--password-command", "pass show x", "--read-receipt=rr@x.org"),
                     0);
    assert_int_equal(a.dsn_notify, ENVOI_DSN_SUCCESS | ENVOI_DSN_FAILURE | ENVOI_DSN_DELAY);
    assert_int_equal(a.dsn_ret, ENVOI_DSN_RET_HDRS);
    assert_string_equal(a.envid, "E1");
    assert_true(a.partial);
    assert_true(a.dry_run);
    assert_true(a.json);
    assert_true(a.verbose);
    assert_false(a.help);
    assert_string_equal(a.password_command, "pass show x");
    assert_true(a.read_receipt);
    assert_string_equal(a.read_receipt_to, "rr@x.org");
    cli_send_args_free(&a);
}

static void test_unset_options_keep_their_markers(void **state)
{
    (void)state;
    cli_send_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PARSE(&a, &why, "--help"), 0);
    assert_true(a.help);
    assert_int_equal(a.security, -1);
    assert_int_equal(a.ignore_cert, -1);
    assert_int_equal(a.timeout_ms, -1);
    assert_int_equal(a.priority, -1);
    assert_int_equal(a.sensitivity, -1);
    assert_int_equal(a.dsn_notify, 0);
    assert_null(a.server);
    cli_send_args_free(&a);
}

static void test_raw_takes_the_envelope_options(void **state)
{
    (void)state;
    cli_send_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PARSE(&a, &why, "--raw", "m.eml", "--from", "a@x", "--to", "b@x", "--dsn",
                           "never", "--read-receipt-to", "z@x"),
                     CLI_USAGE); /* --read-receipt-to changes the message */
    cli_send_args_free(&a);
    envoi_buf_free(&why);
    assert_int_equal(
        PARSE(&a, &why, "--raw", "m.eml", "--from", "a@x", "--to", "b@x", "--dsn", "never"), 0);
    assert_string_equal(a.raw, "m.eml");
    assert_int_equal(a.dsn_notify, ENVOI_DSN_NEVER);
    cli_send_args_free(&a);
}

static void test_bad_values_are_usage_errors(void **state)
{
    (void)state;
    EXPECT_USAGE("--security: 'ssl' is not none, starttls or tls", "--security", "ssl");
    EXPECT_USAGE("--port: '0'", "--port", "0");
    EXPECT_USAGE("--port: 'smtp'", "--port", "smtp");
    EXPECT_USAGE("--server: '[::1' is not", "--server", "[::1");
    EXPECT_USAGE("--server: 'h:99999'", "--server", "h:99999");
    EXPECT_USAGE("--timeout: 'never'", "--timeout", "never");
    EXPECT_USAGE("--connect-timeout: '0'", "--connect-timeout", "0");
    EXPECT_USAGE("--ignore-cert: 'bogus'", "--ignore-cert", "bogus");
    EXPECT_USAGE("--priority: 'urgent'", "--priority", "urgent");
    EXPECT_USAGE("--sensitivity: 'secret'", "--sensitivity", "secret");
    EXPECT_USAGE("--dsn: 'sometimes'", "--dsn", "sometimes");
    EXPECT_USAGE("--dsn: 'success,'", "--dsn", "success,");
    EXPECT_USAGE("--dsn-ret: 'body'", "--dsn-ret", "body");
    EXPECT_USAGE("--header: 'NoColon'", "--header", "NoColon");
    EXPECT_USAGE("--header: 'Bad Name: x'", "--header", "Bad Name: x");
    EXPECT_USAGE("--to: 'a@x,,b@x'", "--to", "a@x,,b@x");
    EXPECT_USAGE("cid=ID is required", "--inline", "logo.png");
    EXPECT_USAGE("cid= belongs to --inline", "--attach", "f;cid=x");
    EXPECT_USAGE("'name' given twice", "--attach", "f;name=a;name=b");
    EXPECT_USAGE("needs a non-empty value", "--from", "");
}

static void test_unknown_and_incomplete_options_are_usage_errors(void **state)
{
    (void)state;
    EXPECT_USAGE("unknown option '--frm'", "--frm", "a@x");
    EXPECT_USAGE("unknown option '--bogus'", "--bogus=1");
    EXPECT_USAGE("unknown option '-x'", "-x");
    EXPECT_USAGE("option '--to' needs a value", "--to");
    EXPECT_USAGE("option '--json' takes no value", "--json=yes");
    EXPECT_USAGE("unexpected argument 'b@x'", "--from", "a@x", "b@x");
}

static void test_conflicting_options_are_usage_errors(void **state)
{
    (void)state;
    EXPECT_USAGE("exclusive", "--password-file", "f", "--password-command", "c");
    EXPECT_USAGE("--oauth-token-command replaces", "--oauth-token-command", "t", "--password-file",
                 "f");
    EXPECT_USAGE("standard input", "--text", "-", "--html", "-");
    EXPECT_USAGE("--subject cannot be combined", "--raw", "m.eml", "--subject", "x");
    EXPECT_USAGE("--attach cannot be combined", "--raw", "m.eml", "--attach", "f");
}

static void test_address_lists_split_outside_quotes_and_brackets(void **state)
{
    (void)state;
    cli_strlist l = {0};
    assert_int_equal(cli_split_addresses("a@x, \"Doe, J\" <j@x> ,(c, d) e@x,<f,g@x>", &l), 0);
    assert_int_equal(l.count, 4);
    assert_string_equal(l.items[0], "a@x");
    assert_string_equal(l.items[1], "\"Doe, J\" <j@x>");
    assert_string_equal(l.items[2], "(c, d) e@x");
    assert_string_equal(l.items[3], "<f,g@x>");
    for (size_t i = 0; i < l.count; i++)
        free(l.items[i]);
    free(l.items);
}

static void test_part_spec_keeps_semicolons_in_file_names(void **state)
{
    (void)state;
    cli_part p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(cli_parse_part("odd;file.txt;type=text/plain", &p, &why), 0);
    assert_string_equal(p.path, "odd;file.txt");
    assert_string_equal(p.type, "text/plain");
    assert_null(p.name);
    free(p.path);
    free(p.type);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_options_are_mapped),
        cmocka_unit_test(test_message_options_are_mapped),
        cmocka_unit_test(test_delivery_and_output_options_are_mapped),
        cmocka_unit_test(test_unset_options_keep_their_markers),
        cmocka_unit_test(test_raw_takes_the_envelope_options),
        cmocka_unit_test(test_bad_values_are_usage_errors),
        cmocka_unit_test(test_unknown_and_incomplete_options_are_usage_errors),
        cmocka_unit_test(test_conflicting_options_are_usage_errors),
        cmocka_unit_test(test_address_lists_split_outside_quotes_and_brackets),
        cmocka_unit_test(test_part_spec_keeps_semicolons_in_file_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
