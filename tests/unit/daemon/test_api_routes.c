/* The API's routing and the refusals made before the queue is reached:
 * unknown paths and ids, methods, content types, malformed bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "daemon/api.h"

static const envoid_api api = {NULL, NULL, 1024, NULL, NULL, NULL};

static unsigned answer(const char *method, const char *path, const char *type, const char *body,
                       char *text, size_t size, const char **allow)
{
    envoid_request req = {method, path, type, NULL, 0, body, strlen(body)};
    envoid_reply rep = {0};
    envoid_api_handle(&api, &req, &rep);
    assert_non_null(rep.body);
    snprintf(text, size, "%s", rep.body);
    if (allow)
        *allow = rep.allow;
    envoid_reply_free(&rep);
    return rep.status;
}

static void test_unknown_paths_and_ids(void **state)
{
    (void)state;
    char text[512];
    assert_int_equal(answer("GET", "/index.html", NULL, "", text, sizeof text, NULL), 404);
    assert_int_equal(answer("GET", "/v1", NULL, "", text, sizeof text, NULL), 404);
    assert_int_equal(answer("GET", "/v1/messages/", NULL, "", text, sizeof text, NULL), 404);
    assert_int_equal(answer("GET", "/v1/messages/ABC", NULL, "", text, sizeof text, NULL), 404);
    assert_int_equal(answer("GET", "/v1/messages/../../x", NULL, "", text, sizeof text, NULL), 404);
    assert_int_equal(answer("GET", "/v1/messages/0123456789012345678901234567890123", NULL, "",
                            text, sizeof text, NULL),
                     404);
    assert_int_equal(answer("POST", "/v1/messages/abc/delete", NULL, "", text, sizeof text, NULL),
                     404);
    assert_non_null(strstr(text, "\"error\""));
}

static void test_methods(void **state)
{
    (void)state;
    char text[512];
    const char *allow = NULL;
    assert_int_equal(answer("DELETE", "/v1/messages", NULL, "", text, sizeof text, &allow), 405);
    assert_string_equal(allow, "GET, POST");
    assert_int_equal(answer("POST", "/v1/stats", NULL, "", text, sizeof text, &allow), 405);
    assert_string_equal(allow, "GET");
    assert_int_equal(answer("GET", "/v1/pause", NULL, "", text, sizeof text, &allow), 405);
    assert_string_equal(allow, "POST");
    assert_int_equal(answer("GET", "/v1/messages/abc/cancel", NULL, "", text, sizeof text, &allow),
                     405);
    assert_int_equal(answer("PUT", "/v1/messages/abc", NULL, "", text, sizeof text, &allow), 405);
}

static void test_submissions_refused_before_the_queue(void **state)
{
    (void)state;
    char text[512];
    assert_int_equal(answer("POST", "/v1/messages", "text/plain", "hi", text, sizeof text, NULL),
                     415);
    assert_int_equal(
        answer("POST", "/v1/messages", "application/json", "{", text, sizeof text, NULL), 400);
    assert_non_null(strstr(text, "malformed JSON"));
    assert_int_equal(answer("POST", "/v1/messages", "application/json; charset=utf-8",
                            "{\"from\":\"a@example.org\"}", text, sizeof text, NULL),
                     400);
    assert_non_null(strstr(text, "to: missing"));
    assert_int_equal(answer("POST", "/v1/messages", "message/rfc822", "Subject: x\r\n\r\n", text,
                            sizeof text, NULL),
                     400);
    assert_non_null(strstr(text, "from: missing"));
}

static void test_body_limit_leaves_room_for_escapes(void **state)
{
    (void)state;
    assert_true(envoid_api_body_limit(1000) >= 2000);
    assert_int_equal(envoid_api_body_limit(SIZE_MAX), SIZE_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_paths_and_ids),
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_submissions_refused_before_the_queue),
        cmocka_unit_test(test_body_limit_leaves_room_for_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
