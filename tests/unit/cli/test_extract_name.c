/* "envoi extract" file names: what a message calls a part never escapes the
 * target directory, hides itself, or grows without bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cli/extract_name.h"

/* The safe name for name (type and path as given); the caller frees it. */
static char *safe(const char *name, const char *type, const char *path)
{
    envoi_buf out = ENVOI_BUF_INIT;
    assert_int_equal(cli_safe_filename(name, type, path, &out), 0);
    assert_non_null(out.data);
    return envoi_buf_steal(&out, NULL);
}

static void assert_safe(const char *name, const char *want)
{
    char *got = safe(name, "application/octet-stream", "2");
    assert_string_equal(got, want);
    free(got);
}

/* No '/', '\', control byte, leading dot, or ".." in a name we create. */
static void assert_harmless(const char *got)
{
    assert_true(got[0] != '\0');
    assert_true(got[0] != '.');
    assert_null(strchr(got, '/'));
    assert_null(strchr(got, '\\'));
    assert_null(strstr(got, ".."));
    for (const unsigned char *p = (const unsigned char *)got; *p; p++)
        assert_true(*p >= 0x20 && *p != 0x7f);
}

static void test_parent_directory_climbs_keep_only_the_base_name(void **state)
{
    (void)state;
    assert_safe("../../etc/passwd", "passwd");
    assert_safe("..\\..\\windows\\system32\\evil.dll", "evil.dll");
    assert_safe("a/../../b.txt", "b.txt");
}

static void test_absolute_paths_lose_their_directories(void **state)
{
    (void)state;
    assert_safe("/abs", "abs");
    assert_safe("/etc/cron.d/job", "job");
    assert_safe("C:\\Users\\x\\report.pdf", "report.pdf");
}

static void test_mixed_separators_keep_the_last_component(void **state)
{
    (void)state;
    assert_safe("a/b\\c", "c");
    assert_safe("dir\\sub/file.txt", "file.txt");
}

static void test_dot_names_and_empty_names_fall_back_to_the_part(void **state)
{
    (void)state;
    const char *names[] = {"..", ".", "", "...", "a/..", "/", "\\", " . ", "x/"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *got = safe(names[i], "image/png", "1.2");
        assert_string_equal(got, "part-1.2.png");
        free(got);
    }
}

static void test_no_name_uses_the_path_and_the_type_extension(void **state)
{
    (void)state;
    char *got = safe(NULL, "application/pdf", "3");
    assert_string_equal(got, "part-3.pdf");
    free(got);
    got = safe(NULL, "application/x-unknown", "2.1");
    assert_string_equal(got, "part-2.1.bin");
    free(got);
    got = safe(NULL, "text/x-whatever", "1");
    assert_string_equal(got, "part-1.txt");
    free(got);
}

static void test_leading_dots_are_removed_so_nothing_is_hidden(void **state)
{
    (void)state;
    assert_safe(".bashrc", "bashrc");
    assert_safe("...hidden.txt", "hidden.txt");
    assert_safe(" .profile ", "profile");
}

static void test_runs_of_dots_inside_a_name_collapse(void **state)
{
    (void)state;
    assert_safe("report..pdf", "report.pdf");
    assert_safe("a....b", "a.b");
    assert_safe("trailing.", "trailing");
}

static void test_control_and_reserved_characters_are_replaced(void **state)
{
    (void)state;
    assert_safe("a\x01"
                "b\tc\x7f"
                "d.txt",
                "a_b_c_d.txt");
    assert_safe("evil\r\nname.txt", "evil__name.txt");
    assert_safe("q<u>e:s\"t|i?o*n.txt", "q_u_e_s_t_i_o_n.txt");
    assert_safe("\x1b]0;title\x07.txt", "_]0;title_.txt");
}

static void test_utf8_names_are_kept(void **state)
{
    (void)state;
    assert_safe("R\xc3\xa9sum\xc3\xa9.pdf", "R\xc3\xa9sum\xc3\xa9.pdf");
    assert_safe("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt",
                "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt");
    assert_safe("\xf0\x9f\x93\x8e clip.png", "\xf0\x9f\x93\x8e clip.png");
}

static void test_invalid_utf8_bytes_are_replaced(void **state)
{
    (void)state;
    assert_safe("caf\xe9.txt", "caf_.txt");
    assert_safe("\xc0\xaf..\xc0\xaf"
                "etc",
                "__.__etc");
}

static void test_bidirectional_overrides_cannot_spoof_the_extension(void **state)
{
    (void)state;
    /* "invoice" U+202E "fdp.exe": shown as "invoiceexe.pdf" by a naive UI. */
    assert_safe("invoice\xe2\x80\xae"
                "fdp.exe",
                "invoice_fdp.exe");
    assert_safe("a\xc2\x85"
                "b",
                "a_b"); /* C1 NEL */
    assert_safe("\xef\xbb\xbfname.txt", "_name.txt");
}

static void test_very_long_names_are_cut_and_keep_the_extension(void **state)
{
    (void)state;
    char name[5000];
    memset(name, 'x', sizeof name);
    memcpy(name + sizeof name - 5, ".pdf", 5);
    char *got = safe(name, "application/pdf", "2");
    assert_int_equal(strlen(got), CLI_SAFE_NAME_MAX);
    assert_string_equal(got + strlen(got) - 4, ".pdf");
    free(got);
}

static void test_cutting_never_splits_a_multibyte_character(void **state)
{
    (void)state;
    char name[1000];
    for (int i = 0; i < 300; i++)
        memcpy(name + 2 * i, "\xc3\xa9", 2);
    memcpy(name + 600, ".txt", 5);
    char *got = safe(name, "text/plain", "1");
    size_t len = strlen(got);
    assert_true(len <= CLI_SAFE_NAME_MAX);
    assert_string_equal(got + len - 4, ".txt");
    size_t stem = len - 4;
    assert_int_equal(stem % 2, 0);
    for (size_t i = 0; i < stem; i += 2)
        assert_memory_equal(got + i, "\xc3\xa9", 2);
    free(got);
}

static void test_a_long_extension_is_not_kept_whole(void **state)
{
    (void)state;
    char name[600];
    memset(name, 'y', sizeof name);
    name[10] = '.';
    name[sizeof name - 1] = '\0';
    char *got = safe(name, "application/octet-stream", "1");
    assert_int_equal(strlen(got), CLI_SAFE_NAME_MAX);
    assert_harmless(got);
    free(got);
}

static void test_hostile_names_never_yield_anything_dangerous(void **state)
{
    (void)state;
    const char *names[] = {
        "../../../../../../tmp/x",
        "..\\..\\x",
        "/..",
        "./.",
        "....//....//etc",
        "\x01\x02\x03",
        "..\x00hidden",
        "%2e%2e%2fetc",
        "a/b/c/../../..",
        ". . .",
        "\\\\server\\share\\f",
        "~/.ssh/authorized_keys",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *got = safe(names[i], "application/octet-stream", "9");
        assert_harmless(got);
        free(got);
    }
}

static void test_extension_offset_ignores_a_leading_dot(void **state)
{
    (void)state;
    assert_int_equal(cli_name_ext_offset("a.tar.gz", 8), 5);
    assert_int_equal(cli_name_ext_offset("noext", 5), 5);
    assert_int_equal(cli_name_ext_offset(".x", 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parent_directory_climbs_keep_only_the_base_name),
        cmocka_unit_test(test_absolute_paths_lose_their_directories),
        cmocka_unit_test(test_mixed_separators_keep_the_last_component),
        cmocka_unit_test(test_dot_names_and_empty_names_fall_back_to_the_part),
        cmocka_unit_test(test_no_name_uses_the_path_and_the_type_extension),
        cmocka_unit_test(test_leading_dots_are_removed_so_nothing_is_hidden),
        cmocka_unit_test(test_runs_of_dots_inside_a_name_collapse),
        cmocka_unit_test(test_control_and_reserved_characters_are_replaced),
        cmocka_unit_test(test_utf8_names_are_kept),
        cmocka_unit_test(test_invalid_utf8_bytes_are_replaced),
        cmocka_unit_test(test_bidirectional_overrides_cannot_spoof_the_extension),
        cmocka_unit_test(test_very_long_names_are_cut_and_keep_the_extension),
        cmocka_unit_test(test_cutting_never_splits_a_multibyte_character),
        cmocka_unit_test(test_a_long_extension_is_not_kept_whole),
        cmocka_unit_test(test_hostile_names_never_yield_anything_dangerous),
        cmocka_unit_test(test_extension_offset_ignores_a_leading_dot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
