/* A batch of messages over one session: the next envelope goes out before
 * the reply to the end of data (the scripted server reads it before it
 * answers, which would deadlock a client that waited), each message gets
 * its own outcome, a refused one does not stop the others, a connection
 * that drops is opened again only for a message that never got an answer;
 * and a real server (Postfix's smtp-sink) takes a long batch whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "envoi.h"
#include "fault_server.h"
#include "smtp/batch.h"

#define MAX_ITEMS 300

typedef struct outcomes {
    size_t count;
    int rc[MAX_ITEMS];
    char reply[MAX_ITEMS][1100];
    int rcpt_code[MAX_ITEMS];
} outcomes;

static void on_done(void *ctx, size_t i, int rc, envoi_smtp *s);
typedef struct run {
    outcomes out;
    envoi_smtp *s;
} run;

static void record(void *ctx, size_t i, int rc)
{
    run *r = ctx;
    on_done(&r->out, i, rc, r->s);
}

static void on_done(void *ctx, size_t i, int rc, envoi_smtp *s)
{
    outcomes *o = ctx;
    assert_int_equal(i, o->count); /* in order, each once */
    o->rc[i] = rc;
    snprintf(o->reply[i], sizeof o->reply[i], "%s",
             rc == 0 ? envoi_smtp_last_reply(s) : envoi_smtp_error(s)->text);
    size_t n = 0;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &n);
    o->rcpt_code[i] = n ? st[0].reply_code : 0;
    o->count++;
}

static const char source[] =
    "From: a@example.org\r\nTo: b@example.net\r\nSubject: batch\r\n\r\nHi.\r\n";
static const char *const rcpt_b[] = {"b@example.net"};

static smtp_batch_item item(void)
{
    return (smtp_batch_item){source, sizeof source - 1, "a@example.org", rcpt_b, 1};
}

static envoi_smtp *client(unsigned port, int timeout_ms)
{
    envoi_smtp *s = envoi_smtp_new();
    assert_non_null(s);
    assert_int_equal(envoi_smtp_set_server(s, "127.0.0.1", port), 0);
    assert_int_equal(envoi_smtp_set_helo_name(s, "client.test"), 0);
    assert_int_equal(envoi_smtp_set_timeout(s, timeout_ms), 0);
    return s;
}

static size_t send_batch(run *r, const smtp_batch_item *items, size_t n)
{
    smtp_batch_ops ops = {.done = record, .ctx = r};
    return smtp_send_batch(r->s, items, n, &ops);
}

#define GREET                                                                                      \
    {'S', "220 fs ESMTP\r\n"}, {'E', "EHLO client.test"},                                          \
    {                                                                                              \
        'S', "250-fs\r\n250-PIPELINING\r\n250 8BITMIME\r\n"                                        \
    }

static void test_the_next_envelope_goes_before_the_reply(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        GREET,
        {'E', "MAIL FROM:<a@example.org>"},
        {'E', "RCPT TO:<b@example.net>"},
        {'E', "DATA"},
        {'S', "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n"},
        {'D', NULL},
        /* Read before the first message is answered: */
        {'E', "MAIL FROM:<a@example.org>"},
        {'E', "RCPT TO:<b@example.net>"},
        {'E', "DATA"},
        {'S', "250 2.0.0 queued as ONE\r\n250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n"},
        {'D', NULL},
        {'E', "MAIL FROM:<a@example.org>"},
        {'E', "RCPT TO:<b@example.net>"},
        {'E', "DATA"},
        {'S', "250 2.0.0 queued as TWO\r\n250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n"},
        {'D', NULL},
        {'S', "250 2.0.0 queued as THREE\r\n"},
        {'E', "QUIT"},
        {'S', "221 bye\r\n"},
        {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    run r = {.s = client(fs.port, 5000)};
    smtp_batch_item items[3] = {item(), item(), item()};
    assert_int_equal(send_batch(&r, items, 3), 3);
    envoi_smtp_quit(r.s);
    assert_string_equal(fs_finish(&fs), "");
    for (int i = 0; i < 3; i++)
        assert_int_equal(r.out.rc[i], 0);
    assert_non_null(strstr(r.out.reply[0], "ONE"));
    assert_non_null(strstr(r.out.reply[1], "TWO"));
    assert_non_null(strstr(r.out.reply[2], "THREE"));
    envoi_smtp_free(r.s);
    fs_free(&fs);
}

static void test_a_refused_message_leaves_the_others(void **state)
{
    (void)state;
    static const char *const nobody[] = {"nobody@example.net"};
    static const struct fs_step script[] = {
        GREET,
        {'E', "MAIL FROM:<a@example.org>"},
        {'E', "RCPT TO:<b@example.net>"},
        {'E', "DATA"},
        {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
        {'D', NULL},
        {'E', "MAIL FROM:<a@example.org>"},
        {'E', "RCPT TO:<nobody@example.net>"},
        {'E', "DATA"},
        {'S', "250 queued as ONE\r\n250 ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no valid "
              "recipients\r\n"},
        {'E', "RSET"},
        {'S', "250 ok\r\n"},
        {'E', "MAIL FROM:<a@example.org>"},
        {'E', "RCPT TO:<b@example.net>"},
        {'E', "DATA"},
        {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
        {'D', NULL},
        {'S', "250 queued as THREE\r\n"},
        {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    run r = {.s = client(fs.port, 5000)};
    smtp_batch_item items[3] = {item(), item(), item()};
    items[1].rcpts = nobody;
    assert_int_equal(send_batch(&r, items, 3), 3);
    envoi_smtp_quit(r.s);
    assert_string_equal(fs_finish(&fs), "");
    assert_int_equal(r.out.rc[0], 0);
    assert_int_equal(r.out.rc[1], ENVOI_ENORCPT);
    assert_int_equal(r.out.rcpt_code[1], 550);
    assert_non_null(strstr(r.out.reply[1], "no such user"));
    assert_int_equal(r.out.rc[2], 0);
    assert_non_null(strstr(r.out.reply[2], "THREE"));
    envoi_smtp_free(r.s);
    fs_free(&fs);
}

static void test_a_drop_fails_only_what_was_unanswered(void **state)
{
    (void)state;
    /* The server answers the first message and hangs up: the second one's
     * envelope, already sent, never had an answer, so it goes again on a
     * new connection (here the listener no longer answers: it fails, as a
     * temporary failure, never as sent). */
    static const struct fs_step script[] = {GREET,
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'E', "RCPT TO:<b@example.net>"},
                                            {'E', "DATA"},
                                            {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'D', NULL},
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'S', "250 queued as ONE\r\n"},
                                            {'C', NULL},
                                            {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    run r = {.s = client(fs.port, 1500)};
    smtp_batch_item items[2] = {item(), item()};
    assert_int_equal(send_batch(&r, items, 2), 2);
    assert_string_equal(fs_finish(&fs), "");
    assert_int_equal(r.out.rc[0], 0);
    assert_non_null(strstr(r.out.reply[0], "ONE"));
    assert_true(r.out.rc[1] < 0);
    envoi_error e = {.code = r.out.rc[1]};
    assert_true(envoi_error_is_temporary(&e));
    envoi_smtp_free(r.s);
    fs_free(&fs);
}

static bool stop_at_two(void *ctx, size_t i)
{
    (void)ctx;
    return i < 2;
}

static void test_may_send_stops_the_batch(void **state)
{
    (void)state;
    static const struct fs_step script[] = {GREET,
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'E', "RCPT TO:<b@example.net>"},
                                            {'E', "DATA"},
                                            {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'D', NULL},
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'E', "RCPT TO:<b@example.net>"},
                                            {'E', "DATA"},
                                            {'S', "250 queued\r\n250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "250 queued\r\n"},
                                            {'E', "QUIT"},
                                            {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    run r = {.s = client(fs.port, 5000)};
    smtp_batch_item items[4] = {item(), item(), item(), item()};
    smtp_batch_ops ops = {.may_send = stop_at_two, .done = record, .ctx = &r};
    assert_int_equal(smtp_send_batch(r.s, items, 4, &ops), 2);
    assert_int_equal(r.out.count, 2);
    envoi_smtp_quit(r.s);
    assert_string_equal(fs_finish(&fs), "");
    envoi_smtp_free(r.s);
    fs_free(&fs);
}

static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static void test_smtp_sink_takes_a_long_batch(void **state)
{
    (void)state;
    if (access("/usr/sbin/smtp-sink", X_OK) != 0)
        skip();
    unsigned port = free_port();
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    pid_t pid = fork();
    if (pid == 0) {
        if (getuid() == 0)
            execl("/usr/sbin/smtp-sink", "smtp-sink", "-u", "nobody", "-a", addr, "10",
                  (char *)NULL);
        else
            execl("/usr/sbin/smtp-sink", "smtp-sink", "-a", addr, "10", (char *)NULL);
        _exit(127);
    }
    run r = {.s = client(port, 10000)};
    for (int i = 0; i < 100 && envoi_smtp_connect(r.s) < 0; i++)
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    static smtp_batch_item items[MAX_ITEMS];
    for (size_t i = 0; i < MAX_ITEMS; i++)
        items[i] = item();
    assert_int_equal(send_batch(&r, items, MAX_ITEMS), MAX_ITEMS);
    for (size_t i = 0; i < MAX_ITEMS; i++) {
        assert_int_equal(r.out.rc[i], 0);
        assert_int_equal(r.out.rcpt_code[i], 250);
    }
    assert_true(envoi_smtp_is_connected(r.s)); /* one connection for all */
    envoi_smtp_quit(r.s);
    envoi_smtp_free(r.s);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_next_envelope_goes_before_the_reply),
        cmocka_unit_test(test_a_refused_message_leaves_the_others),
        cmocka_unit_test(test_a_drop_fails_only_what_was_unanswered),
        cmocka_unit_test(test_may_send_stops_the_batch),
        cmocka_unit_test(test_smtp_sink_takes_a_long_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
