/* The cache file (mode 0600, replaced atomically, refused when others can
 * read it, ignored when written for another grant) and the margin: a token
 * with more than the margin left comes from the cache, one with less is
 * refreshed (here against an endpoint nobody listens on), with a fake
 * clock. Also the token command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "oauth/oauth_impl.h"

static char dir[] = "/tmp/envoi-oauth-test.XXXXXX";
static char path[256];
static time_t fake_now = 1000000;

static time_t fake_clock(void)
{
    return fake_now;
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/sub/cache.json", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const oauth_cache_key key = {"https://127.0.0.1:1/token", "client", "refresh-1"};

static void test_cache_written_0600_and_read_back(void **state)
{
    (void)state;
    oauth_cached c = {"access-1", 1234567, "rotated-2"};
    assert_int_equal(oauth_cache_write(path, &key, &c, NULL), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    oauth_cached got;
    assert_int_equal(oauth_cache_read(path, &key, &got, NULL), 0);
    assert_string_equal(got.access_token, "access-1");
    assert_string_equal(got.refresh_token, "rotated-2");
    assert_int_equal(got.expires, 1234567);
    oauth_cached_free(&got);
    /* No temporary file is left beside it. */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s/sub' | wc -l) = 1", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_cache_of_another_grant_is_ignored(void **state)
{
    (void)state;
    oauth_cached c = {"access-1", 1234567, NULL};
    assert_int_equal(oauth_cache_write(path, &key, &c, NULL), 0);
    oauth_cache_key other = key;
    other.refresh_token = "refresh-new";
    oauth_cached got;
    assert_int_equal(oauth_cache_read(path, &other, &got, NULL), 0);
    assert_null(got.access_token);
    assert_null(got.refresh_token);
}

static void test_cache_readable_by_others_is_refused(void **state)
{
    (void)state;
    oauth_cached c = {"access-1", 1234567, NULL};
    assert_int_equal(oauth_cache_write(path, &key, &c, NULL), 0);
    assert_int_equal(chmod(path, 0644), 0);
    oauth_cached got;
    envoi_error err;
    assert_int_equal(oauth_cache_read(path, &key, &got, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, path));
    assert_int_equal(chmod(path, 0600), 0);
}

static void test_missing_or_malformed_cache_is_empty(void **state)
{
    (void)state;
    oauth_cached got;
    char missing[300];
    snprintf(missing, sizeof missing, "%s/none.json", dir);
    assert_int_equal(oauth_cache_read(missing, &key, &got, NULL), 0);
    assert_null(got.access_token);
    FILE *f = fopen(path, "w");
    fputs("{not json", f);
    fclose(f);
    chmod(path, 0600);
    assert_int_equal(oauth_cache_read(path, &key, &got, NULL), 0);
    assert_null(got.access_token);
}

static void test_margin(void **state)
{
    (void)state;
    assert_true(oauth_is_fresh(1100, 1000, 60));
    assert_false(oauth_is_fresh(1060, 1000, 60));
    assert_false(oauth_is_fresh(1030, 1000, 60));
    assert_false(oauth_is_fresh(900, 1000, 0));
    assert_true(oauth_is_fresh((time_t)-1, 1000, 60));
}

/* A provider whose endpoint refuses connections: only the cache can answer. */
static envoi_oauth *provider(void)
{
    envoi_oauth *o = envoi_oauth_new();
    assert_int_equal(envoi_oauth_set_token_endpoint(o, key.endpoint), 0);
    assert_int_equal(envoi_oauth_set_client(o, key.client_id, NULL), 0);
    assert_int_equal(envoi_oauth_set_refresh_token(o, key.refresh_token), 0);
    assert_int_equal(envoi_oauth_set_cache_file(o, path), 0);
    assert_int_equal(envoi_oauth_set_timeout(o, 2000), 0);
    oauth_set_clock(o, fake_clock);
    return o;
}

static void test_cached_token_used_until_the_margin(void **state)
{
    (void)state;
    oauth_cached c = {"cached-token", fake_now + 100, NULL};
    assert_int_equal(oauth_cache_write(path, &key, &c, NULL), 0);
    envoi_oauth *o = provider();
    char *token = NULL;
    time_t expires = 0;
    assert_int_equal(envoi_oauth_token(o, &token, &expires, NULL), 0);
    assert_string_equal(token, "cached-token");
    assert_int_equal(expires, fake_now + 100);
    envoi_oauth_token_free(token);
    fake_now += 50; /* 50 s left: under the 60 s margin */
    envoi_error err;
    assert_int_equal(envoi_oauth_token(o, &token, NULL, &err), ENVOI_ECONNECT);
    assert_null(token);
    assert_int_equal(envoi_oauth_set_margin(o, 10), 0);
    assert_int_equal(envoi_oauth_token(o, &token, NULL, &err), 0);
    assert_string_equal(token, "cached-token");
    /* Refused by a server: forgotten, in memory and in the file. */
    envoi_oauth_invalidate(o, token);
    envoi_oauth_token_free(token);
    assert_int_equal(envoi_oauth_token(o, &token, NULL, &err), ENVOI_ECONNECT);
    envoi_oauth_free(o);
    oauth_cached got;
    assert_int_equal(oauth_cache_read(path, &key, &got, NULL), 0);
    assert_null(got.access_token);
    fake_now -= 50;
}

static void test_token_command(void **state)
{
    (void)state;
    envoi_oauth *o = envoi_oauth_new();
    char *token = NULL;
    envoi_error err;
    assert_int_equal(envoi_oauth_token(o, &token, NULL, &err), ENVOI_ECONFIG);
    assert_int_equal(envoi_oauth_set_token_command(o, "printf 'tok-1\\nsecond line\\n'"), 0);
    assert_int_equal(envoi_oauth_token(o, &token, NULL, &err), 0);
    assert_string_equal(token, "tok-1");
    envoi_oauth_token_free(token);
    assert_int_equal(envoi_oauth_set_token_command(o, "printf 'tok%s\\n' -2; exit 3"), 0);
    assert_int_equal(envoi_oauth_token(o, &token, NULL, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "status 3"));
    assert_null(strstr(err.text, "tok-2"));
    assert_int_equal(envoi_oauth_set_token_command(o, "echo"), 0);
    assert_int_equal(envoi_oauth_token(o, &token, NULL, &err), ENVOI_ECONFIG);
    envoi_oauth_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_written_0600_and_read_back),
        cmocka_unit_test(test_cache_of_another_grant_is_ignored),
        cmocka_unit_test(test_cache_readable_by_others_is_refused),
        cmocka_unit_test(test_missing_or_malformed_cache_is_empty),
        cmocka_unit_test(test_margin),
        cmocka_unit_test(test_cached_token_used_until_the_margin),
        cmocka_unit_test(test_token_command),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
