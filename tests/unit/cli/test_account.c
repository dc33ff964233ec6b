/* [account NAME] sections: which one applies, and their keys read and
 * checked with file:line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cli/account.h"

static envoi_config *parse(const char *text)
{
    envoi_config *cfg = NULL;
    envoi_error err = {0};
    if (envoi_config_parse(&cfg, text, strlen(text), "cfg", &err) != 0)
        fail_msg("%s", err.text);
    return cfg;
}

static const char *selected(const char *text, const char *wanted)
{
    static char name[64];
    envoi_config *cfg = parse(text);
    const envoi_config_section *s = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_account_select(cfg, wanted, &s, &err), 0);
    const char *result = NULL;
    if (s) {
        strncpy(name, envoi_config_section_name(s), sizeof name - 1);
        result = name;
    }
    envoi_config_free(cfg);
    return result;
}

static void test_account_option_wins(void **state)
{
    (void)state;
    const char *text = "[defaults]\naccount = b\n[account a]\n[account b]\n[account default]\n";
    assert_string_equal(selected(text, "a"), "a");
}

static void test_defaults_section_names_the_account(void **state)
{
    (void)state;
    assert_string_equal(
        selected("[defaults]\naccount = b\n[account a]\n[account b]\n[account default]\n", NULL),
        "b");
}

static void test_account_named_default_comes_next(void **state)
{
    (void)state;
    assert_string_equal(selected("[account a]\n[account default]\n", NULL), "default");
}

static void test_the_only_account_applies(void **state)
{
    (void)state;
    assert_string_equal(selected("[spool]\ndir = x\n[account solo]\n", NULL), "solo");
}

static void test_several_accounts_without_a_rule_give_none(void **state)
{
    (void)state;
    assert_null(selected("[account a]\n[account b]\n", NULL));
    assert_null(selected("[spool]\n", NULL));
}

static void test_a_missing_account_is_a_config_error(void **state)
{
    (void)state;
    envoi_config *cfg = parse("[defaults]\naccount = ghost\n[account a]\n");
    const envoi_config_section *s = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_account_select(cfg, "nope", &s, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "no [account nope]"));
    assert_int_equal(envoi_account_select(cfg, NULL, &s, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "cfg:2:"));
    envoi_config_free(cfg);
}

static void test_every_key_is_read(void **state)
{
    (void)state;
    envoi_config *cfg = parse("[account work]\n"
                              "server = smtp.example.org:2525\n"
                              "port = 587\n"
                              "security = starttls\n"
                              "user = me@example.org\n"
                              "password-file = /etc/secret\n"
                              "oauth-token-command = get-token\n"
                              "auth = CRAM-MD5\n"
                              "from = Me <me@example.org>\n"
                              "ca-file = /etc/ca.pem\n"
                              "crl-file = /etc/crl.pem\n"
                              "ignore-cert = name,expired\n"
                              "timeout = 30\n"
                              "connect-timeout = 2.5\n"
                              "helo = client.example.org\n");
    envoi_account acc;
    envoi_error err = {0};
    assert_int_equal(envoi_account_read(cfg, envoi_config_find(cfg, "account", "work"), &acc, &err),
                     0);
    assert_string_equal(acc.name, "work");
    assert_string_equal(acc.server, "smtp.example.org:2525");
    assert_int_equal(acc.port, 587);
    assert_int_equal(acc.security, ENVOI_SECURITY_STARTTLS);
    assert_string_equal(acc.user, "me@example.org");
    assert_string_equal(acc.password_file, "/etc/secret");
    assert_null(acc.password_command);
    assert_string_equal(acc.oauth_token_command, "get-token");
    assert_string_equal(acc.auth, "CRAM-MD5");
    assert_string_equal(acc.from, "Me <me@example.org>");
    assert_string_equal(acc.ca_file, "/etc/ca.pem");
    assert_string_equal(acc.crl_file, "/etc/crl.pem");
    assert_int_equal(acc.ignore_cert, ENVOI_IGNORE_CERT_NAME | ENVOI_IGNORE_CERT_EXPIRED);
    assert_int_equal(acc.timeout_ms, 30000);
    assert_int_equal(acc.connect_timeout_ms, 2500);
    assert_string_equal(acc.helo, "client.example.org");
    envoi_config_free(cfg);
}

static void test_unset_keys_stay_unset(void **state)
{
    (void)state;
    envoi_config *cfg = parse("[account a]\nserver = h\n");
    envoi_account acc;
    envoi_error err = {0};
    assert_int_equal(envoi_account_read(cfg, envoi_config_find(cfg, "account", "a"), &acc, &err),
                     0);
    assert_int_equal(acc.port, 0);
    assert_int_equal(acc.security, -1);
    assert_int_equal(acc.ignore_cert, -1);
    assert_int_equal(acc.timeout_ms, -1);
    assert_null(acc.user);
    envoi_config_free(cfg);
}

static void account_read_fails(const char *text, const char *expected)
{
    envoi_config *cfg = parse(text);
    envoi_account acc;
    envoi_error err = {0};
    assert_int_equal(envoi_account_read(cfg, envoi_config_find(cfg, "account", "a"), &acc, &err),
                     ENVOI_ECONFIG);
    if (!strstr(err.text, expected))
        fail_msg("'%s' lacks '%s'", err.text, expected);
    envoi_config_free(cfg);
}

static void test_bad_values_name_the_line(void **state)
{
    (void)state;
    account_read_fails("[account a]\n\nport = 99999\n", "cfg:3: port: '99999' is not");
    account_read_fails("[account a]\nsecurity = ssl\n", "cfg:2: security:");
    account_read_fails("[account a]\nignore-cert = everything\n", "cfg:2: ignore-cert:");
    account_read_fails("[account a]\ntimeout = soon\n", "cfg:2: timeout:");
    account_read_fails("[account a]\nserver = [::1\n", "cfg:2: server:");
    account_read_fails("[account a]\nsevrer = typo\n", "cfg:2: unknown key 'sevrer'");
    account_read_fails("[account a]\npassword-file = f\npassword-command = c\n",
                       "cfg:3: password-file and password-command");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_account_option_wins),
        cmocka_unit_test(test_defaults_section_names_the_account),
        cmocka_unit_test(test_account_named_default_comes_next),
        cmocka_unit_test(test_the_only_account_applies),
        cmocka_unit_test(test_several_accounts_without_a_rule_give_none),
        cmocka_unit_test(test_a_missing_account_is_a_config_error),
        cmocka_unit_test(test_every_key_is_read),
        cmocka_unit_test(test_unset_keys_stay_unset),
        cmocka_unit_test(test_bad_values_name_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
