/* The envoi binary's dispatch: --version, help texts, and usage errors for
 * an unknown command or option (run as a process, path in $ENVOI). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "envoi/version.h"

typedef struct result {
    int status;
    char out[32768];
} result;

/* Run "$ENVOI args" with stdout and stderr together. */
static void run(result *r, const char *args)
{
    const char *envoi = getenv("ENVOI");
    if (!envoi)
        fail_msg("ENVOI is not set");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1 </dev/null", envoi, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(r->out, 1, sizeof r->out - 1, p);
    r->out[n] = '\0';
    int st = pclose(p);
    assert_true(WIFEXITED(st));
    r->status = WEXITSTATUS(st);
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("'%s' not found in:\n%s", part, text);
}

static void test_version_prints_the_version(void **state)
{
    (void)state;
    result r;
    run(&r, "--version");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "envoi " ENVOI_VERSION_STRING "\n");
}

static void test_help_lists_send_and_exit_codes(void **state)
{
    (void)state;
    result r;
    run(&r, "--help");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Usage: envoi COMMAND");
    assert_contains(r.out, "  send ");
    assert_contains(r.out, "  help ");
    assert_contains(r.out, "75  temporary failure");
}

static void test_help_send_and_send_help_agree(void **state)
{
    (void)state;
    static result a, b;
    run(&a, "help send");
    run(&b, "send --help");
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out);
    static const char *const options[] = {"--server",
                                          "--port",
                                          "--security",
                                          "--user",
                                          "--password-file",
                                          "--password-command",
                                          "ENVOI_PASSWORD",
                                          "--oauth-token-command",
                                          "--auth",
                                          "--allow-plaintext-auth",
                                          "--ca-file",
                                          "--crl-file",
                                          "--ignore-cert",
                                          "--timeout",
                                          "--connect-timeout",
                                          "--helo",
                                          "--from",
                                          "--to",
                                          "--cc",
                                          "--bcc",
                                          "--reply-to",
                                          "--sender",
                                          "--subject",
                                          "--text",
                                          "--html",
                                          "--attach",
                                          "--inline",
                                          "--header",
                                          "--priority",
                                          "--sensitivity",
                                          "--read-receipt",
                                          "--read-receipt-to",
                                          "--in-reply-to",
                                          "--references",
                                          "--message-id",
                                          "--raw",
                                          "--dsn",
                                          "--dsn-ret",
                                          "--envid",
                                          "--partial",
                                          "--dry-run",
                                          "--json",
                                          "--verbose",
                                          "--account",
                                          "--config",
                                          "Examples:",
                                          "Exit status"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        assert_contains(a.out, options[i]);
}

static void test_unknown_command_is_a_usage_error(void **state)
{
    (void)state;
    result r;
    run(&r, "frobnicate");
    assert_int_equal(r.status, 64);
    assert_contains(r.out, "envoi: unknown command 'frobnicate'");
    run(&r, "--frob");
    assert_int_equal(r.status, 64);
    assert_contains(r.out, "unknown option '--frob'");
    run(&r, "");
    assert_int_equal(r.status, 64);
    run(&r, "help frobnicate");
    assert_int_equal(r.status, 64);
}

static void test_unknown_send_option_is_a_usage_error(void **state)
{
    (void)state;
    result r;
    run(&r, "send --frob");
    assert_int_equal(r.status, 64);
    assert_contains(r.out, "envoi: send: unknown option '--frob'");
    assert_contains(r.out, "Try 'envoi send --help'.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_prints_the_version),
        cmocka_unit_test(test_help_lists_send_and_exit_codes),
        cmocka_unit_test(test_help_send_and_send_help_agree),
        cmocka_unit_test(test_unknown_command_is_a_usage_error),
        cmocka_unit_test(test_unknown_send_option_is_a_usage_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
