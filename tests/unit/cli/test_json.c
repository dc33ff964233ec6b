/* "envoi send --json": the object's shape on success and on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/output/json.h"

static json_t *print_and_parse(const cli_send_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(cli_json_print_result(f, r), 0);
    fclose(f);
    assert_true(len > 0);
    assert_int_equal(text[len - 1], '\n');
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    if (!root)
        fail_msg("not JSON: %s (%s)", text, jerr.text);
    free(text);
    return root;
}

static void test_success_lists_each_recipient_and_the_reply(void **state)
{
    (void)state;
    envoi_rcpt_status st[2] = {
        {"a@x.org", 250, "2.1.5", "Ok", true},
        {"b@x.org", 550, "5.1.1", "No such user", false},
    };
    cli_send_result r = {"127.0.0.1:2525", "250 2.0.0 Ok: queued as X", st, 2, NULL, 0, NULL, NULL};
    json_t *root = print_and_parse(&r);
    assert_string_equal(json_string_value(json_object_get(root, "status")), "sent");
    assert_string_equal(json_string_value(json_object_get(root, "server")), "127.0.0.1:2525");
    assert_string_equal(json_string_value(json_object_get(root, "reply")),
                        "250 2.0.0 Ok: queued as X");
    assert_true(json_is_null(json_object_get(root, "error")));
    json_t *rcpts = json_object_get(root, "recipients");
    assert_int_equal(json_array_size(rcpts), 2);
    json_t *b = json_array_get(rcpts, 1);
    assert_string_equal(json_string_value(json_object_get(b, "address")), "b@x.org");
    assert_int_equal(json_integer_value(json_object_get(b, "code")), 550);
    assert_string_equal(json_string_value(json_object_get(b, "enhanced")), "5.1.1");
    assert_string_equal(json_string_value(json_object_get(b, "text")), "No such user");
    assert_true(json_is_false(json_object_get(b, "accepted")));
    assert_true(json_is_true(json_object_get(json_array_get(rcpts, 0), "accepted")));
    json_decref(root);
}

static void test_failure_carries_the_error_object(void **state)
{
    (void)state;
    envoi_error err = {.code = ENVOI_EAUTH,
                       .reply_code = 535,
                       .enhanced = "5.7.8",
                       .text = "Authentication failed"};
    const char *planned[] = {"a@x.org"};
    cli_send_result r = {
        "[::1]:587", NULL,
        NULL,        0,
        planned,     1,
        &err,        "authentication refused by [::1]:587: 535 5.7.8 Authentication failed"};
    json_t *root = print_and_parse(&r);
    assert_string_equal(json_string_value(json_object_get(root, "status")), "error");
    assert_true(json_is_null(json_object_get(root, "reply")));
    json_t *e = json_object_get(root, "error");
    assert_int_equal(json_integer_value(json_object_get(e, "code")), ENVOI_EAUTH);
    assert_string_equal(json_string_value(json_object_get(e, "name")), "ENVOI_EAUTH");
    assert_int_equal(json_integer_value(json_object_get(e, "reply_code")), 535);
    assert_string_equal(json_string_value(json_object_get(e, "enhanced")), "5.7.8");
    assert_string_equal(json_string_value(json_object_get(e, "text")), "Authentication failed");
    assert_true(json_is_false(json_object_get(e, "temporary")));
    assert_non_null(strstr(json_string_value(json_object_get(e, "message")), "535"));
    json_t *rcpts = json_object_get(root, "recipients");
    assert_int_equal(json_array_size(rcpts), 1);
    json_t *a = json_array_get(rcpts, 0);
    assert_int_equal(json_integer_value(json_object_get(a, "code")), 0);
    assert_true(json_is_null(json_object_get(a, "enhanced")));
    assert_true(json_is_false(json_object_get(a, "accepted")));
    json_decref(root);
}

static void test_temporary_errors_say_so(void **state)
{
    (void)state;
    envoi_error err = {.code = ENVOI_ETIMEDOUT, .text = "no reply within 10 s"};
    cli_send_result r = {NULL, NULL, NULL, 0, NULL, 0, &err, "timed out"};
    json_t *root = print_and_parse(&r);
    assert_true(json_is_null(json_object_get(root, "server")));
    json_t *e = json_object_get(root, "error");
    assert_true(json_is_true(json_object_get(e, "temporary")));
    assert_int_equal(json_integer_value(json_object_get(e, "reply_code")), 0);
    assert_true(json_is_null(json_object_get(e, "enhanced")));
    json_decref(root);
}

static void test_server_text_that_is_not_utf8_is_kept_readable(void **state)
{
    (void)state;
    envoi_rcpt_status st[1] = {{"a@x.org", 550, "", "bad \xff\xfe bytes", false}};
    envoi_error err = {.code = ENVOI_ENORCPT, .reply_code = 550, .text = "bad \xc3 end"};
    cli_send_result r = {"h:25", NULL, st, 1, NULL, 0, &err, NULL};
    json_t *root = print_and_parse(&r);
    json_t *a = json_array_get(json_object_get(root, "recipients"), 0);
    assert_string_equal(json_string_value(json_object_get(a, "text")), "bad ?? bytes");
    assert_true(json_is_null(json_object_get(a, "enhanced")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "error"), "text")),
                        "bad ? end");
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_lists_each_recipient_and_the_reply),
        cmocka_unit_test(test_failure_carries_the_error_object),
        cmocka_unit_test(test_temporary_errors_say_so),
        cmocka_unit_test(test_server_text_that_is_not_utf8_is_kept_readable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
