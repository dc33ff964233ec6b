/* Passwords from a file (first line, mode checked) or a command (first line
 * of its output, failures name the exit status). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/secret_source.h"

static char dir[64];
static char path[128];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/envoi-secret-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/pw", dir);
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    unlink(path);
    rmdir(dir);
    return 0;
}

static void write_file(const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_file_gives_its_first_line(void **state)
{
    (void)state;
    write_file("s3cret\r\nsecond line\n", 0600);
    envoi_buf b = ENVOI_BUF_INIT;
    bool loose = true;
    envoi_error err = {0};
    assert_int_equal(cli_secret_from_file(path, &b, &loose, &err), 0);
    assert_string_equal(b.data, "s3cret");
    assert_int_equal(b.len, 6);
    assert_false(loose);
    envoi_buf_wipe_free(&b);
}

static void test_file_without_newline_is_whole(void **state)
{
    (void)state;
    write_file("pass word", 0400);
    envoi_buf b = ENVOI_BUF_INIT;
    bool loose;
    envoi_error err = {0};
    assert_int_equal(cli_secret_from_file(path, &b, &loose, &err), 0);
    assert_string_equal(b.data, "pass word");
    envoi_buf_wipe_free(&b);
}

static void test_file_readable_by_others_is_flagged(void **state)
{
    (void)state;
    write_file("x\n", 0644);
    envoi_buf b = ENVOI_BUF_INIT;
    bool loose = false;
    envoi_error err = {0};
    assert_int_equal(cli_secret_from_file(path, &b, &loose, &err), 0);
    assert_true(loose);
    envoi_buf_wipe_free(&b);
    write_file("x\n", 0640);
    assert_int_equal(cli_secret_from_file(path, &b, &loose, &err), 0);
    assert_true(loose);
    envoi_buf_wipe_free(&b);
}

static void test_missing_file_is_a_file_error(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    bool loose;
    envoi_error err = {0};
    assert_int_equal(cli_secret_from_file("/nonexistent/envoi-pw", &b, &loose, &err), ENVOI_EFILE);
    assert_non_null(strstr(err.text, "/nonexistent/envoi-pw"));
    envoi_buf_wipe_free(&b);
}

static void test_command_gives_its_first_output_line(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    envoi_error err = {0};
    assert_int_equal(cli_secret_from_command("printf 'tok en\\nmore\\n'", &b, &err), 0);
    assert_string_equal(b.data, "tok en");
    envoi_buf_wipe_free(&b);
}

static void test_command_failure_names_the_status_not_the_output(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    envoi_error err = {0};
    assert_int_equal(cli_secret_from_command("printf 'out%s' put; exit 3", &b, &err),
                     ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "exited with status 3"));
    assert_null(strstr(err.text, "output"));
    envoi_buf_wipe_free(&b);
    assert_int_equal(cli_secret_from_command("kill -9 $$", &b, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "signal 9"));
    envoi_buf_wipe_free(&b);
}

static void test_command_with_empty_output_gives_empty_secret(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    envoi_error err = {0};
    assert_int_equal(cli_secret_from_command("true", &b, &err), 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    envoi_buf_wipe_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_gives_its_first_line),
        cmocka_unit_test(test_file_without_newline_is_whole),
        cmocka_unit_test(test_file_readable_by_others_is_flagged),
        cmocka_unit_test(test_missing_file_is_a_file_error),
        cmocka_unit_test(test_command_gives_its_first_output_line),
        cmocka_unit_test(test_command_failure_names_the_status_not_the_output),
        cmocka_unit_test(test_command_with_empty_output_gives_empty_secret),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
