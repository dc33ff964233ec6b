/* envoid's log routing: levels to syslog priorities, one flattened line per
 * event handed to the chosen sink, and the stderr sink's line format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon/log.h"

static int got_priority = -1;
static char got_text[256];
static size_t got_calls;

static void capture(int priority, const char *text, size_t len)
{
    got_priority = priority;
    snprintf(got_text, sizeof got_text, "%.*s", (int)len, text);
    got_calls++;
}

static void test_levels_are_priorities(void **state)
{
    (void)state;
    assert_int_equal(envoid_log_priority("info"), LOG_INFO);
    assert_int_equal(envoid_log_priority("warning"), LOG_WARNING);
    assert_int_equal(envoid_log_priority("error"), LOG_ERR);
}

static void test_lines_go_to_the_sink(void **state)
{
    (void)state;
    envoid_log_set_sink(capture);
    got_calls = 0;
    envoid_info("submitted id=%s size=%d", "abc", 12);
    assert_int_equal(got_priority, LOG_INFO);
    assert_string_equal(got_text, "submitted id=abc size=12");
    envoid_warn("filter verdict=%s", "fail");
    assert_int_equal(got_priority, LOG_WARNING);
    assert_string_equal(got_text, "filter verdict=fail");
    envoid_error("cannot open %s", "x");
    assert_int_equal(got_priority, LOG_ERR);
    assert_string_equal(got_text, "cannot open x");
    assert_int_equal(got_calls, 3);
    envoid_log_set_sink(NULL);
}

static void test_control_characters_flattened(void **state)
{
    (void)state;
    envoid_log_set_sink(capture);
    envoid_info("reason=\"%s\"", "one\ntwo\r\x1b");
    assert_string_equal(got_text, "reason=\"one?two??\"");
    envoid_log_set_sink(NULL);
}

static void test_stderr_line_format(void **state)
{
    (void)state;
    char path[] = "/tmp/envoi-test-log.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    dup2(fd, STDERR_FILENO);
    envoid_log_set_sink(NULL); /* back to stderr */
    envoid_warn("no workers count=%d", 0);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char line[256] = "";
    ssize_t n = pread(fd, line, sizeof line - 1, 0);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    line[n] = '\0';
    assert_int_equal(strncmp(line, "envoid: ", 8), 0);
    assert_non_null(strstr(line, "Z warning no workers count=0\n"));
    assert_int_equal(line[8 + 4], '-'); /* envoid: YYYY-MM-DDThh:mm:ss.mmmZ */
    assert_int_equal(strchr(line, '\n') - line, n - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_are_priorities),
        cmocka_unit_test(test_lines_go_to_the_sink),
        cmocka_unit_test(test_control_characters_flattened),
        cmocka_unit_test(test_stderr_line_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
