/* The durable maildir writer: files land in new/ byte for byte only at
 * commit, names are unique, and a failed write or commit leaves nothing in
 * new/ and no partial file in tmp/. */
#include "store_helpers.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>

#include "store/maildir.h"

static const char msg_a[] = "From: a@example.org\r\nSubject: one\r\n\r\nfirst\r\n";
static const char msg_b[] = "From: b@example.org\nSubject: two\n\nsecond\n";

static const char *sub(scratch *s, const char *name)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/md/%s", s->dir, name);
    return path;
}

static store_maildir *open_md(scratch *s)
{
    store_maildir *m = NULL;
    envoi_error err;
    assert_int_equal(store_maildir_open(scratch_path(s, "md"), &m, &err), 0);
    return m;
}

static void test_open_creates_tmp_new_cur(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    struct stat sb;
    assert_int_equal(stat(sub(s, "tmp"), &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(stat(sub(s, "new"), &sb), 0);
    assert_int_equal(stat(sub(s, "cur"), &sb), 0);
    store_maildir_close(m);
    /* Opening an existing maildir is fine. */
    m = open_md(s);
    store_maildir_close(m);
}

static void test_messages_reach_new_only_at_commit_with_exact_bytes(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    envoi_error err;
    assert_int_equal(store_maildir_add(m, msg_a, sizeof msg_a - 1, &err), 0);
    assert_int_equal(store_maildir_add(m, msg_b, sizeof msg_b - 1, &err), 0);
    assert_int_equal(store_maildir_pending(m), 2);
    assert_int_equal(count_entries(sub(s, "new")), 0);
    assert_int_equal(count_entries(sub(s, "tmp")), 2);
    assert_int_equal(store_maildir_commit(m, &err), 0);
    assert_int_equal(count_entries(sub(s, "tmp")), 0);
    assert_int_equal(store_maildir_pending(m), 0);

    const char *name_a = store_maildir_committed_name(m, 0);
    const char *name_b = store_maildir_committed_name(m, 1);
    assert_non_null(name_a);
    assert_non_null(name_b);
    assert_null(store_maildir_committed_name(m, 2));
    char expect[32];
    snprintf(expect, sizeof expect, ",S=%zu", sizeof msg_a - 1);
    assert_non_null(strstr(name_a, expect));
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", sub(s, "new"), name_a);
    char *data = read_whole(path, &len);
    assert_int_equal(len, sizeof msg_a - 1);
    assert_memory_equal(data, msg_a, len);
    free(data);
    snprintf(path, sizeof path, "%s/%s", sub(s, "new"), name_b);
    data = read_whole(path, &len);
    assert_int_equal(len, sizeof msg_b - 1);
    assert_memory_equal(data, msg_b, len);
    free(data);
    store_maildir_close(m);
    assert_int_equal(count_entries(sub(s, "new")), 2);
}

static void test_message_written_in_pieces(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    envoi_error err;
    assert_int_equal(store_maildir_begin(m, &err), 0);
    for (size_t i = 0; i < sizeof msg_a - 1; i += 7) {
        size_t n = sizeof msg_a - 1 - i < 7 ? sizeof msg_a - 1 - i : 7;
        assert_int_equal(store_maildir_write(m, msg_a + i, n, &err), 0);
    }
    assert_int_equal(store_maildir_end(m, &err), 0);
    assert_int_equal(store_maildir_commit(m, &err), 0);
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", sub(s, "new"), store_maildir_committed_name(m, 0));
    char *data = read_whole(path, &len);
    assert_int_equal(len, sizeof msg_a - 1);
    assert_memory_equal(data, msg_a, len);
    free(data);
    store_maildir_close(m);
}

static void test_names_are_unique_over_many_messages(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    envoi_error err;
    for (int batch = 0; batch < 4; batch++) {
        for (int i = 0; i < 500; i++)
            assert_int_equal(store_maildir_add(m, msg_b, sizeof msg_b - 1, &err), 0);
        assert_int_equal(store_maildir_commit(m, &err), 0);
    }
    store_maildir_close(m);
    char **names;
    size_t n = list_dir(sub(s, "new"), &names);
    assert_int_equal(n, 2000);
    for (size_t i = 1; i < n; i++)
        assert_string_not_equal(names[i - 1], names[i]); /* sorted: duplicates adjacent */
    for (size_t i = 0; i < n; i++) {
        assert_null(strchr(names[i], '/'));
        assert_null(strchr(names[i], ':'));
    }
    free_names(names, n);
}

static int writes_allowed;

static ssize_t failing_write(int fd, const void *data, size_t len)
{
    if (writes_allowed-- > 0)
        return write(fd, data, len < 10 ? len : 10); /* short writes */
    errno = ENOSPC;
    return -1;
}

static void test_write_failure_removes_partial_file_and_names_it(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    envoi_error err;
    writes_allowed = 1000;
    store_maildir_set_write_fn(m, failing_write);
    assert_int_equal(store_maildir_add(m, msg_a, sizeof msg_a - 1, &err), 0);
    writes_allowed = 2;
    assert_int_equal(store_maildir_add(m, msg_b, sizeof msg_b - 1, &err), ENVOI_EFILE);
    assert_non_null(strstr(err.text, "No space left on device"));
    assert_non_null(strstr(err.text, "/md/tmp/"));
    /* The partial file is gone, the batch's earlier message still waits. */
    assert_int_equal(count_entries(sub(s, "tmp")), 1);
    assert_int_equal(count_entries(sub(s, "new")), 0);
    store_maildir_abort(m);
    assert_int_equal(count_entries(sub(s, "tmp")), 0);
    assert_int_equal(count_entries(sub(s, "new")), 0);
    store_maildir_close(m);
}

static void test_file_size_limit_fails_cleanly(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    envoi_error err;
    char big[20000];
    memset(big, 'x', sizeof big);
    struct rlimit old, small = {4096, 0};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_max = old.rlim_max;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    int rc = store_maildir_add(m, big, sizeof big, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(rc, ENVOI_EFILE);
    assert_non_null(strstr(err.text, "File too large"));
    assert_int_equal(count_entries(sub(s, "tmp")), 0);
    assert_int_equal(store_maildir_commit(m, &err), 0);
    assert_int_equal(count_entries(sub(s, "new")), 0);
    store_maildir_close(m);
}

static void test_commit_failure_leaves_nothing_in_new(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    envoi_error err;
    assert_int_equal(store_maildir_add(m, msg_a, sizeof msg_a - 1, &err), 0);
    assert_int_equal(store_maildir_add(m, msg_b, sizeof msg_b - 1, &err), 0);
    /* new/ replaced by a file: the renames fail. */
    assert_int_equal(rmdir(sub(s, "new")), 0);
    write_whole(sub(s, "new"), "x", 1);
    assert_int_equal(store_maildir_commit(m, &err), ENVOI_EFILE);
    assert_non_null(strstr(err.text, "Not a directory"));
    assert_int_equal(count_entries(sub(s, "tmp")), 0);
    assert_int_equal(store_maildir_pending(m), 0);
    store_maildir_close(m);
}

static void test_close_without_commit_drops_the_batch(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    envoi_error err;
    assert_int_equal(store_maildir_add(m, msg_a, sizeof msg_a - 1, &err), 0);
    assert_int_equal(store_maildir_begin(m, &err), 0);
    assert_int_equal(store_maildir_write(m, "partial", 7, &err), 0);
    store_maildir_close(m);
    assert_int_equal(count_entries(sub(s, "tmp")), 0);
    assert_int_equal(count_entries(sub(s, "new")), 0);
}

static void test_syncfs_mode_commits_too(void **state)
{
    scratch *s = *state;
    store_maildir *m = open_md(s);
    envoi_error err;
    store_maildir_set_sync(m, STORE_SYNC_FS);
    assert_int_equal(store_maildir_add(m, msg_a, sizeof msg_a - 1, &err), 0);
    assert_int_equal(store_maildir_commit(m, &err), 0);
    assert_int_equal(count_entries(sub(s, "new")), 1);
    store_maildir_close(m);
}

static void test_unusable_directory_is_reported(void **state)
{
    scratch *s = *state;
    write_whole(scratch_path(s, "file"), "x", 1);
    store_maildir *m = NULL;
    envoi_error err;
    char path[600];
    snprintf(path, sizeof path, "%s/file/md", s->dir);
    assert_int_equal(store_maildir_open(path, &m, &err), ENVOI_EFILE);
    assert_null(m);
    assert_non_null(strstr(err.text, "file/md"));
    assert_non_null(strstr(err.text, "Not a directory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_tmp_new_cur, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_messages_reach_new_only_at_commit_with_exact_bytes,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_message_written_in_pieces, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_names_are_unique_over_many_messages, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_write_failure_removes_partial_file_and_names_it,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_file_size_limit_fails_cleanly, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_commit_failure_leaves_nothing_in_new, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_close_without_commit_drops_the_batch, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_syncfs_mode_commits_too, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_unusable_directory_is_reported, scratch_setup,
                                        scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
