/* The token endpoint's URL (https, http only to loopback, ports, IPv6, no
 * user info or fragment) and the form body's percent-encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "oauth/oauth_impl.h"

static void test_https_url_with_port_and_path(void **state)
{
    (void)state;
    oauth_url u;
    assert_int_equal(oauth_url_parse("https://oauth2.example.org:8443/o/token?x=1", &u, NULL), 0);
    assert_true(u.tls);
    assert_string_equal(u.host, "oauth2.example.org");
    assert_int_equal(u.port, 8443);
    assert_string_equal(u.path, "/o/token?x=1");
    oauth_url_free(&u);
    assert_int_equal(oauth_url_parse("https://example.org", &u, NULL), 0);
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "/");
    oauth_url_free(&u);
    assert_int_equal(oauth_url_parse("https://[2001:db8::1]:444/t", &u, NULL), 0);
    assert_string_equal(u.host, "2001:db8::1");
    assert_int_equal(u.port, 444);
    oauth_url_free(&u);
}

static void test_plain_http_only_to_loopback(void **state)
{
    (void)state;
    oauth_url u;
    envoi_error err;
    const char *ok[] = {"http://127.0.0.1:8080/token", "http://127.1.2.3/t", "http://[::1]:9/t",
                        "http://localhost/t", "HTTP://LOCALHOST/t"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(oauth_url_parse(ok[i], &u, &err), 0);
        assert_false(u.tls);
        oauth_url_free(&u);
    }
    assert_int_equal(oauth_url_parse("http://example.org/token", &u, &err), ENVOI_EINVAL);
    assert_non_null(strstr(err.text, "loopback"));
    assert_int_equal(oauth_url_parse("http://128.0.0.1/token", &u, &err), ENVOI_EINVAL);
    assert_int_equal(oauth_url_parse("http://[::2]/token", &u, &err), ENVOI_EINVAL);
}

static void test_malformed_urls_are_refused(void **state)
{
    (void)state;
    oauth_url u;
    envoi_error err;
    const char *bad[] = {"",
                         "ftp://example.org/",
                         "https://",
                         "https://user:pw@example.org/t",
                         "https://example.org/t#frag",
                         "https://example.org:0/t",
                         "https://example.org:65536/t",
                         "https://example.org:12a/t",
                         "https://exa mple.org/t",
                         "https://example.org/t\r\nX: y",
                         "https://[::1/t",
                         "https://[example.org]/t",
                         "example.org/token"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(oauth_url_parse(bad[i], &u, &err), ENVOI_EINVAL);
}

static void test_form_values_are_percent_encoded(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(oauth_form_add(&b, "grant_type", "refresh_token"), 0);
    assert_int_equal(oauth_form_add(&b, "refresh_token", "1//a+b/c=d&e f~g.h-i_j"), 0);
    assert_int_equal(oauth_form_add(&b, "scope", "https://mail.example.org/ \xc3\xa9"), 0);
    assert_string_equal(b.data, "grant_type=refresh_token"
                                "&refresh_token=1%2F%2Fa%2Bb%2Fc%3Dd%26e%20f~g.h-i_j"
                                "&scope=https%3A%2F%2Fmail.example.org%2F%20%C3%A9");
    envoi_buf_free(&b);
}

static void test_provider_setters_check_their_values(void **state)
{
    (void)state;
    envoi_oauth *o = envoi_oauth_new();
    assert_non_null(o);
    assert_int_equal(envoi_oauth_set_token_endpoint(o, "http://example.org/t"), ENVOI_EINVAL);
    assert_int_equal(envoi_oauth_set_token_endpoint(o, "https://example.org/t"), 0);
    assert_int_equal(envoi_oauth_set_client(o, NULL, NULL), ENVOI_EINVAL);
    assert_int_equal(envoi_oauth_set_client(o, "id\r\n", NULL), ENVOI_EINVAL);
    assert_int_equal(envoi_oauth_set_client(o, "id", "secret"), 0);
    assert_int_equal(envoi_oauth_set_refresh_token(o, "has space"), ENVOI_EINVAL);
    assert_int_equal(envoi_oauth_set_refresh_token(o, "1//refresh"), 0);
    assert_int_equal(envoi_oauth_set_timeout(o, 0), ENVOI_EINVAL);
    assert_int_equal(envoi_oauth_set_cache_file(o, ""), ENVOI_EINVAL);
    envoi_oauth_free(o);
    envoi_oauth_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_https_url_with_port_and_path),
        cmocka_unit_test(test_plain_http_only_to_loopback),
        cmocka_unit_test(test_malformed_urls_are_refused),
        cmocka_unit_test(test_form_values_are_percent_encoded),
        cmocka_unit_test(test_provider_setters_check_their_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
