/* The dashboard's page and routes: served at GET / only, public while the
 * API is not, under a policy whose script hash matches the script served,
 * with nothing loaded from elsewhere and no inline handler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/api.h"
#include "daemon/dashboard.h"
#include "util/base64.h"
#include "util/buf.h"

static const envoid_api api = {NULL, NULL, 1024, NULL, NULL, NULL};

static unsigned answer(const char *method, const char *path, envoid_reply *rep)
{
    envoid_request req = {method, path, NULL, NULL, 0, "", 0};
    memset(rep, 0, sizeof *rep);
    envoid_api_handle(&api, &req, rep);
    assert_non_null(rep->body);
    return rep->status;
}

static void test_page_is_served_at_root(void **state)
{
    (void)state;
    envoid_reply rep;
    assert_int_equal(answer("GET", "/", &rep), 200);
    assert_string_equal(rep.content_type, "text/html; charset=utf-8");
    assert_non_null(rep.csp);
    assert_int_equal(rep.body_len, strlen(rep.body));
    assert_non_null(strstr(rep.body, "<!DOCTYPE html>"));
    assert_non_null(strstr(rep.body, "id=\"capture-html\" sandbox=\"\""));
    envoid_reply_free(&rep);

    assert_int_equal(answer("POST", "/", &rep), 405);
    assert_string_equal(rep.allow, "GET");
    assert_null(rep.content_type);
    envoid_reply_free(&rep);
}

static void test_only_the_page_is_public(void **state)
{
    (void)state;
    assert_true(envoid_api_is_public("GET", "/"));
    assert_false(envoid_api_is_public("POST", "/"));
    assert_false(envoid_api_is_public("GET", "/v1/stats"));
    assert_false(envoid_api_is_public("GET", "/v1/capture"));
    assert_false(envoid_api_is_public("GET", "//"));
    assert_false(envoid_api_is_public(NULL, NULL));
}

/* The text between <script> and </script> of the page. */
static char *script_of(const char *page)
{
    const char *open = strstr(page, "<script>");
    assert_non_null(open);
    open += strlen("<script>");
    const char *close = strstr(open, "</script>");
    assert_non_null(close);
    assert_null(strstr(close + 1, "<script")); /* one script only */
    return strndup(open, (size_t)(close - open));
}

static void test_policy_allows_exactly_the_script_served(void **state)
{
    (void)state;
    char *page = NULL;
    size_t len = 0;
    assert_int_equal(envoid_dashboard_page(&page, &len), 0);
    char *script = script_of(page);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(script, strlen(script), digest, &n, EVP_sha256(), NULL), 1);
    envoi_buf want = ENVOI_BUF_INIT;
    assert_int_equal(envoi_buf_append_str(&want, "script-src 'sha256-"), 0);
    assert_int_equal(envoi_base64_encode(digest, n, &want), 0);
    assert_int_equal(envoi_buf_append_str(&want, "';"), 0);

    const char *csp = envoid_dashboard_csp();
    assert_non_null(csp);
    assert_non_null(strstr(csp, want.data));
    assert_true(strncmp(csp, "default-src 'none';", 19) == 0);
    assert_non_null(strstr(csp, "frame-ancestors 'none'"));
    assert_non_null(strstr(csp, "connect-src 'self'"));
    assert_null(strstr(csp, "unsafe-eval"));
    assert_null(strstr(csp, "http"));
    assert_ptr_equal(csp, envoid_dashboard_csp()); /* made once */
    envoi_buf_free(&want);
    free(script);
    free(page);
}

static void test_page_loads_nothing_from_elsewhere(void **state)
{
    (void)state;
    char *page = NULL;
    size_t len = 0;
    assert_int_equal(envoid_dashboard_page(&page, &len), 0);
    assert_null(strstr(page, "://"));
    assert_null(strstr(page, " src="));
    /* The one link, the icon, is empty (no request for /favicon.ico). */
    const char *link = strstr(page, "<link");
    assert_non_null(link);
    static const char icon[] = "<link rel=\"icon\" href=\"data:,\">";
    assert_true(strncmp(link, icon, sizeof icon - 1) == 0);
    assert_null(strstr(link + 1, "<link"));
    /* Handlers are set from the script, never inline (the policy would refuse them). */
    assert_null(strstr(page, " onclick="));
    assert_null(strstr(page, " onload="));
    /* Text reaches the page through textContent only. */
    assert_null(strstr(page, "innerHTML"));
    assert_null(strstr(page, "outerHTML"));
    assert_null(strstr(page, "insertAdjacentHTML"));
    assert_null(strstr(page, "document.write"));
    free(page);
}

static void test_dashboard_routes_refuse_what_they_do_not_know(void **state)
{
    (void)state;
    envoid_reply rep;
    assert_int_equal(answer("GET", "/v1/capture/ABC", &rep), 404);
    envoid_reply_free(&rep);
    assert_int_equal(answer("GET", "/v1/capture/..", &rep), 404);
    envoid_reply_free(&rep);
    assert_int_equal(answer("GET", "/v1/capture/abc/../../etc", &rep), 404);
    envoid_reply_free(&rep);
    assert_int_equal(answer("GET", "/v1/capture/abc/raw", &rep), 404);
    envoid_reply_free(&rep);
    assert_int_equal(answer("DELETE", "/v1/capture/abc", &rep), 405);
    envoid_reply_free(&rep);
    assert_int_equal(answer("POST", "/v1/capture", &rep), 405);
    envoid_reply_free(&rep);
    assert_int_equal(answer("POST", "/v1/messages/abc/source", &rep), 405);
    envoid_reply_free(&rep);
    assert_int_equal(answer("GET", "/v1/messages/ABC/source", &rep), 404);
    envoid_reply_free(&rep);
    assert_int_equal(answer("GET", "/v1/capture/abc/attachments/x", &rep), 404);
    envoid_reply_free(&rep);
    assert_int_equal(answer("GET", "/v1/capture/abc/attachments/-1", &rep), 404);
    envoid_reply_free(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_is_served_at_root),
        cmocka_unit_test(test_only_the_page_is_public),
        cmocka_unit_test(test_policy_allows_exactly_the_script_served),
        cmocka_unit_test(test_page_loads_nothing_from_elsewhere),
        cmocka_unit_test(test_dashboard_routes_refuse_what_they_do_not_know),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
