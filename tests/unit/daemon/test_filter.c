/* envoid's content filter runner: accept, reject with the reason from stderr,
 * rewrite from stdout, the envelope in the environment, timeouts, crashes,
 * filters that stop reading early or write too much, bounded stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/filter.h"

#define SRC "From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n"

static const char *const rcpts[] = {"b@example.org", "c@example.org"};

static envoid_filter_verdict run(const char *command, unsigned timeout_ms, size_t max_output,
                                 const char *src, size_t len, envoid_filter_result *res)
{
    envoid_filter f = {command, timeout_ms, max_output};
    return envoid_filter_run(&f, "a@example.org", rcpts, 2, src, len, res);
}

static envoid_filter_verdict run_src(const char *command, envoid_filter_result *res)
{
    return run(command, 20000, 1 << 20, SRC, strlen(SRC), res);
}

static void test_accept_when_silent(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run_src("cat >/dev/null", &res), ENVOID_FILTER_ACCEPT);
    assert_int_equal(res.exit_status, 0);
    assert_null(res.output);
    assert_string_equal(res.reason, "");
    envoid_filter_result_free(&res);
}

static void test_envelope_in_environment(void **state)
{
    (void)state;
    envoid_filter_result res;
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "test \"$ENVOI_FROM\" = a@example.org || { echo from >&2; exit 1; }; "
             "test \"$ENVOI_RECIPIENTS\" = 'b@example.org c@example.org' || "
             "{ echo rcpt >&2; exit 1; }; "
             "test \"$ENVOI_SIZE\" = %zu || { echo size >&2; exit 1; }; cat >/dev/null",
             strlen(SRC));
    setenv("ENVOI_FROM", "stale@example.org", 1);
    assert_int_equal(run_src(cmd, &res), ENVOID_FILTER_ACCEPT);
    unsetenv("ENVOI_FROM");
    envoid_filter_result_free(&res);
}

static void test_the_source_on_stdin(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run_src("grep -q '^Subject: hi' || exit 1", &res), ENVOID_FILTER_ACCEPT);
    envoid_filter_result_free(&res);
}

static void test_reject_with_first_stderr_line(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run_src("cat >/dev/null; printf '\\n  spam: no thanks  \\nmore\\n' >&2; "
                             "exit 65",
                             &res),
                     ENVOID_FILTER_REJECT);
    assert_int_equal(res.exit_status, 65);
    assert_string_equal(res.reason, "spam: no thanks");
    envoid_filter_result_free(&res);
}

static void test_reject_without_words(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run_src("exit 1", &res), ENVOID_FILTER_REJECT);
    assert_string_equal(res.reason, "rejected by the content filter (exit 1)");
    envoid_filter_result_free(&res);
}

static void test_rewrite_from_stdout(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(
        run_src("printf 'X-Filtered: yes\\r\\n'; cat; printf -- '-- \\r\\nfooter\\r\\n'", &res),
        ENVOID_FILTER_REWRITE);
    const char *want = "X-Filtered: yes\r\n" SRC "-- \r\nfooter\r\n";
    assert_int_equal(res.output_len, strlen(want));
    assert_memory_equal(res.output, want, res.output_len);
    assert_int_equal(res.output[res.output_len], '\0');
    envoid_filter_result_free(&res);
    assert_null(res.output);
}

static void test_timeout_kills_the_group(void **state)
{
    (void)state;
    envoid_filter_result res;
    /* The background sleep holds stdout open: the whole group must go. */
    assert_int_equal(run("sleep 60 & cat >/dev/null; wait", 300, 1024, SRC, strlen(SRC), &res),
                     ENVOID_FILTER_FAIL);
    assert_non_null(strstr(res.reason, "timed out after 300 ms"));
    envoid_filter_result_free(&res);
}

static void test_timeout_after_closing_its_output(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run("exec >&- 2>&-; sleep 60", 300, 1024, SRC, strlen(SRC), &res),
                     ENVOID_FILTER_FAIL);
    assert_non_null(strstr(res.reason, "timed out"));
    envoid_filter_result_free(&res);
}

static void test_crash_is_a_failure(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run_src("kill -SEGV $$", &res), ENVOID_FILTER_FAIL);
    assert_int_equal(res.exit_status, -SIGSEGV);
    assert_non_null(strstr(res.reason, "SIGSEGV"));
    envoid_filter_result_free(&res);
    /* A script whose command crashed: its shell exits 128 + the signal. */
    assert_int_equal(run_src("cat >/dev/null; exit 139", &res), ENVOID_FILTER_FAIL);
    assert_int_equal(res.exit_status, 139);
    assert_string_equal(res.reason, "killed by signal 11 (SIGSEGV)");
    envoid_filter_result_free(&res);
}

static void test_tempfail_and_missing_command_fail(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run_src("echo busy >&2; exit 75", &res), ENVOID_FILTER_FAIL);
    assert_string_equal(res.reason, "exit 75: busy");
    envoid_filter_result_free(&res);
    assert_int_equal(run_src("/nonexistent/envoi-filter", &res), ENVOID_FILTER_FAIL);
    assert_int_equal(res.exit_status, 127);
    envoid_filter_result_free(&res);
}

static char *big_source(size_t len)
{
    char *src = malloc(len + 1);
    assert_non_null(src);
    memset(src, 'x', len);
    memcpy(src, "Subject: big\r\n\r\n", 16);
    src[len] = '\0';
    return src;
}

/* 10 MB on stdin, and the filter reads 100 bytes then leaves. */
static void test_partial_read_no_deadlock(void **state)
{
    (void)state;
    size_t len = 10u * 1024 * 1024;
    char *src = big_source(len);
    envoid_filter_result res;
    assert_int_equal(
        run("head -c 100 >/dev/null; echo too big >&2; exit 3", 20000, len, src, len, &res),
        ENVOID_FILTER_REJECT);
    assert_string_equal(res.reason, "too big");
    envoid_filter_result_free(&res);
    assert_int_equal(run("exit 0", 20000, len, src, len, &res), ENVOID_FILTER_ACCEPT);
    envoid_filter_result_free(&res);
    free(src);
}

/* 10 MB through cat: it writes as it reads, both pipes full at once. */
static void test_large_rewrite_both_ways(void **state)
{
    (void)state;
    size_t len = 10u * 1024 * 1024;
    char *src = big_source(len);
    envoid_filter_result res;
    assert_int_equal(run("cat", 20000, len, src, len, &res), ENVOID_FILTER_REWRITE);
    assert_int_equal(res.output_len, len);
    assert_memory_equal(res.output, src, len);
    envoid_filter_result_free(&res);
    free(src);
}

static void test_huge_output_is_bounded(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run("cat >/dev/null; yes 'Subject: x'", 20000, 100000, SRC, strlen(SRC), &res),
                     ENVOID_FILTER_TOOBIG);
    assert_null(res.output);
    assert_non_null(strstr(res.reason, "over the limit of 100000 bytes"));
    envoid_filter_result_free(&res);
}

static void test_huge_stderr_is_bounded(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(
        run_src("cat >/dev/null; yes 'no such list' | head -c 3000000 >&2; exit 2", &res),
        ENVOID_FILTER_REJECT);
    assert_string_equal(res.reason, "no such list");
    envoid_filter_result_free(&res);
    /* One endless line: the reason is cut to fit. */
    assert_int_equal(
        run_src("cat >/dev/null; head -c 100000 /dev/zero | tr '\\0' r >&2; exit 2", &res),
        ENVOID_FILTER_REJECT);
    assert_int_equal(strlen(res.reason), ENVOID_FILTER_REASON_SIZE - 1);
    envoid_filter_result_free(&res);
}

static void test_empty_source(void **state)
{
    (void)state;
    envoid_filter_result res;
    assert_int_equal(run("cat", 20000, 1024, "", 0, &res), ENVOID_FILTER_ACCEPT);
    envoid_filter_result_free(&res);
}

static void test_verdict_names(void **state)
{
    (void)state;
    assert_string_equal(envoid_filter_verdict_name(ENVOID_FILTER_ACCEPT), "accept");
    assert_string_equal(envoid_filter_verdict_name(ENVOID_FILTER_REWRITE), "rewrite");
    assert_string_equal(envoid_filter_verdict_name(ENVOID_FILTER_REJECT), "reject");
    assert_string_equal(envoid_filter_verdict_name(ENVOID_FILTER_TOOBIG), "toobig");
    assert_string_equal(envoid_filter_verdict_name(ENVOID_FILTER_FAIL), "fail");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* as envoid does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_when_silent),
        cmocka_unit_test(test_envelope_in_environment),
        cmocka_unit_test(test_the_source_on_stdin),
        cmocka_unit_test(test_reject_with_first_stderr_line),
        cmocka_unit_test(test_reject_without_words),
        cmocka_unit_test(test_rewrite_from_stdout),
        cmocka_unit_test(test_timeout_kills_the_group),
        cmocka_unit_test(test_timeout_after_closing_its_output),
        cmocka_unit_test(test_crash_is_a_failure),
        cmocka_unit_test(test_tempfail_and_missing_command_fail),
        cmocka_unit_test(test_partial_read_no_deadlock),
        cmocka_unit_test(test_large_rewrite_both_ways),
        cmocka_unit_test(test_huge_output_is_bounded),
        cmocka_unit_test(test_huge_stderr_is_bounded),
        cmocka_unit_test(test_empty_source),
        cmocka_unit_test(test_verdict_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
