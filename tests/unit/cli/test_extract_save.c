/* "envoi extract" writes: the directory is made when missing, a file is
 * always created new, and a clash gets " (n)" before the extension. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/extract_save.h"

typedef struct fixture {
    char root[64];
    int dirfd;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->root, sizeof f->root, "/tmp/envoi-extract-save.XXXXXX");
    if (!mkdtemp(f->root))
        return -1;
    f->dirfd = open(f->root, O_RDONLY | O_DIRECTORY);
    *state = f;
    return f->dirfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->root);
    close(f->dirfd);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Create name in the fixture's directory; return the name used (free it). */
static char *create(fixture *f, const char *name, const char *content)
{
    envoi_buf used = ENVOI_BUF_INIT;
    int fd = cli_create_unique(f->dirfd, name, &used);
    assert_true(fd >= 0);
    assert_int_equal(cli_write_all(fd, content, strlen(content)), 0);
    assert_int_equal(close(fd), 0);
    return envoi_buf_steal(&used, NULL);
}

static char *read_file(fixture *f, const char *name)
{
    static char buf[256];
    int fd = openat(f->dirfd, name, O_RDONLY);
    assert_true(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    assert_true(n >= 0);
    buf[n] = '\0';
    close(fd);
    return buf;
}

static void test_clashes_get_a_number_before_the_extension(void **state)
{
    fixture *f = *state;
    const char *want[] = {"report.pdf", "report (1).pdf", "report (2).pdf"};
    for (size_t i = 0; i < 3; i++) {
        char content[16];
        snprintf(content, sizeof content, "copy %zu", i);
        char *used = create(f, "report.pdf", content);
        assert_string_equal(used, want[i]);
        free(used);
    }
    assert_string_equal(read_file(f, "report.pdf"), "copy 0");
    assert_string_equal(read_file(f, "report (1).pdf"), "copy 1");
    assert_string_equal(read_file(f, "report (2).pdf"), "copy 2");
}

static void test_names_without_extension_get_the_number_at_the_end(void **state)
{
    fixture *f = *state;
    free(create(f, "README", "a"));
    char *used = create(f, "README", "b");
    assert_string_equal(used, "README (1)");
    free(used);
}

static void test_an_existing_file_is_never_overwritten(void **state)
{
    fixture *f = *state;
    int fd = openat(f->dirfd, "keep.txt", O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(cli_write_all(fd, "original", 8), 0);
    close(fd);
    char *used = create(f, "keep.txt", "intruder");
    assert_string_equal(used, "keep (1).txt");
    free(used);
    assert_string_equal(read_file(f, "keep.txt"), "original");
}

static void test_a_symbolic_link_is_not_followed(void **state)
{
    fixture *f = *state;
    char target[128];
    snprintf(target, sizeof target, "%s/outside", f->root);
    int fd = open(target, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(symlinkat(target, f->dirfd, "link.txt"), 0);
    assert_int_equal(symlinkat("/nonexistent/dangling", f->dirfd, "dangling.txt"), 0);
    char *used = create(f, "link.txt", "data");
    assert_string_equal(used, "link (1).txt");
    free(used);
    used = create(f, "dangling.txt", "data");
    assert_string_equal(used, "dangling (1).txt");
    free(used);
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(stat("/nonexistent/dangling", &st), -1);
}

static void test_missing_directories_are_made_with_their_parents(void **state)
{
    fixture *f = *state;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/a/b//c/", f->root);
    int fd = cli_dir_open_or_make(dir);
    assert_true(fd >= 0);
    close(fd);
    struct stat st;
    snprintf(dir, sizeof dir, "%s/a/b/c", f->root);
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    fd = cli_dir_open_or_make(dir); /* already there */
    assert_true(fd >= 0);
    close(fd);
}

static void test_a_directory_under_a_file_cannot_be_made(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/plain", f->root);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    close(fd);
    snprintf(path, sizeof path, "%s/plain/sub", f->root);
    errno = 0;
    assert_int_equal(cli_dir_open_or_make(path), -1);
    assert_int_equal(errno, ENOTDIR);
    snprintf(path, sizeof path, "%s/plain", f->root);
    assert_int_equal(cli_dir_open_or_make(path), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_clashes_get_a_number_before_the_extension, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names_without_extension_get_the_number_at_the_end,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_existing_file_is_never_overwritten, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_symbolic_link_is_not_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_directories_are_made_with_their_parents, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_directory_under_a_file_cannot_be_made, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
