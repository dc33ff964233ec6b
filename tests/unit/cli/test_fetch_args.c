/* "envoi list" / "envoi fetch" options: server options shared with send,
 * one destination, --delete only where saving is durable, --limit checked;
 * the default seen file's path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cli/fetch_seen.h"
#include "cli/mail_args.h"
#include "cli/send_plan.h"
#include "envoi/tls.h"

#define ARGV(...) ((char *[]){"fetch", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"fetch", __VA_ARGS__}) / sizeof(char *)))

static int parse(cli_mail_args *a, bool fetch, int argc, char **argv, envoi_buf *why)
{
    return cli_mail_args_parse(a, fetch, argc, argv, why);
}

static void expect_usage(bool fetch, int argc, char **argv, const char *reason)
{
    cli_mail_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(parse(&a, fetch, argc, argv, &why), CLI_USAGE);
    assert_non_null(why.data);
    if (!strstr(why.data, reason))
        fail_msg("'%s' lacks '%s'", why.data, reason);
    envoi_buf_free(&why);
    cli_mail_args_free(&a);
}

#define FETCH_USAGE(reason, ...) expect_usage(true, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), reason)
#define LIST_USAGE(reason, ...) expect_usage(false, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), reason)

static void test_fetch_options_are_mapped(void **state)
{
    (void)state;
    cli_mail_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(parse(&a, true,
                           ARGC("--server", "pop.test:1100", "--security", "tls", "--user", "me",
                                "--password-file", "/pw", "--ca-file", "/ca", "--timeout", "5",
                                "--maildir", "/m", "--delete", "--unseen", "--limit", "7",
                                "--seen-file", "/s", "--account", "work"),
                           ARGV("--server", "pop.test:1100", "--security", "tls", "--user", "me",
                                "--password-file", "/pw", "--ca-file", "/ca", "--timeout", "5",
                                "--maildir", "/m", "--delete", "--unseen", "--limit", "7",
                                "--seen-file", "/s", "--account", "work"),
                           &why),
                     0);
    assert_string_equal(a.server.server, "pop.test:1100");
    assert_int_equal(a.server.security, ENVOI_SECURITY_TLS);
    assert_string_equal(a.server.user, "me");
    assert_string_equal(a.server.password_file, "/pw");
    assert_string_equal(a.server.ca_file, "/ca");
    assert_int_equal(a.server.timeout_ms, 5000);
    assert_string_equal(a.server.account, "work");
    assert_int_equal(a.dest, CLI_DEST_MAILDIR);
    assert_string_equal(a.dest_path, "/m");
    assert_true(a.delete_after);
    assert_true(a.unseen);
    assert_int_equal(a.limit, 7);
    assert_string_equal(a.seen_file, "/s");
    assert_string_equal(a.protocol, "pop3");
    envoi_buf_free(&why);
    cli_mail_args_free(&a);
}

static void test_json_is_a_destination(void **state)
{
    (void)state;
    cli_mail_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(parse(&a, true, ARGC("--server", "h", "--json", "--headers-only"),
                           ARGV("--server", "h", "--json", "--headers-only"), &why),
                     0);
    assert_int_equal(a.dest, CLI_DEST_JSON);
    assert_true(a.headers_only);
    cli_mail_args_free(&a);
    envoi_buf_free(&why);
}

static void test_fetch_needs_exactly_one_destination(void **state)
{
    (void)state;
    FETCH_USAGE("no destination", "--server", "h");
    FETCH_USAGE("give one destination", "--maildir", "/a", "--mbox", "/b");
    FETCH_USAGE("cannot be combined", "--store", "/a", "--json");
    FETCH_USAGE("non-empty", "--maildir", "");
}

static void test_delete_needs_a_durable_whole_copy(void **state)
{
    (void)state;
    FETCH_USAGE("durable destination", "--json", "--delete");
    FETCH_USAGE("never saved", "--maildir", "/m", "--headers-only", "--delete");
}

static void test_limit_must_be_a_positive_number(void **state)
{
    (void)state;
    FETCH_USAGE("--limit", "--maildir", "/m", "--limit", "0");
    FETCH_USAGE("--limit", "--maildir", "/m", "--limit", "ten");
    FETCH_USAGE("--limit", "--maildir", "/m", "--limit", "-3");
}

static void test_server_values_checked_as_send_does(void **state)
{
    (void)state;
    LIST_USAGE("none, starttls or tls", "--security", "ssl");
    LIST_USAGE("port number", "--port", "70000");
    LIST_USAGE("exclusive", "--password-file", "/a", "--password-command", "b");
    LIST_USAGE("needs a value", "--server");
    LIST_USAGE("takes no value", "--allow-plaintext-auth=yes");
}

static void test_list_refuses_fetch_options(void **state)
{
    (void)state;
    LIST_USAGE("unknown option '--maildir'", "--maildir", "/m");
    LIST_USAGE("unknown option '--delete'", "--delete");
    LIST_USAGE("unexpected argument", "inbox");
}

static void test_protocol_is_pop3_or_imap(void **state)
{
    (void)state;
    LIST_USAGE("not pop3 or imap", "--protocol", "smtp");
    cli_mail_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(parse(&a, false, ARGC("--protocol", "imap"), ARGV("--protocol", "imap"), &why),
                     0);
    assert_string_equal(a.protocol, "imap");
    assert_string_equal(a.folder, "INBOX");
    cli_mail_args_free(&a);
    envoi_buf_free(&why);
}

static void test_folder_is_imap_only(void **state)
{
    (void)state;
    cli_mail_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(parse(&a, false, ARGC("--protocol", "imap", "--folder", "Reçus"),
                           ARGV("--protocol", "imap", "--folder", "Reçus"), &why),
                     0);
    assert_string_equal(a.folder, "Reçus");
    cli_mail_args_free(&a);
    envoi_buf_free(&why);
    LIST_USAGE("--folder needs --protocol imap", "--folder", "Junk");
    LIST_USAGE("needs a non-empty value", "--protocol", "imap", "--folder", "");
    FETCH_USAGE("--seen-file is for pop3", "--protocol", "imap", "--seen-file", "/s", "--maildir",
                "/m");
}

static void test_help_needs_no_destination(void **state)
{
    (void)state;
    cli_mail_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    parse(&a, true, ARGC("--help"), ARGV("--help"), &why);
    assert_true(a.help);
    cli_mail_args_free(&a);
    envoi_buf_free(&why);
}

static void test_seen_file_defaults_under_state_home(void **state)
{
    (void)state;
    envoi_buf p = ENVOI_BUF_INIT;
    assert_int_equal(cli_seen_default_path("me@pop:995", "/st", "/home/me", &p), 0);
    assert_string_equal(p.data, "/st/envoi/seen/me@pop:995");
    assert_int_equal(cli_seen_default_path("work", NULL, "/home/me", &p), 0);
    assert_string_equal(p.data, "/home/me/.local/state/envoi/seen/work");
    assert_int_equal(cli_seen_default_path("work", "relative", "/home/me", &p), 0);
    assert_string_equal(p.data, "/home/me/.local/state/envoi/seen/work");
    assert_int_equal(cli_seen_default_path("../a/b", "/st", NULL, &p), 0);
    assert_string_equal(p.data, "/st/envoi/seen/_._a_b");
    assert_int_equal(cli_seen_default_path("x", NULL, "", &p), -1);
    envoi_buf_free(&p);
}

static const cli_default_ports pop3_ports = {110, 110, 995};

static unsigned planned_port(const char *security, envoi_security *chosen)
{
    cli_mail_args a;
    cli_send_plan p;
    envoi_buf why = ENVOI_BUF_INIT;
    char *argv[] = {"list",
                    "--server",
                    "pop.test",
                    "--user",
                    "me",
                    "--password-file",
                    "/pw",
                    security ? "--security" : NULL,
                    (char *)security,
                    NULL};
    assert_int_equal(cli_mail_args_parse(&a, false, security ? 9 : 7, argv, &why), 0);
    assert_int_equal(cli_server_plan_make(&p, &a.server, NULL, NULL, &pop3_ports, &why), 0);
    unsigned port = p.port;
    *chosen = p.security;
    cli_send_plan_free(&p);
    cli_mail_args_free(&a);
    envoi_buf_free(&why);
    return port;
}

static void test_pop3_ports_follow_security(void **state)
{
    (void)state;
    envoi_security sec;
    assert_int_equal(planned_port("tls", &sec), 995);
    assert_int_equal(sec, ENVOI_SECURITY_TLS);
    assert_int_equal(planned_port("starttls", &sec), 110);
    assert_int_equal(planned_port("none", &sec), 110);
    assert_int_equal(planned_port(NULL, &sec), 110);
    assert_int_equal(sec, ENVOI_SECURITY_STARTTLS); /* a login never goes in clear by default */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch_options_are_mapped),
        cmocka_unit_test(test_json_is_a_destination),
        cmocka_unit_test(test_fetch_needs_exactly_one_destination),
        cmocka_unit_test(test_delete_needs_a_durable_whole_copy),
        cmocka_unit_test(test_limit_must_be_a_positive_number),
        cmocka_unit_test(test_server_values_checked_as_send_does),
        cmocka_unit_test(test_list_refuses_fetch_options),
        cmocka_unit_test(test_protocol_is_pop3_or_imap),
        cmocka_unit_test(test_folder_is_imap_only),
        cmocka_unit_test(test_help_needs_no_destination),
        cmocka_unit_test(test_seen_file_defaults_under_state_home),
        cmocka_unit_test(test_pop3_ports_follow_security),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
