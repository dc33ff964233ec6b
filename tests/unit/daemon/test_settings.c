/* envoid's settings: [spool] keys, sizes, listen addresses and whether they
 * are loopback; the bearer token file and its comparison. */
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

#include "daemon/settings.h"
#include "daemon/token.h"

static int read_text(const char *text, envoid_settings *s, envoi_error *err)
{
    envoi_config *cfg = NULL;
    if (envoi_config_parse(&cfg, text, strlen(text), "cfg", err) != 0)
        fail_msg("%s", err->text);
    envoid_settings_default(s);
    int rc = envoid_settings_read(s, cfg, err);
    envoi_config_free(cfg);
    return rc;
}

static void test_defaults(void **state)
{
    (void)state;
    envoid_settings s;
    envoi_error err = {0};
    envoid_settings_default(&s);
    assert_string_equal(s.dir, "./var");
    assert_string_equal(s.listen, "127.0.0.1:8025");
    assert_null(s.relay);
    assert_null(s.token_file);
    assert_int_equal(s.max_message, 50u * 1024 * 1024);
    assert_int_equal(envoid_settings_read(&s, NULL, &err), 0);
    assert_int_equal(envoid_settings_resolve(&s, &err), 0);
    assert_true(s.loopback);
}

static void test_spool_keys(void **state)
{
    (void)state;
    envoid_settings s;
    envoi_error err = {0};
    assert_int_equal(read_text("[spool]\nworkers = 8\nmax-message-size = 25M\n", &s, &err), 0);
    assert_int_equal(s.workers, 8);
    assert_int_equal(s.max_message, 25u * 1024 * 1024);
    assert_int_equal(read_text("[spool]\nworkers = many\n", &s, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "cfg:2: [spool] workers"));
    assert_int_equal(read_text("[spool]\nmax-message-size = 0\n", &s, &err), ENVOI_ECONFIG);
    assert_int_equal(read_text("[spool]\nqueue = postgresql://x\n", &s, &err), ENVOI_ECONFIG);
    assert_int_equal(read_text("[spool]\nport = 1\n", &s, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "unknown key"));
}

static void test_sizes(void **state)
{
    (void)state;
    size_t n = 0;
    assert_int_equal(envoid_parse_size("64K", &n), 0);
    assert_int_equal(n, 65536);
    assert_int_equal(envoid_parse_size("2g", &n), 0);
    assert_int_equal(n, (size_t)2 << 30);
    assert_int_equal(envoid_parse_size("100", &n), 0);
    assert_int_equal(n, 100);
    assert_int_equal(envoid_parse_size("10MB", &n), 0);
    assert_int_equal(envoid_parse_size("", &n), ENVOI_EINVAL);
    assert_int_equal(envoid_parse_size("-1", &n), ENVOI_EINVAL);
    assert_int_equal(envoid_parse_size("5X", &n), ENVOI_EINVAL);
    assert_int_equal(envoid_parse_size("99999999999999999999G", &n), ENVOI_EINVAL);
}

static int resolve(const char *listen, bool *loopback)
{
    envoid_settings s;
    envoi_error err = {0};
    envoid_settings_default(&s);
    s.listen = listen;
    int rc = envoid_settings_resolve(&s, &err);
    *loopback = s.loopback;
    return rc;
}

static void test_listen_addresses(void **state)
{
    (void)state;
    bool lo = false;
    assert_int_equal(resolve("127.0.0.1:8025", &lo), 0);
    assert_true(lo);
    assert_int_equal(resolve("127.8.9.10:1", &lo), 0);
    assert_true(lo);
    assert_int_equal(resolve("localhost:8025", &lo), 0);
    assert_true(lo);
    assert_int_equal(resolve("[::1]:8025", &lo), 0);
    assert_true(lo);
    assert_int_equal(resolve("0.0.0.0:8025", &lo), 0);
    assert_false(lo);
    assert_int_equal(resolve("[::]:8025", &lo), 0);
    assert_false(lo);
    assert_int_equal(resolve("192.0.2.1:25", &lo), 0);
    assert_false(lo);
    assert_int_equal(resolve("127.0.0.1", &lo), ENVOI_ECONFIG);
    assert_int_equal(resolve("127.0.0.1:0", &lo), ENVOI_ECONFIG);
    assert_int_equal(resolve("127.0.0.1:65536", &lo), ENVOI_ECONFIG);
    assert_int_equal(resolve("example.org:80", &lo), ENVOI_ECONFIG);
    assert_int_equal(resolve("[::1:80", &lo), ENVOI_ECONFIG);
    assert_int_equal(resolve(":80", &lo), ENVOI_ECONFIG);
}

static char *write_token(const char *text, mode_t mode)
{
    char *path = strdup("/tmp/envoid-token-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(path, mode);
    return path;
}

static void test_token(void **state)
{
    (void)state;
    envoid_token t;
    envoi_error err = {0};
    char *path = write_token("0123456789abcdef-token\nsecond line\n", 0600);
    assert_int_equal(envoid_token_load(&t, path, &err), 0);
    assert_string_equal(t.value, "0123456789abcdef-token");
    assert_true(envoid_token_accepts(&t, "Bearer 0123456789abcdef-token"));
    assert_true(envoid_token_accepts(&t, "bearer 0123456789abcdef-token"));
    assert_false(envoid_token_accepts(&t, NULL));
    assert_false(envoid_token_accepts(&t, "Bearer 0123456789abcdef-toke"));
    assert_false(envoid_token_accepts(&t, "Bearer 0123456789abcdef-tokenX"));
    assert_false(envoid_token_accepts(&t, "Basic 0123456789abcdef-token"));
    envoid_token_clear(&t);
    assert_true(envoid_token_accepts(&t, NULL)); /* none configured */
    chmod(path, 0640);
    assert_int_equal(envoid_token_load(&t, path, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "readable by group or others"));
    unlink(path);
    free(path);
    path = write_token("short\n", 0600);
    assert_int_equal(envoid_token_load(&t, path, &err), ENVOI_ECONFIG);
    unlink(path);
    assert_int_equal(envoid_token_load(&t, path, &err), ENVOI_EFILE);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults), cmocka_unit_test(test_spool_keys),
        cmocka_unit_test(test_sizes),    cmocka_unit_test(test_listen_addresses),
        cmocka_unit_test(test_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
