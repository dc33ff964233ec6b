/* Merging options over the config account: a flag wins, the account fills
 * the rest, and the security and port defaults follow the login. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cli/send_plan.h"

#define ARGV(...) ((char *[]){"send", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"send", __VA_ARGS__}) / sizeof(char *)))

static envoi_config *cfg;
static envoi_account acc;

static void load_account(const char *text)
{
    envoi_error err = {0};
    assert_int_equal(envoi_config_parse(&cfg, text, strlen(text), "cfg", &err), 0);
    assert_int_equal(envoi_account_read(cfg, envoi_config_section_at(cfg, 0), &acc, &err), 0);
}

static int teardown(void **state)
{
    (void)state;
    envoi_config_free(cfg);
    cfg = NULL;
    return 0;
}

/* Parse argv and plan it; returns the plan result, reason in why. */
static int plan(cli_send_plan *p, cli_send_args *a, const envoi_account *account, const char *env,
                envoi_buf *why, int argc, char **argv)
{
    assert_int_equal(cli_send_args_parse(a, argc, argv, why), 0);
    return cli_send_plan_make(p, a, account, env, why);
}

#define PLAN(p, a, account, env, why, ...)                                                         \
    plan(p, a, account, env, why, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static const char account_text[] = "[account work]\n"
                                   "server = smtp.example.org\n"
                                   "port = 2525\n"
                                   "security = tls\n"
                                   "user = me\n"
                                   "password-file = /pw\n"
                                   "from = me@example.org\n"
                                   "timeout = 20\n"
                                   "helo = from-config\n";

static void test_account_values_fill_what_flags_leave(void **state)
{
    (void)state;
    load_account(account_text);
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PLAN(&p, &a, &acc, NULL, &why, "--to", "b@x"), 0);
    assert_string_equal(p.host, "smtp.example.org");
    assert_int_equal(p.port, 2525);
    assert_int_equal(p.security, ENVOI_SECURITY_TLS);
    assert_string_equal(p.user, "me");
    assert_int_equal(p.secret_kind, CLI_SECRET_FILE);
    assert_string_equal(p.secret_source, "/pw");
    assert_string_equal(p.from, "me@example.org");
    assert_int_equal(p.timeout_ms, 20000);
    assert_string_equal(p.helo, "from-config");
    assert_string_equal(p.label, "smtp.example.org:2525");
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

static void test_flags_override_the_account(void **state)
{
    (void)state;
    load_account(account_text);
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PLAN(&p, &a, &acc, NULL, &why, "--to", "b@x", "--server", "[::1]",
                          "--security", "starttls", "--from", "other@x", "--password-command",
                          "cmd", "--timeout", "5", "--helo", "flag"),
                     0);
    assert_string_equal(p.host, "::1");
    /* The account's port goes with the account's server only. */
    assert_int_equal(p.port, 587);
    assert_string_equal(p.label, "[::1]:587");
    assert_int_equal(p.security, ENVOI_SECURITY_STARTTLS);
    assert_string_equal(p.from, "other@x");
    assert_int_equal(p.secret_kind, CLI_SECRET_COMMAND);
    assert_string_equal(p.secret_source, "cmd");
    assert_int_equal(p.timeout_ms, 5000);
    assert_string_equal(p.helo, "flag");
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

static void test_port_flag_overrides_the_server_port(void **state)
{
    (void)state;
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PLAN(&p, &a, NULL, NULL, &why, "--to", "b@x", "--from", "a@x", "--server",
                          "h:25", "--port", "2525"),
                     0);
    assert_int_equal(p.port, 2525);
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

static void test_environment_password_beats_the_account(void **state)
{
    (void)state;
    load_account(account_text);
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PLAN(&p, &a, &acc, "from-env", &why, "--to", "b@x"), 0);
    assert_int_equal(p.secret_kind, CLI_SECRET_ENV);
    assert_string_equal(p.secret_source, "from-env");
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

static void check_defaults(char *server, char *user, envoi_security security, unsigned port)
{
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    int rc =
        user ? PLAN(&p, &a, NULL, "pw", &why, "--to", "b@x", "--from", "a@x", "--server", server,
                    "--user", user)
             : PLAN(&p, &a, NULL, "pw", &why, "--to", "b@x", "--from", "a@x", "--server", server);
    assert_int_equal(rc, 0);
    assert_int_equal(p.security, security);
    assert_int_equal(p.port, port);
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

static void test_security_and_port_defaults_follow_the_login(void **state)
{
    (void)state;
    check_defaults("h", NULL, ENVOI_SECURITY_NONE, 25);
    check_defaults("h", "me", ENVOI_SECURITY_STARTTLS, 587);
    check_defaults("h:465", NULL, ENVOI_SECURITY_TLS, 465);
    check_defaults("h:2525", "me", ENVOI_SECURITY_STARTTLS, 2525);
}

static void expect_plan_usage_error(const char *reason, int argc, char **argv, const char *env)
{
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(plan(&p, &a, NULL, env, &why, argc, argv), CLI_USAGE);
    if (!strstr(why.data, reason))
        fail_msg("'%s' lacks '%s'", why.data, reason);
    envoi_buf_free(&why);
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

#define EXPECT_PLAN_USAGE(reason, env, ...)                                                        \
    expect_plan_usage_error(reason, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), env)

static void test_missing_essentials_are_usage_errors(void **state)
{
    (void)state;
    EXPECT_PLAN_USAGE("no sender", NULL, "--to", "b@x", "--server", "h");
    EXPECT_PLAN_USAGE("no recipient", NULL, "--from", "a@x", "--server", "h");
    EXPECT_PLAN_USAGE("no server", NULL, "--from", "a@x", "--to", "b@x");
    EXPECT_PLAN_USAGE("needs a password", NULL, "--from", "a@x", "--to", "b@x", "--server", "h",
                      "--user", "me");
    EXPECT_PLAN_USAGE("without --user", NULL, "--from", "a@x", "--to", "b@x", "--server", "h",
                      "--password-file", "f");
}

static void test_dry_run_needs_no_server(void **state)
{
    (void)state;
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PLAN(&p, &a, NULL, NULL, &why, "--dry-run", "--from", "a@x", "--bcc", "b@x"),
                     0);
    assert_null(p.host);
    assert_null(p.label);
    assert_int_equal(p.recipient_count, 1);
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

static void test_password_env_names_the_variable(void **state)
{
    (void)state;
    load_account("[account work]\nserver = smtp.example.org\nuser = me\n"
                 "password-env = WORK_PASSWORD\n");
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PLAN(&p, &a, &acc, NULL, &why, "--to", "b@x", "--from", "a@x"), 0);
    assert_int_equal(p.secret_kind, CLI_SECRET_ENV_NAMED);
    assert_string_equal(p.secret_source, "WORK_PASSWORD");
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

static void test_oauth_endpoint_without_user_is_a_usage_error(void **state)
{
    (void)state;
    load_account("[account work]\nserver = smtp.example.org\n"
                 "oauth-token-endpoint = https://oauth.example.org/token\n"
                 "oauth-client-id = envoi\noauth-refresh-token-file = /rt\n");
    cli_send_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(PLAN(&p, &a, &acc, NULL, &why, "--to", "b@x", "--from", "a@x"), CLI_USAGE);
    assert_non_null(strstr(why.data, "oauth-token-endpoint needs a user"));
    envoi_buf_free(&why);
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
    assert_int_equal(
        PLAN(&p, &a, &acc, NULL, &why, "--to", "b@x", "--from", "a@x", "--user", "me@example.org"),
        0);
    assert_true(p.oauth_refresh);
    envoi_buf_free(&why);
    cli_send_plan_free(&p);
    cli_send_args_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_account_values_fill_what_flags_leave, teardown),
        cmocka_unit_test_teardown(test_flags_override_the_account, teardown),
        cmocka_unit_test(test_port_flag_overrides_the_server_port),
        cmocka_unit_test_teardown(test_environment_password_beats_the_account, teardown),
        cmocka_unit_test(test_security_and_port_defaults_follow_the_login),
        cmocka_unit_test(test_missing_essentials_are_usage_errors),
        cmocka_unit_test(test_dry_run_needs_no_server),
        cmocka_unit_test_teardown(test_password_env_names_the_variable, teardown),
        cmocka_unit_test_teardown(test_oauth_endpoint_without_user_is_a_usage_error, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
