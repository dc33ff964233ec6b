/* Error lines: the server named for failures that involve it, its reply
 * code, enhanced status and words quoted; local failures as their text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report.h"

static void check(const envoi_error *err, const char *server, const char *expected)
{
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(cli_describe_error(&b, err, server), 0);
    assert_string_equal(b.data, expected);
    envoi_buf_free(&b);
}

static void test_server_refusals_quote_the_reply(void **state)
{
    (void)state;
    envoi_error auth = {.code = ENVOI_EAUTH,
                        .reply_code = 535,
                        .enhanced = "5.7.8",
                        .text = "Authentication failed"};
    check(&auth, "127.0.0.1:11587",
          "authentication refused by 127.0.0.1:11587: 535 5.7.8 Authentication failed");
    envoi_error rcpt = {.code = ENVOI_ENORCPT, .reply_code = 550, .text = "No such user"};
    check(&rcpt, "[::1]:25", "no recipient accepted by [::1]:25: 550 No such user");
}

static void test_network_failures_name_the_server_and_cause(void **state)
{
    (void)state;
    envoi_error e = {.code = ENVOI_ECONNECT,
                     .text = "cannot connect to h port 25: Connection refused"};
    check(&e, "h:25", "cannot connect to h port 25: Connection refused");
    envoi_error n = {.code = ENVOI_ENOTLS, .text = "STARTTLS is required but not offered"};
    check(&n, "[::1]:2525", "STARTTLS is required but not offered ([::1]:2525)");
    envoi_error v6 = {.code = ENVOI_ECLOSED, .text = "::1 closed the connection"};
    check(&v6, "[::1]:2525", "::1 closed the connection");
    envoi_error t = {.code = ENVOI_ETIMEDOUT};
    check(&t, "h:25", "timed out waiting for h:25");
}

static void test_local_failures_are_their_text(void **state)
{
    (void)state;
    envoi_error e = {.code = ENVOI_EADDRESS, .text = "--to 'x': malformed email address"};
    check(&e, NULL, "--to 'x': malformed email address");
    envoi_error bare = {.code = ENVOI_EFILE};
    check(&bare, NULL, "file could not be opened or read");
    /* Without a server (not connected yet), even a network code is its text. */
    envoi_error c = {.code = ENVOI_ECONNECT, .text = "cause"};
    check(&c, NULL, "cause");
}

static void test_report_prefixes_program_and_command(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cli_report(f, "send", "bad %s", "thing");
    cli_report(f, NULL, "no command");
    fclose(f);
    assert_string_equal(text, "envoi: send: bad thing\nenvoi: no command\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_refusals_quote_the_reply),
        cmocka_unit_test(test_network_failures_name_the_server_and_cause),
        cmocka_unit_test(test_local_failures_are_their_text),
        cmocka_unit_test(test_report_prefixes_program_and_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
