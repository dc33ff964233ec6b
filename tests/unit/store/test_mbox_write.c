/* The durable mboxrd writer: quoting that the parser's mbox mode undoes
 * byte for byte, the From separator line, locking against a second writer,
 * and truncation back to the size before a failed batch. */
#include "store_helpers.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "envoi/parse.h"
#include "mime/mbox.h"
#include "store/mbox.h"

static const char *const messages[] = {
    ("From: a@example.org\nSubject: quoting\n\nFrom here on\n>From there\n>>From everywhere\n"
     "From\n>From\nFrom: not a separator\n  From indented\n"),
    ("From: b@example.org\r\nSubject: crlf\r\n\r\nline\r\nFrom crlf\r\n\r\nFrom after blank\r\n"),
    "Subject: no final newline\n\nlast line From x",
    "Subject: blank lines at end\n\nbody\n\n\n",
};
#define NMESSAGES (sizeof messages / sizeof *messages)

static store_mbox *open_mbox(scratch *s, bool dotlock)
{
    store_mbox *m = NULL;
    envoi_error err;
    assert_int_equal(store_mbox_open(scratch_path(s, "mbox"), dotlock, &m, &err), 0);
    return m;
}

typedef struct readback {
    size_t n;
    char *raw[8];
    size_t len[8];
} readback;

static int keep_raw(void *ctx, envoi_message *msg, bool *keep)
{
    readback *r = ctx;
    const void *data;
    size_t len;
    assert_int_equal(envoi_part_raw(envoi_message_root(msg), &data, &len), 0);
    assert_true(r->n < 8);
    r->raw[r->n] = malloc(len + 1);
    memcpy(r->raw[r->n], data, len);
    r->len[r->n++] = len;
    (void)keep;
    return 0;
}

static void read_back(const char *path, readback *r)
{
    memset(r, 0, sizeof *r);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    envoi_parse_callbacks cb = {.message_end = keep_raw};
    assert_int_equal(mime_read_fd(fd, true, true, &cb, r), 0);
    close(fd);
}

/* The blank line after each message, the last one included, is the mbox's. */
static void expect_last(const readback *r, size_t i, const char *want, size_t want_len)
{
    assert_int_equal(r->len[i], want_len);
    assert_memory_equal(r->raw[i], want, want_len);
}

static void free_readback(readback *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->raw[i]);
}

/* The streaming parser in mbox mode counts the same messages. */
static int count_message(void *ctx, envoi_message *msg, bool *keep)
{
    (void)msg;
    (void)keep;
    ++*(size_t *)ctx;
    return 0;
}

static size_t stream_count(const char *data, size_t len)
{
    size_t n = 0;
    envoi_parse_callbacks cb = {.message_end = count_message};
    envoi_stream_parser *p = envoi_stream_parser_new(&cb, &n, true);
    assert_non_null(p);
    for (size_t i = 0; i < len; i += 13)
        assert_int_equal(envoi_stream_parser_feed(p, data + i, len - i < 13 ? len - i : 13), 0);
    assert_int_equal(envoi_stream_parser_finish(p), 0);
    envoi_stream_parser_free(p);
    return n;
}

static void test_mboxrd_quoting_round_trips_through_the_parser(void **state)
{
    scratch *s = *state;
    store_mbox *m = open_mbox(s, false);
    envoi_error err;
    for (size_t i = 0; i < NMESSAGES; i++)
        assert_int_equal(
            store_mbox_add(m, "sender@example.org", 0, messages[i], strlen(messages[i]), &err), 0);
    assert_int_equal(store_mbox_commit(m, &err), 0);
    store_mbox_close(m);

    size_t len;
    char *file = read_whole(scratch_path(s, "mbox"), &len);
    assert_non_null(strstr(file, "\n>From here on\n>>From there\n>>>From everywhere\nFrom\n"));
    assert_non_null(strstr(file, "\n>From crlf\r\n"));
    assert_int_equal(stream_count(file, len), NMESSAGES);
    free(file);

    readback r;
    read_back(scratch_path(s, "mbox"), &r);
    assert_int_equal(r.n, NMESSAGES);
    for (size_t i = 0; i < NMESSAGES; i++) {
        const char *want = messages[i];
        size_t want_len = strlen(want);
        if (i == 2) { /* a line end was added to the message without one */
            assert_int_equal(r.len[i], want_len + 1);
            assert_memory_equal(r.raw[i], want, want_len);
            continue;
        }
        if (i == NMESSAGES - 1) {
            expect_last(&r, i, want, want_len);
            continue;
        }
        assert_int_equal(r.len[i], want_len);
        assert_memory_equal(r.raw[i], want, want_len);
    }
    free_readback(&r);
}

/* Commit, close, and compare the whole file with want. */
static void commit_and_expect(scratch *s, store_mbox *m, const char *want)
{
    envoi_error err;
    assert_int_equal(store_mbox_commit(m, &err), 0);
    store_mbox_close(m);
    size_t len;
    char *file = read_whole(scratch_path(s, "mbox"), &len);
    assert_string_equal(file, want);
    free(file);
}

static void test_separator_line_names_sender_and_utc_date(void **state)
{
    scratch *s = *state;
    store_mbox *m = open_mbox(s, false);
    envoi_error err;
    assert_int_equal(store_mbox_add(m, "alice@example.org", 1795291637, "S: x\n\nb\n", 8, &err), 0);
    assert_int_equal(store_mbox_add(m, NULL, 1795291637, "S: y\n\nc\n", 8, &err), 0);
    commit_and_expect(s, m,
                      "From alice@example.org Sat Nov 21 20:07:17 2026\nS: x\n\nb\n\n"
                      "From MAILER-DAEMON Sat Nov 21 20:07:17 2026\nS: y\n\nc\n\n");
}

static void test_separator_takes_the_return_path_without_sender(void **state)
{
    scratch *s = *state;
    store_mbox *m = open_mbox(s, false);
    envoi_error err;
    static const char with[] = "Received: x\r\nReturn-Path: <bounce@example.org>\r\n\r\nb\r\n";
    static const char null_sender[] = "Return-Path: <>\nS: z\n\nc\n";
    assert_int_equal(store_mbox_add(m, NULL, 1795291637, with, sizeof with - 1, &err), 0);
    assert_int_equal(store_mbox_add(m, NULL, 1795291637, null_sender, sizeof null_sender - 1, &err),
                     0);
    assert_int_equal(
        store_mbox_add(m, "given@example.org", 1795291637, with, sizeof with - 1, &err), 0);
    assert_int_equal(store_mbox_commit(m, &err), 0);
    store_mbox_close(m);
    size_t len;
    char *file = read_whole(scratch_path(s, "mbox"), &len);
    char *second = strstr(file + 1, "\nFrom ");
    assert_non_null(second);
    char *third = strstr(second + 1, "\nFrom ");
    assert_non_null(third);
    assert_true(strncmp(file, "From bounce@example.org Sat Nov 21 20:07:17 2026\n", 49) == 0);
    assert_true(strncmp(second + 1, "From MAILER-DAEMON Sat Nov", 26) == 0);
    assert_true(strncmp(third + 1, "From given@example.org Sat Nov", 30) == 0);
    free(file);
}

/* Streamed one byte at a time, each message is written as add writes it. */
static void test_streaming_byte_by_byte_equals_add(void **state)
{
    scratch *s = *state;
    envoi_error err;
    store_mbox *whole = NULL, *bytes = NULL;
    assert_int_equal(store_mbox_open(scratch_path(s, "whole"), false, &whole, &err), 0);
    assert_int_equal(store_mbox_open(scratch_path(s, "bytes"), false, &bytes, &err), 0);
    static const char tricky[] = ">>>>From x\n>>>Fro\nFrom\n>\n>>From ";
    for (size_t i = 0; i <= NMESSAGES; i++) {
        const char *msg = i < NMESSAGES ? messages[i] : tricky;
        size_t len = strlen(msg);
        assert_int_equal(store_mbox_add(whole, "s@x", 1795291637, msg, len, &err), 0);
        assert_int_equal(store_mbox_message_begin(bytes, "s@x", 1795291637, &err), 0);
        for (size_t j = 0; j < len; j++)
            assert_int_equal(store_mbox_message_write(bytes, msg + j, 1, &err), 0);
        assert_int_equal(store_mbox_message_end(bytes, &err), 0);
    }
    assert_int_equal(store_mbox_commit(whole, &err), 0);
    assert_int_equal(store_mbox_commit(bytes, &err), 0);
    store_mbox_close(whole);
    store_mbox_close(bytes);
    size_t wlen, blen;
    char *w = read_whole(scratch_path(s, "whole"), &wlen);
    char *b = read_whole(scratch_path(s, "bytes"), &blen);
    assert_int_equal(wlen, blen);
    assert_memory_equal(w, b, wlen);
    assert_non_null(strstr(w, "\n>>>>>From x\n>>>Fro\nFrom\n>\n>>>From \n\n"));
    free(w);
    free(b);
}

/* A cancelled message leaves nothing, even once part of it reached the file. */
static void test_cancelled_message_leaves_no_trace(void **state)
{
    scratch *s = *state;
    envoi_error err;
    store_mbox *m = open_mbox(s, false);
    assert_int_equal(store_mbox_add(m, "a@x", 1795291637, "S: kept\n\nk\n", 11, &err), 0);
    assert_int_equal(store_mbox_message_begin(m, "b@x", 1795291637, &err), 0);
    char chunk[4096];
    memset(chunk, 'y', sizeof chunk - 1);
    chunk[sizeof chunk - 1] = '\n';
    for (int i = 0; i < 200; i++) /* 800 KiB: flushed to the file on the way */
        assert_int_equal(store_mbox_message_write(m, chunk, sizeof chunk, &err), 0);
    store_mbox_message_cancel(m);
    assert_int_equal(store_mbox_add(m, "c@x", 1795291637, "S: after\n\na\n", 12, &err), 0);
    commit_and_expect(s, m,
                      "From a@x Sat Nov 21 20:07:17 2026\nS: kept\n\nk\n\n"
                      "From c@x Sat Nov 21 20:07:17 2026\nS: after\n\na\n\n");
}

static void test_appending_after_a_file_without_blank_line(void **state)
{
    scratch *s = *state;
    static const char old[] = "From x Sat Nov 21 20:07:17 2026\nS: old\n\nold";
    write_whole(scratch_path(s, "mbox"), old, sizeof old - 1);
    store_mbox *m = open_mbox(s, false);
    envoi_error err;
    assert_int_equal(store_mbox_add(m, "x", 1795291637, "S: new\n\nnew\n", 12, &err), 0);
    assert_int_equal(store_mbox_commit(m, &err), 0);
    store_mbox_close(m);
    readback r;
    read_back(scratch_path(s, "mbox"), &r);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.len[0], 12);
    assert_memory_equal(r.raw[0], "S: old\n\nold\n", 12);
    expect_last(&r, 1, "S: new\n\nnew\n", 12);
    free_readback(&r);
}

static int writes_allowed;

static ssize_t failing_write(int fd, const void *data, size_t len)
{
    if (writes_allowed-- > 0)
        return write(fd, data, len < 10 ? len : 10);
    errno = ENOSPC;
    return -1;
}

static void test_failed_batch_truncates_back(void **state)
{
    scratch *s = *state;
    store_mbox *m = open_mbox(s, false);
    envoi_error err;
    assert_int_equal(store_mbox_add(m, NULL, 0, messages[0], strlen(messages[0]), &err), 0);
    assert_int_equal(store_mbox_commit(m, &err), 0);
    struct stat before;
    assert_int_equal(stat(scratch_path(s, "mbox"), &before), 0);

    store_mbox_set_write_fn(m, failing_write);
    writes_allowed = 3;
    assert_int_equal(store_mbox_add(m, NULL, 0, messages[1], strlen(messages[1]), &err), 0);
    int rc = store_mbox_commit(m, &err); /* the flush fails part way */
    assert_int_equal(rc, ENVOI_EFILE);
    assert_non_null(strstr(err.text, "No space left on device"));
    assert_non_null(strstr(err.text, "/mbox"));
    struct stat after;
    assert_int_equal(stat(scratch_path(s, "mbox"), &after), 0);
    assert_int_equal(after.st_size, before.st_size);
    store_mbox_close(m);
}

static void test_file_size_limit_truncates_back(void **state)
{
    scratch *s = *state;
    store_mbox *m = open_mbox(s, false);
    envoi_error err;
    assert_int_equal(store_mbox_add(m, NULL, 0, messages[0], strlen(messages[0]), &err), 0);
    assert_int_equal(store_mbox_commit(m, &err), 0);
    struct stat before;
    assert_int_equal(stat(scratch_path(s, "mbox"), &before), 0);
    static char big[400 * 1024];
    memset(big, 'x', sizeof big);
    struct rlimit old, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_cur = 64 * 1024;
    small.rlim_max = old.rlim_max;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    int rc = store_mbox_add(m, NULL, 0, big, sizeof big, &err);
    if (rc == 0)
        rc = store_mbox_commit(m, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(rc, ENVOI_EFILE);
    assert_non_null(strstr(err.text, "File too large"));
    struct stat after;
    assert_int_equal(stat(scratch_path(s, "mbox"), &after), 0);
    assert_int_equal(after.st_size, before.st_size);
    store_mbox_close(m);
}

static void test_second_writer_waits_for_the_lock(void **state)
{
    scratch *s = *state;
    int to_parent[2];
    assert_int_equal(pipe(to_parent), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        store_mbox *m = NULL;
        envoi_error err;
        int ok = store_mbox_open(scratch_path(s, "mbox"), false, &m, &err) == 0 &&
                 store_mbox_begin(m, &err) == 0;
        char c = ok ? 'L' : 'E';
        if (write(to_parent[1], &c, 1) != 1)
            _exit(2);
        usleep(300 * 1000); /* the parent is blocked on the lock meanwhile */
        ok = ok && store_mbox_add(m, NULL, 0, "S: child\n\nc\n", 12, &err) == 0 &&
             store_mbox_commit(m, &err) == 0;
        store_mbox_close(m);
        _exit(ok ? 0 : 1);
    }
    char c = 0;
    assert_int_equal(read(to_parent[0], &c, 1), 1);
    assert_int_equal(c, 'L');
    store_mbox *m = open_mbox(s, false);
    envoi_error err;
    assert_int_equal(store_mbox_begin(m, &err), 0); /* waits for the child's commit */
    assert_int_equal(store_mbox_add(m, NULL, 0, "S: parent\n\np\n", 13, &err), 0);
    assert_int_equal(store_mbox_commit(m, &err), 0);
    store_mbox_close(m);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(to_parent[0]);
    close(to_parent[1]);

    readback r;
    read_back(scratch_path(s, "mbox"), &r);
    assert_int_equal(r.n, 2);
    assert_memory_equal(r.raw[0], "S: child\n\nc\n", 12);
    expect_last(&r, 1, "S: parent\n\np\n", 13);
    free_readback(&r);
}

static void test_dotlock_is_held_during_a_batch(void **state)
{
    scratch *s = *state;
    store_mbox *m = open_mbox(s, true);
    envoi_error err;
    char lock[600];
    snprintf(lock, sizeof lock, "%s/mbox.lock", s->dir);
    assert_int_equal(store_mbox_add(m, NULL, 0, "S: x\n\nx\n", 8, &err), 0);
    assert_int_equal(access(lock, F_OK), 0);
    assert_int_equal(store_mbox_commit(m, &err), 0);
    assert_int_equal(access(lock, F_OK), -1);
    store_mbox_close(m);
}

static void test_unwritable_path_is_reported(void **state)
{
    scratch *s = *state;
    store_mbox *m = NULL;
    envoi_error err;
    char path[600];
    snprintf(path, sizeof path, "%s/missing/mbox", s->dir);
    assert_int_equal(store_mbox_open(path, false, &m, &err), ENVOI_EFILE);
    assert_null(m);
    assert_non_null(strstr(err.text, "missing/mbox"));
    assert_non_null(strstr(err.text, "No such file or directory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mboxrd_quoting_round_trips_through_the_parser,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_separator_line_names_sender_and_utc_date,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_separator_takes_the_return_path_without_sender,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_streaming_byte_by_byte_equals_add, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_cancelled_message_leaves_no_trace, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_appending_after_a_file_without_blank_line,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_failed_batch_truncates_back, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_file_size_limit_truncates_back, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_waits_for_the_lock, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_dotlock_is_held_during_a_batch, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_path_is_reported, scratch_setup,
                                        scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
