/* envoi sendmail's message and options: reading to a lone dot, CRLF line
 * ends, header recipients with groups and comments, Bcc removed, fields
 * added when missing, and the sendmail option forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sendmail_args.h"
#include "cli/sendmail_msg.h"
#include "envoi/smtp.h"

/* Read text as standard input would hold it, then index it. */
static void load(cli_sendmail_msg *m, const char *text, bool ignore_dots)
{
    memset(m, 0, sizeof *m);
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    assert_int_equal(cli_sendmail_read(f, ignore_dots, m), 0);
    fclose(f);
    assert_int_equal(cli_sendmail_index(m), 0);
}

/* The source written with an added From of name <addr>. */
static char *written(const cli_sendmail_msg *m, const char *name, const char *addr)
{
    envoi_buf out = ENVOI_BUF_INIT;
    assert_int_equal(cli_sendmail_write(m, name, addr, &out), 0);
    return envoi_buf_steal(&out, NULL);
}

static void free_list(cli_strlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
}

static void test_a_lone_dot_ends_the_message_unless_ignored(void **state)
{
    (void)state;
    const char *text = "Subject: s\n\none\n..two\n. \n.\nafter\n";
    cli_sendmail_msg m;
    load(&m, text, false);
    assert_string_equal(m.in.data, "Subject: s\r\n\r\none\r\n..two\r\n. \r\n");
    cli_sendmail_msg_free(&m);
    load(&m, text, true);
    assert_string_equal(m.in.data, "Subject: s\r\n\r\none\r\n..two\r\n. \r\n.\r\nafter\r\n");
    cli_sendmail_msg_free(&m);
}

static void test_line_ends_become_crlf(void **state)
{
    (void)state;
    cli_sendmail_msg m;
    load(&m, "Subject: s\r\n\nmixed\r\nends\nlast without", true);
    assert_string_equal(m.in.data, "Subject: s\r\n\r\nmixed\r\nends\r\nlast without\r\n");
    cli_sendmail_msg_free(&m);
}

static void test_header_recipients_with_groups_and_comments(void **state)
{
    (void)state;
    cli_sendmail_msg m;
    load(&m,
         "To: \"Doe, Jane\" <jane@example.org>, bob@example.org (Bob)\n"
         "Cc: Team: a@example.org, b@example.org;, undisclosed-recipients:;\n"
         "Bcc:\n  hidden@example.org\n"
         "Subject: x\n\nbody\n",
         true);
    cli_strlist rcpts = {0};
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(cli_sendmail_header_recipients(&m, &rcpts, &why), 0);
    assert_int_equal(rcpts.count, 5);
    assert_string_equal(rcpts.items[0], "jane@example.org");
    assert_string_equal(rcpts.items[1], "bob@example.org");
    assert_string_equal(rcpts.items[2], "a@example.org");
    assert_string_equal(rcpts.items[3], "b@example.org");
    assert_string_equal(rcpts.items[4], "hidden@example.org");
    free_list(&rcpts);
    envoi_buf_free(&why);
    cli_sendmail_msg_free(&m);
}

static void test_resent_fields_win_over_to_and_cc(void **state)
{
    (void)state;
    cli_sendmail_msg m;
    load(&m, "To: old@example.org\nResent-To: new@example.org\n\nbody\n", true);
    cli_strlist rcpts = {0};
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(cli_sendmail_header_recipients(&m, &rcpts, &why), 0);
    assert_int_equal(rcpts.count, 1);
    assert_string_equal(rcpts.items[0], "new@example.org");
    free_list(&rcpts);
    envoi_buf_free(&why);
    cli_sendmail_msg_free(&m);
}

static void test_a_bad_header_address_is_named(void **state)
{
    (void)state;
    cli_sendmail_msg m;
    load(&m, "To: not an address\n\nbody\n", true);
    cli_strlist rcpts = {0};
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(cli_sendmail_header_recipients(&m, &rcpts, &why), ENVOI_EADDRESS);
    assert_non_null(strstr(why.data, "'not an address'"));
    free_list(&rcpts);
    envoi_buf_free(&why);
    cli_sendmail_msg_free(&m);
}

static void test_bcc_goes_and_missing_fields_are_added(void **state)
{
    (void)state;
    cli_sendmail_msg m;
    load(&m, "To: a@example.org\nBcc: b@example.org,\n c@example.org\nSubject: s\n\nbody\n", true);
    char *src = written(&m, "Jane Doe", "jane@example.org");
    assert_null(strstr(src, "Bcc"));
    assert_null(strstr(src, "c@example.org"));
    assert_non_null(strstr(src, "To: a@example.org\r\nSubject: s\r\n"));
    assert_non_null(strstr(src, "\r\nFrom: Jane Doe <jane@example.org>\r\n"));
    assert_non_null(strstr(src, "\r\nDate: "));
    assert_non_null(strstr(src, "\r\nMessage-ID: <"));
    assert_non_null(strstr(src, "\r\n\r\nbody\r\n"));
    free(src);
    cli_sendmail_msg_free(&m);
}

static void test_existing_fields_are_kept(void **state)
{
    (void)state;
    cli_sendmail_msg m;
    load(&m,
         "From: Author <author@example.org>\nDate: Mon, 2 Mar 2026 10:00:00 +0100\n"
         "Message-Id: <x@example.org>\n\nbody\n",
         true);
    assert_string_equal(m.from_addr, "author@example.org");
    char *src = written(&m, NULL, "other@example.org");
    assert_string_equal(src, "From: Author <author@example.org>\r\n"
                             "Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n"
                             "Message-Id: <x@example.org>\r\n\r\nbody\r\n");
    free(src);
    cli_sendmail_msg_free(&m);
}

static void test_a_body_without_header_and_an_mbox_line(void **state)
{
    (void)state;
    cli_sendmail_msg m;
    load(&m, "From someone Mon Mar  2 10:00:00 2026\nSubject: s\nnot a field\nmore\n", true);
    assert_int_equal(m.nfields, 1);
    char *src = written(&m, NULL, "a@example.org");
    assert_int_equal(strncmp(src, "Subject: s\r\nFrom: a@example.org\r\n", 33), 0);
    assert_non_null(strstr(src, "\r\n\r\nnot a field\r\nmore\r\n"));
    assert_null(strstr(src, "someone"));
    free(src);
    cli_sendmail_msg_free(&m);
}

static int parse(cli_sendmail_args *a, envoi_buf *why, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return cli_sendmail_args_parse(a, argc, argv, why);
}

static void test_options_in_their_sendmail_forms(void **state)
{
    (void)state;
    char *argv[] = {"sendmail",
                    "-ti",
                    "-fbounce@example.org",
                    "-F",
                    "Jane",
                    "-odi",
                    "-oem",
                    "-oQ/q",
                    "-bm",
                    "a@example.org, b@example.org",
                    "-N",
                    "failure,delay",
                    "-R",
                    "hdrs",
                    "-V",
                    "env1",
                    "-O",
                    "DeliveryMode=b",
                    "-B",
                    "8BITMIME",
                    "--",
                    "-c@example.org",
                    NULL};
    cli_sendmail_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    assert_int_equal(parse(&a, &why, argv), 0);
    assert_true(a.extract);
    assert_true(a.ignore_dots);
    assert_string_equal(a.from, "bounce@example.org");
    assert_string_equal(a.full_name, "Jane");
    assert_int_equal(a.dsn_notify, ENVOI_DSN_FAILURE | ENVOI_DSN_DELAY);
    assert_int_equal(a.dsn_ret, ENVOI_DSN_RET_HDRS);
    assert_string_equal(a.envid, "env1");
    assert_int_equal(a.rcpts.count, 3);
    assert_string_equal(a.rcpts.items[1], "b@example.org");
    assert_string_equal(a.rcpts.items[2], "-c@example.org");
    cli_sendmail_args_free(&a);
    envoi_buf_free(&why);
}

static void test_null_sender_and_usage_errors(void **state)
{
    (void)state;
    cli_sendmail_args a;
    envoi_buf why = ENVOI_BUF_INIT;
    char *null_sender[] = {"sendmail", "-f", "<>", "a@example.org", NULL};
    assert_int_equal(parse(&a, &why, null_sender), 0);
    assert_string_equal(a.from, "");
    cli_sendmail_args_free(&a);
    struct {
        char *arg;
        const char *says;
    } bad[] = {{"-q", "unknown option '-q'"},   {"-bs", "-bs is not supported"},
               {"-oZ", "unknown option '-oZ'"}, {"-Rsome", "-R some: expected full or hdrs"},
               {"-f", "-f needs a value"},      {"--frobnicate", "unknown option '--frobnicate'"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *argv[] = {"sendmail", bad[i].arg, NULL};
        envoi_buf_clear(&why);
        assert_int_equal(parse(&a, &why, argv), CLI_USAGE);
        if (!strstr(why.data, bad[i].says))
            fail_msg("%s: '%s' lacks '%s'", bad[i].arg, why.data, bad[i].says);
        cli_sendmail_args_free(&a);
    }
    envoi_buf_free(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_lone_dot_ends_the_message_unless_ignored),
        cmocka_unit_test(test_line_ends_become_crlf),
        cmocka_unit_test(test_header_recipients_with_groups_and_comments),
        cmocka_unit_test(test_resent_fields_win_over_to_and_cc),
        cmocka_unit_test(test_a_bad_header_address_is_named),
        cmocka_unit_test(test_bcc_goes_and_missing_fields_are_added),
        cmocka_unit_test(test_existing_fields_are_kept),
        cmocka_unit_test(test_a_body_without_header_and_an_mbox_line),
        cmocka_unit_test(test_options_in_their_sendmail_forms),
        cmocka_unit_test(test_null_sender_and_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
