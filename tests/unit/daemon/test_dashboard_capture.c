/* The capture mailbox endpoints on a maildir the capture relay wrote: the
 * list (newest first, stray files ignored), a message parsed, its HTML body
 * served inert, its attachments by index under safe names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/api.h"
#include "daemon/dashboard.h"
#include "spool/deliver.h"

static const char html_message[] =
    "From: Ann <ann@example.org>\r\nTo: Bob <bob@example.org>, carl@example.org\r\n"
    "Subject: =?utf-8?q?Caf=C3=A9?= news\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
    "--m\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
    "--a\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nplain caf\xe9\r\n"
    "--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hi</p><script>x()</script>\r\n"
    "--a--\r\n"
    "--m\r\nContent-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename=\"../../.hidden\\\"q.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n"
    "--m\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment\r\n\r\n"
    "some notes\r\n--m--\r\n";

static const char plain_message[] = "From: zed@example.org\r\nSubject: second\r\n\r\nbody\r\n";

struct fixture {
    char dir[64];
    envoid_api api;
};

static void capture(const char *dir, const char *id, const char *source)
{
    char maildir[128];
    snprintf(maildir, sizeof maildir, "%s/capture", dir);
    const char *rcpts[] = {"bob@example.org"};
    envoi_error err = {0};
    assert_int_equal(spool_capture_write(maildir, id, "ann@example.org", rcpts, 1, source,
                                         strlen(source), NULL, 0, &err),
                     0);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/envoi-dashboard-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->api.spool_dir = f->dir;
    f->api.max_message = 1024 * 1024;
    capture(f->dir, "0001aaaa", html_message);
    usleep(2000);
    capture(f->dir, "0002bbbb", plain_message);
    /* Files of any other shape are not the capture relay's: ignored. */
    char path[160];
    snprintf(path, sizeof path, "%s/capture/new/stray-file", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("Subject: stray\r\n\r\n", fp);
    fclose(fp);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static unsigned get_args(struct fixture *f, const char *path, const envoid_query_arg *args,
                         size_t n, envoid_reply *rep)
{
    envoid_request req = {"GET", path, NULL, args, n, "", 0};
    memset(rep, 0, sizeof *rep);
    envoid_api_handle(&f->api, &req, rep);
    assert_non_null(rep->body);
    return rep->status;
}

static unsigned get(struct fixture *f, const char *path, envoid_reply *rep)
{
    return get_args(f, path, NULL, 0, rep);
}

static json_t *get_json(struct fixture *f, const char *path, const envoid_query_arg *args, size_t n)
{
    envoid_reply rep;
    assert_int_equal(get_args(f, path, args, n, &rep), 200);
    assert_null(rep.content_type);
    json_error_t jerr;
    json_t *j = json_loads(rep.body, 0, &jerr);
    assert_non_null(j);
    envoid_reply_free(&rep);
    return j;
}

static void test_list_newest_first(void **state)
{
    struct fixture *f = *state;
    json_t *j = get_json(f, "/v1/capture", NULL, 0);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
    json_t *items = json_object_get(j, "messages");
    assert_int_equal(json_array_size(items), 2);
    json_t *first = json_array_get(items, 0), *second = json_array_get(items, 1);
    assert_string_equal(json_string_value(json_object_get(first, "id")), "0002bbbb");
    assert_string_equal(json_string_value(json_object_get(first, "from")), "zed@example.org");
    assert_string_equal(json_string_value(json_object_get(second, "id")), "0001aaaa");
    assert_string_equal(json_string_value(json_object_get(second, "subject")), "Café news");
    assert_string_equal(json_string_value(json_object_get(second, "from_name")), "Ann");
    assert_int_equal(json_array_size(json_object_get(second, "to")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(second, "to"), 0)),
                        "Bob <bob@example.org>");
    assert_string_equal(json_string_value(json_object_get(second, "date")),
                        "2026-03-03T10:00:00.000Z");
    json_decref(j);

    envoid_query_arg page[] = {{"offset", "1"}, {"limit", "1"}};
    j = get_json(f, "/v1/capture", page, 2);
    items = json_object_get(j, "messages");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id")),
                        "0001aaaa");
    json_decref(j);

    envoid_reply rep;
    envoid_query_arg too_many[] = {{"limit", "5000"}};
    assert_int_equal(get_args(f, "/v1/capture", too_many, 1, &rep), 400);
    envoid_reply_free(&rep);
}

static void test_message_parsed(void **state)
{
    struct fixture *f = *state;
    json_t *j = get_json(f, "/v1/capture/0001aaaa", NULL, 0);
    assert_string_equal(json_string_value(json_object_get(j, "text")), "plain café");
    assert_string_equal(json_string_value(json_object_get(j, "html")),
                        "<p>hi</p><script>x()</script>");
    assert_non_null(json_string_value(json_object_get(j, "captured")));
    json_t *att = json_object_get(j, "attachments");
    assert_int_equal(json_array_size(att), 2);
    json_t *a0 = json_array_get(att, 0), *a1 = json_array_get(att, 1);
    assert_string_equal(json_string_value(json_object_get(a0, "filename")), "../../.hidden\"q.bin");
    assert_string_equal(json_string_value(json_object_get(a0, "save_as")), "hidden\"q.bin");
    assert_int_equal(json_integer_value(json_object_get(a0, "size")), 4);
    assert_string_equal(json_string_value(json_object_get(a1, "content_type")), "text/plain");
    assert_string_equal(json_string_value(json_object_get(a1, "save_as")), "notes.txt");
    json_decref(j);

    j = get_json(f, "/v1/capture/0002bbbb", NULL, 0);
    assert_true(json_is_null(json_object_get(j, "html")));
    assert_int_equal(json_array_size(json_object_get(j, "attachments")), 0);
    json_decref(j);

    envoid_reply rep;
    assert_int_equal(get(f, "/v1/capture/0003cccc", &rep), 404);
    envoid_reply_free(&rep);
}

static void test_html_served_inert(void **state)
{
    struct fixture *f = *state;
    envoid_reply rep;
    assert_int_equal(get(f, "/v1/capture/0001aaaa/html", &rep), 200);
    assert_string_equal(rep.content_type, "text/html; charset=utf-8");
    assert_string_equal(rep.csp, ENVOID_CSP_INERT);
    assert_true(strncmp(rep.csp, "sandbox;", 8) == 0);
    assert_string_equal(rep.body, "<p>hi</p><script>x()</script>");
    envoid_reply_free(&rep);
    assert_int_equal(get(f, "/v1/capture/0002bbbb/html", &rep), 404);
    envoid_reply_free(&rep);
}

static void test_attachments_by_index(void **state)
{
    struct fixture *f = *state;
    envoid_reply rep;
    assert_int_equal(get(f, "/v1/capture/0001aaaa/attachments/0", &rep), 200);
    assert_string_equal(rep.content_type, "application/octet-stream");
    assert_int_equal(rep.body_len, 4);
    assert_memory_equal(rep.body, "\x00\x01\x02\x03", 4);
    assert_string_equal(rep.disposition,
                        "attachment; filename=\"hidden_q.bin\"; filename*=UTF-8''hidden%22q.bin");
    envoid_reply_free(&rep);
    assert_null(rep.disposition);

    assert_int_equal(get(f, "/v1/capture/0001aaaa/attachments/1", &rep), 200);
    assert_string_equal(rep.body, "some notes");
    assert_string_equal(rep.disposition, "attachment; filename=\"notes.txt\"");
    envoid_reply_free(&rep);

    assert_int_equal(get(f, "/v1/capture/0001aaaa/attachments/2", &rep), 404);
    envoid_reply_free(&rep);
    assert_int_equal(get(f, "/v1/capture/0001aaaa/attachments/01x", &rep), 404);
    envoid_reply_free(&rep);
}

static void test_download_names(void **state)
{
    (void)state;
    struct {
        const char *name, *want;
    } cases[] = {
        {NULL, "attachment; filename=\"attachment-3\""},
        {"", "attachment; filename=\"attachment-3\""},
        {"...", "attachment; filename=\"attachment-3\""},
        {"/etc/passwd", "attachment; filename=\"passwd\""},
        {"C:\\Users\\x\\evil.exe", "attachment; filename=\"evil.exe\""},
        {"a\r\nSet-Cookie: x", "attachment; filename=\"a__Set-Cookie__x\"; "
                               "filename*=UTF-8''a__Set-Cookie%3A%20x"},
        {"r\xc3\xa9sum\xc3\xa9.pdf",
         "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"},
        {"\xe6\x97\xa5\xe6\x9c\xac", "attachment; filename=\"attachment-3\"; "
                                     "filename*=UTF-8''%E6%97%A5%E6%9C%AC"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = envoid_attachment_disposition(cases[i].name, 2);
        assert_non_null(d);
        assert_string_equal(d, cases[i].want);
        free(d);
    }
    char long_name[600];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    char *n = envoid_attachment_name(long_name, 0);
    assert_int_equal(strlen(n), 200);
    free(n);
    char *d = envoid_attachment_disposition(long_name, 0);
    assert_true(strlen(d) < 200);
    free(d);
}

static void test_no_mailbox_is_an_empty_list(void **state)
{
    (void)state;
    envoid_api api = {NULL, "/nonexistent/envoi-spool", 1024, NULL, NULL, NULL};
    envoid_request req = {"GET", "/v1/capture", NULL, NULL, 0, "", 0};
    envoid_reply rep = {0};
    envoid_api_handle(&api, &req, &rep);
    assert_int_equal(rep.status, 200);
    assert_non_null(strstr(rep.body, "\"total\":0"));
    envoid_reply_free(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_newest_first),
        cmocka_unit_test(test_message_parsed),
        cmocka_unit_test(test_html_served_inert),
        cmocka_unit_test(test_attachments_by_index),
        cmocka_unit_test(test_download_names),
        cmocka_unit_test(test_no_mailbox_is_an_empty_list),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
