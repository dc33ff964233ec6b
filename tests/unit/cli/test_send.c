/* "envoi send" as a whole: --dry-run output, usage and config errors with
 * their exit statuses, and --json against a scripted server on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/send.h"
#include "envoi.h"

#define ARGV(...) ((char *[]){"send", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"send", __VA_ARGS__}) / sizeof(char *)))

typedef struct captured {
    int status;
    char *out;
    char *err;
} captured;

static captured run_send(int argc, char **argv)
{
    captured c = {0};
    size_t out_len, err_len;
    FILE *out = open_memstream(&c.out, &out_len);
    FILE *err = open_memstream(&c.err, &err_len);
    c.status = cli_send_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return c;
}

#define RUN(...) run_send(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void release(captured *c)
{
    free(c->out);
    free(c->err);
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("'%s' not found in:\n%s", part, text);
}

static char tmp_dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/envoi-send-XXXXXX");
    if (!mkdtemp(tmp_dir) || envoi_init() < 0)
        return -1;
    /* No user or system config file may leak into these tests. */
    setenv("XDG_CONFIG_HOME", tmp_dir, 1);
    unsetenv("ENVOI_PASSWORD");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *temp_file(const char *name, const char *text)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmp_dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_dry_run_prints_the_composed_message(void **state)
{
    (void)state;
    char *body = temp_file("body.txt", "Hello there\n");
    captured c = RUN("--dry-run", "--from", "Ann <ann@example.org>", "--to", "bob@example.org",
                     "--cc", "carl@example.org", "--bcc", "secret@example.org", "--subject",
                     "Quarterly", "--text", body, "--header", "X-Tag: blue", "--priority", "high",
                     "--message-id", "<id1@example.org>", "--read-receipt");
    assert_int_equal(c.status, 0);
    assert_contains(c.out, "From: Ann <ann@example.org>\r\n");
    assert_contains(c.out, "To: bob@example.org\r\n");
    assert_contains(c.out, "Cc: carl@example.org\r\n");
    assert_contains(c.out, "Subject: Quarterly\r\n");
    assert_contains(c.out, "Message-ID: <id1@example.org>\r\n");
    assert_contains(c.out, "X-Tag: blue\r\n");
    assert_contains(c.out, "X-Priority: 1");
    assert_contains(c.out, "Disposition-Notification-To: Ann <ann@example.org>");
    assert_contains(c.out, "Hello there");
    assert_null(strstr(c.out, "secret@example.org"));
    assert_string_equal(c.err, "");
    release(&c);
}

static void test_dry_run_of_raw_prints_the_file_as_is(void **state)
{
    (void)state;
    char *raw = temp_file("raw.eml", "Subject: as is\nFrom: x@y\n\nbody\n");
    captured c = RUN("--dry-run", "--raw", raw, "--from", "x@y", "--to", "z@y");
    assert_int_equal(c.status, 0);
    assert_string_equal(c.out, "Subject: as is\nFrom: x@y\n\nbody\n");
    release(&c);
}

static void test_help_is_printed_on_stdout(void **state)
{
    (void)state;
    captured c = RUN("--help");
    assert_int_equal(c.status, 0);
    assert_contains(c.out, "Usage: envoi send");
    assert_contains(c.out, "--password-file");
    assert_contains(c.out, "Exit status");
    release(&c);
}

static void test_usage_errors_exit_64_with_a_hint(void **state)
{
    (void)state;
    captured c = RUN("--to");
    assert_int_equal(c.status, EX_USAGE);
    assert_contains(c.err, "envoi: send: option '--to' needs a value\n");
    assert_contains(c.err, "Try 'envoi send --help'.");
    release(&c);
    c = RUN("--from", "a@x.org", "--to", "b@x.org");
    assert_int_equal(c.status, EX_USAGE);
    assert_contains(c.err, "no server");
    release(&c);
}

static void test_bad_address_exits_65(void **state)
{
    (void)state;
    captured c = RUN("--dry-run", "--from", "a@x.org", "--to", "not an address");
    assert_int_equal(c.status, EX_DATAERR);
    assert_contains(c.err, "envoi: send: --to 'not an address'");
    release(&c);
    c = RUN("--dry-run", "--from", "a@x.org", "--to", "b@x.org", "--subject", "x\r\nBcc: evil@x");
    assert_int_equal(c.status, EX_DATAERR);
    release(&c);
}

static void test_unreadable_files_exit_66(void **state)
{
    (void)state;
    captured c = RUN("--dry-run", "--from", "a@x.org", "--to", "b@x.org", "--attach",
                     "/nonexistent/file.pdf");
    assert_int_equal(c.status, EX_NOINPUT);
    assert_contains(c.err, "--attach /nonexistent/file.pdf: No such file or directory");
    release(&c);
    c = RUN("--dry-run", "--from", "a@x.org", "--to", "b@x.org", "--text", "/nonexistent/t");
    assert_int_equal(c.status, EX_NOINPUT);
    release(&c);
    c = RUN("--dry-run", "--raw", "/nonexistent/m.eml", "--from", "a@x.org", "--to", "b@x.org");
    assert_int_equal(c.status, EX_NOINPUT);
    release(&c);
}

static void test_missing_or_broken_config_exits_78(void **state)
{
    (void)state;
    captured c = RUN("--dry-run", "--config", "/nonexistent/envoi.conf", "--from", "a@x.org",
                     "--to", "b@x.org");
    assert_int_equal(c.status, EX_CONFIG);
    assert_contains(c.err, "/nonexistent/envoi.conf");
    release(&c);
    char *cfg = temp_file("bad.conf", "[account a]\nserver = h\nbogus line\n");
    c = RUN("--dry-run", "--config", cfg, "--from", "a@x.org", "--to", "b@x.org");
    assert_int_equal(c.status, EX_CONFIG);
    assert_contains(c.err, "bad.conf:3:");
    release(&c);
    cfg = temp_file("two.conf", "[account a]\n[account b]\n");
    c = RUN("--dry-run", "--config", cfg, "--account", "c", "--from", "a@x.org", "--to", "b@x");
    assert_int_equal(c.status, EX_CONFIG);
    assert_contains(c.err, "no [account c]");
    release(&c);
}

static void test_config_account_supplies_the_sender(void **state)
{
    (void)state;
    char *cfg = temp_file("good.conf", "[account main]\nfrom = \"Conf, Ig\" <conf@example.org>\n");
    captured c = RUN("--dry-run", "--config", cfg, "--to", "b@example.org");
    assert_int_equal(c.status, 0);
    assert_contains(c.out, "From: \"Conf, Ig\" <conf@example.org>");
    release(&c);
    c = RUN("--dry-run", "--config", cfg, "--from", "flag@example.org", "--to", "b@example.org");
    assert_int_equal(c.status, 0);
    assert_contains(c.out, "From: flag@example.org");
    release(&c);
}

/* A scripted SMTP server: greets, accepts everything but one recipient. */
static void serve_one_session(int listener)
{
    int fd = accept(listener, NULL, NULL);
    if (fd < 0)
        _exit(1);
    FILE *in = fdopen(fd, "r");
    FILE *out = fdopen(dup(fd), "w");
    fputs("220 test ESMTP\r\n", out);
    fflush(out);
    char line[1024];
    bool data = false;
    while (fgets(line, sizeof line, in)) {
        if (data) {
            if (strcmp(line, ".\r\n") == 0) {
                data = false;
                fputs("250 2.0.0 Ok: queued as T1\r\n", out);
            }
        } else if (strncasecmp(line, "EHLO", 4) == 0) {
            fputs("250-test\r\n250 ENHANCEDSTATUSCODES\r\n", out);
        } else if (strncasecmp(line, "RCPT TO:<nobody@", 16) == 0) {
            fputs("550 5.1.1 No such user\r\n", out);
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            data = true;
            fputs("354 go ahead\r\n", out);
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            fputs("221 2.0.0 bye\r\n", out);
            fflush(out);
            break;
        } else {
            fputs("250 2.0.0 Ok\r\n", out);
        }
        fflush(out);
    }
    fclose(in);
    fclose(out);
    _exit(0);
}

static pid_t start_server(char *server, size_t size)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(listener >= 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(listen(listener, 1), 0);
    socklen_t len = sizeof addr;
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    snprintf(server, size, "127.0.0.1:%u", ntohs(addr.sin_port));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        serve_one_session(listener);
    close(listener);
    return pid;
}

static void test_json_reports_each_recipient_of_a_partial_send(void **state)
{
    (void)state;
    char server[64];
    pid_t pid = start_server(server, sizeof server);
    captured c = RUN("--server", server, "--from", "a@example.org", "--to", "b@example.org", "--to",
                     "nobody@example.org", "--subject", "hi", "--partial", "--json", "--timeout",
                     "20", "-v");
    int wstatus;
    waitpid(pid, &wstatus, 0);
    assert_int_equal(c.status, 0);
    json_error_t jerr;
    json_t *root = json_loads(c.out, 0, &jerr);
    if (!root)
        fail_msg("not JSON: %s", c.out);
    assert_string_equal(json_string_value(json_object_get(root, "status")), "sent");
    assert_string_equal(json_string_value(json_object_get(root, "server")), server);
    assert_contains(json_string_value(json_object_get(root, "reply")), "queued as T1");
    json_t *rcpts = json_object_get(root, "recipients");
    assert_int_equal(json_array_size(rcpts), 2);
    assert_true(json_is_true(json_object_get(json_array_get(rcpts, 0), "accepted")));
    json_t *refused = json_array_get(rcpts, 1);
    assert_true(json_is_false(json_object_get(refused, "accepted")));
    assert_int_equal(json_integer_value(json_object_get(refused, "code")), 550);
    assert_true(json_is_null(json_object_get(root, "error")));
    assert_contains(c.err, "recipient nobody@example.org refused by");
    assert_contains(c.err, "< 220 test ESMTP\n");
    assert_contains(c.err, "> MAIL FROM:<a@example.org>");
    json_decref(root);
    release(&c);
}

static void test_refused_recipient_without_partial_fails_with_69(void **state)
{
    (void)state;
    char server[64];
    pid_t pid = start_server(server, sizeof server);
    captured c = RUN("--server", server, "--from", "a@example.org", "--to", "nobody@example.org",
                     "--json", "--timeout", "20");
    int wstatus;
    waitpid(pid, &wstatus, 0);
    assert_int_equal(c.status, EX_UNAVAILABLE);
    assert_contains(c.err, "envoi: send: ");
    assert_contains(c.err, server);
    json_t *root = json_loads(c.out, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "status")), "error");
    json_t *e = json_object_get(root, "error");
    assert_true(json_is_object(e));
    assert_true(json_is_false(json_object_get(e, "temporary")));
    json_decref(root);
    release(&c);
}

static void test_connection_refused_exits_75_with_json(void **state)
{
    (void)state;
    /* A port nobody listens on: bind one, then close it. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s, (struct sockaddr *)&addr, sizeof addr), 0);
    socklen_t len = sizeof addr;
    getsockname(s, (struct sockaddr *)&addr, &len);
    close(s);
    char server[64];
    snprintf(server, sizeof server, "127.0.0.1:%u", ntohs(addr.sin_port));
    captured c = RUN("--server", server, "--from", "a@example.org", "--to", "b@example.org",
                     "--json", "--connect-timeout", "10");
    assert_int_equal(c.status, EX_TEMPFAIL);
    json_t *root = json_loads(c.out, 0, NULL);
    assert_non_null(root);
    json_t *e = json_object_get(root, "error");
    assert_true(json_is_true(json_object_get(e, "temporary")));
    assert_int_equal(json_array_size(json_object_get(root, "recipients")), 1);
    json_decref(root);
    release(&c);
}

static void test_missing_password_file_exits_66_before_connecting(void **state)
{
    (void)state;
    captured c = RUN("--server", "127.0.0.1:1", "--from", "a@example.org", "--to", "b@example.org",
                     "--user", "me", "--password-file", "/nonexistent/pw");
    assert_int_equal(c.status, EX_NOINPUT);
    assert_contains(c.err, "password file /nonexistent/pw");
    release(&c);
    c = RUN("--server", "127.0.0.1:1", "--from", "a@example.org", "--to", "b@example.org", "--user",
            "me", "--password-command", "exit 7");
    assert_int_equal(c.status, EX_CONFIG);
    assert_contains(c.err, "exited with status 7");
    release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dry_run_prints_the_composed_message),
        cmocka_unit_test(test_dry_run_of_raw_prints_the_file_as_is),
        cmocka_unit_test(test_help_is_printed_on_stdout),
        cmocka_unit_test(test_usage_errors_exit_64_with_a_hint),
        cmocka_unit_test(test_bad_address_exits_65),
        cmocka_unit_test(test_unreadable_files_exit_66),
        cmocka_unit_test(test_missing_or_broken_config_exits_78),
        cmocka_unit_test(test_config_account_supplies_the_sender),
        cmocka_unit_test(test_json_reports_each_recipient_of_a_partial_send),
        cmocka_unit_test(test_refused_recipient_without_partial_fails_with_69),
        cmocka_unit_test(test_connection_refused_exits_75_with_json),
        cmocka_unit_test(test_missing_password_file_exits_66_before_connecting),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
