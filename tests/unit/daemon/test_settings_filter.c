/* envoid's [spool] keys for the content filter and the log: filter,
 * filter-timeout (seconds, default 30) and log (stderr or syslog). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "daemon/settings.h"

static int read_text(const char *text, envoid_settings *s, envoi_error *err)
{
    envoi_config *cfg = NULL;
    if (envoi_config_parse(&cfg, text, strlen(text), "cfg", err) != 0)
        fail_msg("%s", err->text);
    envoid_settings_default(s);
    int rc = envoid_settings_read(s, cfg, err);
    /* Strings point into the config: keep what is checked. */
    static char filter[256];
    if (rc == 0 && s->filter) {
        snprintf(filter, sizeof filter, "%s", s->filter);
        s->filter = filter;
    }
    envoi_config_free(cfg);
    return rc;
}

static void test_defaults(void **state)
{
    (void)state;
    envoid_settings s;
    envoid_settings_default(&s);
    assert_null(s.filter);
    assert_int_equal(s.filter_timeout, 30);
    assert_false(s.syslog);
}

static void test_filter_keys(void **state)
{
    (void)state;
    envoid_settings s;
    envoi_error err = {0};
    assert_int_equal(read_text("[spool]\nfilter = /usr/local/bin/list-filter --strict\n"
                               "filter-timeout = 5\nlog = syslog\n",
                               &s, &err),
                     0);
    assert_string_equal(s.filter, "/usr/local/bin/list-filter --strict");
    assert_int_equal(s.filter_timeout, 5);
    assert_true(s.syslog);
    assert_int_equal(read_text("[spool]\nlog = stderr\n", &s, &err), 0);
    assert_false(s.syslog);
}

static void test_bad_values(void **state)
{
    (void)state;
    envoid_settings s;
    envoi_error err = {0};
    assert_int_equal(read_text("[spool]\nfilter-timeout = 0\n", &s, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "cfg:2: [spool] filter-timeout"));
    assert_int_equal(read_text("[spool]\nfilter-timeout = 30s\n", &s, &err), ENVOI_ECONFIG);
    assert_int_equal(read_text("[spool]\nfilter-timeout = 86401\n", &s, &err), ENVOI_ECONFIG);
    assert_int_equal(read_text("[spool]\nlog = journald\n", &s, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "[spool] log"));
    assert_int_equal(read_text("[spool]\nfilter =\n", &s, &err), ENVOI_ECONFIG);
    assert_non_null(strstr(err.text, "empty value"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_filter_keys),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
