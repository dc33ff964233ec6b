/* The SMTP client against Postfix's smtp-sink (started here on a free port
 * of 127.0.0.1; skipped when it is not installed): PIPELINING, its empty
 * last EHLO line, DSN, and many messages in one session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "envoi.h"

#define SINK "/usr/sbin/smtp-sink"

static pid_t sink_pid;
static unsigned sink_port;

static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    return ntohs(sa.sin_port);
}

static int ready(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                             .sin_port = htons((uint16_t)port)};
    int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

static int start_sink(void **state)
{
    if (access(SINK, X_OK) != 0)
        return 0;
    sink_port = free_port();
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", sink_port);
    sink_pid = fork();
    if (sink_pid == 0) {
        if (getuid() == 0)
            execl(SINK, "smtp-sink", "-u", "nobody", "-a", addr, "100", (char *)NULL);
        else
            execl(SINK, "smtp-sink", "-a", addr, "100", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !ready(sink_port); i++) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static int stop_sink(void **state)
{
    if (sink_pid > 0) {
        kill(sink_pid, SIGTERM);
        waitpid(sink_pid, NULL, 0);
    }
    return 0;
}

static envoi_smtp *connect_sink(void)
{
    if (sink_pid <= 0)
        skip();
    envoi_smtp *s = envoi_smtp_new();
    envoi_smtp_set_server(s, "127.0.0.1", sink_port);
    envoi_smtp_set_timeout(s, 10000);
    return s;
}

static void many_pipelined_messages_in_one_session(void **state)
{
    envoi_smtp *s = connect_sink();
    const char *rcpts[] = {"one@example.org", "two@example.org"};
    char msg[4096];
    for (int i = 0; i < 300; i++) {
        int n = snprintf(msg, sizeof msg, "Subject: message %d\n\n.leading dot\n%s\n", i,
                         i % 2 ? "odd" : "even");
        int rc = envoi_smtp_send_data(s, msg, (size_t)n, "from@example.org", rcpts, 2);
        if (rc != 0)
            fail_msg("message %d: %s: %s", i, envoi_err_name(rc), envoi_smtp_error(s)->text);
    }
    int ext = envoi_smtp_extensions(s);
    assert_true(ext & ENVOI_SMTP_EXT_PIPELINING);
    assert_true(ext & ENVOI_SMTP_EXT_ENHANCEDSTATUSCODES);
    size_t count;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &count);
    assert_int_equal(count, 2);
    assert_true(st[0].accepted && st[1].accepted);
    assert_int_equal(strncmp(envoi_smtp_last_reply(s), "250", 3), 0);
    assert_int_equal(envoi_smtp_quit(s), 0);
    envoi_smtp_free(s);
}

static void dsn_parameters_are_accepted(void **state)
{
    envoi_smtp *s = connect_sink();
    envoi_smtp_set_dsn(s, ENVOI_DSN_FAILURE | ENVOI_DSN_DELAY, ENVOI_DSN_RET_HDRS, "env+id");
    const char *rcpt[] = {"x@example.org"};
    const char *msg = "Subject: dsn\r\n\r\nbody\r\n";
    assert_int_equal(envoi_smtp_send_data(s, msg, strlen(msg), "", rcpt, 1), 0);
    assert_true(envoi_smtp_extensions(s) & ENVOI_SMTP_EXT_DSN);
    envoi_smtp_quit(s);
    envoi_smtp_free(s);
}

int main(void)
{
    envoi_init();
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(many_pipelined_messages_in_one_session),
        cmocka_unit_test(dsn_parameters_are_accepted),
    };
    return cmocka_run_group_tests(tests, start_sink, stop_sink);
}
