/* The INI parser: sections, comments, quoting, and errors with file:line. */
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

#include "cli/config.h"

static envoi_config *parse_ok(const char *text)
{
    envoi_config *cfg = NULL;
    envoi_error err = {0};
    int rc = envoi_config_parse(&cfg, text, strlen(text), "test.ini", &err);
    if (rc != 0)
        fail_msg("parse failed: %s", err.text);
    return cfg;
}

static void parse_fails(const char *text, const char *expected_text)
{
    envoi_config *cfg = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_config_parse(&cfg, text, strlen(text), "test.ini", &err), ENVOI_ECONFIG);
    assert_null(cfg);
    assert_int_equal(err.code, ENVOI_ECONFIG);
    if (!strstr(err.text, expected_text))
        fail_msg("error '%s' lacks '%s'", err.text, expected_text);
}

static void test_sections_and_keys_are_read_in_order(void **state)
{
    (void)state;
    envoi_config *cfg = parse_ok("[defaults]\naccount = work\n"
                                 "[account work]\nserver = smtp.example.org:587\nuser=me\n"
                                 "[account \"home mail\"]\nserver = mail.example.net\n");
    assert_int_equal(envoi_config_section_count(cfg), 3);
    const envoi_config_section *s = envoi_config_section_at(cfg, 1);
    assert_string_equal(envoi_config_section_kind(s), "account");
    assert_string_equal(envoi_config_section_name(s), "work");
    assert_int_equal(envoi_config_section_line(s), 3);
    assert_int_equal(envoi_config_key_count(s), 2);
    unsigned line = 0;
    assert_string_equal(envoi_config_get(s, "server", &line), "smtp.example.org:587");
    assert_int_equal(line, 4);
    assert_string_equal(envoi_config_get(s, "user", NULL), "me");
    assert_null(envoi_config_get(s, "password-file", NULL));
    assert_non_null(envoi_config_find(cfg, "account", "home mail"));
    assert_null(envoi_config_section_name(envoi_config_find(cfg, "defaults", NULL)));
    assert_null(envoi_config_find(cfg, "account", "other"));
    envoi_config_free(cfg);
}

static void test_comments_blank_lines_and_whitespace_are_ignored(void **state)
{
    (void)state;
    envoi_config *cfg = parse_ok("# a comment\n; another\n\n   \n\t[account a]   \n"
                                 "   # indented comment\n  key   =   spaced value  \r\n");
    const envoi_config_section *s = envoi_config_find(cfg, "account", "a");
    assert_non_null(s);
    assert_int_equal(envoi_config_key_count(s), 1);
    assert_string_equal(envoi_config_get(s, "key", NULL), "spaced value");
    envoi_config_free(cfg);
}

static void test_unquoted_values_keep_hashes_and_semicolons(void **state)
{
    (void)state;
    envoi_config *cfg = parse_ok("[account a]\npassword-command = pass show mail; echo #x\n");
    assert_string_equal(
        envoi_config_get(envoi_config_find(cfg, "account", "a"), "password-command", NULL),
        "pass show mail; echo #x");
    envoi_config_free(cfg);
}

static void test_quoted_values_keep_spaces_and_unescape(void **state)
{
    (void)state;
    envoi_config *cfg = parse_ok("[account a]\n"
                                 "from = \"  Doe, \\\"J\\\" <j@example.org>  \" # comment\n"
                                 "helo = 'literal \\n here'\n"
                                 "empty = \"\"\n"
                                 "none =\n");
    const envoi_config_section *s = envoi_config_find(cfg, "account", "a");
    assert_string_equal(envoi_config_get(s, "from", NULL), "  Doe, \"J\" <j@example.org>  ");
    assert_string_equal(envoi_config_get(s, "helo", NULL), "literal \\n here");
    assert_string_equal(envoi_config_get(s, "empty", NULL), "");
    assert_string_equal(envoi_config_get(s, "none", NULL), "");
    envoi_config_free(cfg);
}

static void test_a_quote_followed_by_text_is_kept_as_written(void **state)
{
    (void)state;
    envoi_config *cfg = parse_ok("[account a]\nfrom = \"Doe, J\" <j@example.org>\n");
    assert_string_equal(envoi_config_get(envoi_config_find(cfg, "account", "a"), "from", NULL),
                        "\"Doe, J\" <j@example.org>");
    envoi_config_free(cfg);
}

static void test_errors_name_the_file_and_line(void **state)
{
    (void)state;
    parse_fails("[account a]\nserver = x\nno equals sign\n", "test.ini:3:");
    parse_fails("key = value\n", "test.ini:1: key outside");
    parse_fails("[account a]\n\n[account b\n", "test.ini:3:");
    parse_fails("[]\n", "test.ini:1:");
    parse_fails("[account a]\nfrom = \"unterminated\n", "test.ini:2: unterminated");
}

static void test_repeated_keys_and_sections_are_errors(void **state)
{
    (void)state;
    parse_fails("[account a]\nuser = x\nuser = y\n",
                "test.ini:3: key 'user' repeated (first at line 2)");
    parse_fails("[account a]\n[account b]\n[account a]\n",
                "test.ini:3: section repeated (first at line 1)");
}

static void test_empty_text_has_no_sections(void **state)
{
    (void)state;
    envoi_config *cfg = parse_ok("");
    assert_int_equal(envoi_config_section_count(cfg), 0);
    envoi_config_free(cfg);
}

static void test_load_reads_a_file_and_reports_a_missing_one(void **state)
{
    (void)state;
    char dir[] = "/tmp/envoi-config-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[account x]\nserver = a\n", f);
    fclose(f);
    envoi_config *cfg = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_config_load(&cfg, path, &err), 0);
    assert_string_equal(envoi_config_name(cfg), path);
    envoi_config_free(cfg);
    char missing[300];
    snprintf(missing, sizeof missing, "%s/absent", dir);
    assert_int_equal(envoi_config_load(&cfg, missing, &err), ENVOI_EFILE);
    assert_non_null(strstr(err.text, "absent"));
    unlink(path);
    rmdir(dir);
}

static void test_default_path_prefers_xdg_config_home(void **state)
{
    (void)state;
    char dir[] = "/tmp/envoi-xdg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256], path[300];
    snprintf(sub, sizeof sub, "%s/envoi", dir);
    snprintf(path, sizeof path, "%s/config", sub);
    setenv("XDG_CONFIG_HOME", dir, 1);
    envoi_buf found = ENVOI_BUF_INIT;
    int rc = envoi_config_default_path(&found);
    /* Without the file: /etc/envoi/config or nothing. */
    if (rc == 1)
        assert_string_equal(found.data, "/etc/envoi/config");
    assert_int_equal(mkdir(sub, 0700), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(envoi_config_default_path(&found), 1);
    assert_string_equal(found.data, path);
    envoi_buf_free(&found);
    unlink(path);
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections_and_keys_are_read_in_order),
        cmocka_unit_test(test_comments_blank_lines_and_whitespace_are_ignored),
        cmocka_unit_test(test_unquoted_values_keep_hashes_and_semicolons),
        cmocka_unit_test(test_quoted_values_keep_spaces_and_unescape),
        cmocka_unit_test(test_a_quote_followed_by_text_is_kept_as_written),
        cmocka_unit_test(test_errors_name_the_file_and_line),
        cmocka_unit_test(test_repeated_keys_and_sections_are_errors),
        cmocka_unit_test(test_empty_text_has_no_sections),
        cmocka_unit_test(test_load_reads_a_file_and_reports_a_missing_one),
        cmocka_unit_test(test_default_path_prefers_xdg_config_home),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
