/* "envoi parse --json": the object's shape (DESIGN.md), the same object
 * whether the message is parsed whole or streamed, mbox splitting, and
 * output that stays valid JSON whatever the message holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json_message.h"
#include "cli/parse_collect.h"
#include "cli/parse_view.h"
#include "envoi/parse.h"
#include "util/buf.h"

static const char rich[] = "From: Ann Example <ann@example.org>\r\n"
                           "To: bob@example.org, \"Doe, Jane\" <jane@example.org>\r\n"
                           "Reply-To: =?utf-8?q?Z=C3=B6e?= <zoe@example.org>\r\n"
                           "Subject: =?utf-8?q?Caf=C3=A9?= menu\r\n"
                           "Date: Sat, 21 Nov 2026 22:07:17 +0100\r\n"
                           "Message-ID: <abc.123@example.org>\r\n"
                           "MIME-Version: 1.0\r\n"
                           "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
                           "\r\n"
                           "preamble\r\n"
                           "--outer\r\n"
                           "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
                           "\r\n"
                           "--alt\r\n"
                           "Content-Type: text/plain; charset=utf-8\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n"
                           "\r\n"
                           "Caf=C3=A9 au lait\r\n"
                           "--alt\r\n"
                           "Content-Type: text/html; charset=iso-8859-1\r\n"
                           "\r\n"
                           "<p>Caf\xe9</p>\r\n"
                           "--alt--\r\n"
                           "--outer\r\n"
                           "Content-Type: image/png; name=\"dot.png\"\r\n"
                           "Content-Disposition: attachment; filename=\"dot.png\"\r\n"
                           "Content-ID: <img1@example.org>\r\n"
                           "Content-Transfer-Encoding: base64\r\n"
                           "\r\n"
                           "aGVsbG8=\r\n"
                           "--outer\r\n"
                           "Content-Type: message/rfc822\r\n"
                           "\r\n"
                           "From: inner@example.org\r\n"
                           "Subject: inner\r\n"
                           "\r\n"
                           "inner body\r\n"
                           "--outer--\r\n"
                           "epilogue\r\n";

static json_t *json_of_view(const cli_message_view *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(cli_json_print_message(f, v), 0);
    fclose(f);
    assert_true(len > 0);
    assert_int_equal(text[len - 1], '\n');
    assert_null(memchr(text, '\n', len - 1)); /* one line per message */
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    if (!root)
        fail_msg("not JSON: %s (%s)", text, jerr.text);
    free(text);
    return root;
}

/* The object for data parsed whole. */
static json_t *json_whole(const char *data, size_t len)
{
    envoi_message *msg = NULL;
    assert_int_equal(envoi_message_parse(data, len, &msg), 0);
    cli_message_view v;
    assert_int_equal(cli_view_from_message(msg, &v), 0);
    json_t *root = json_of_view(&v);
    cli_view_free(&v);
    envoi_message_free(msg);
    return root;
}

static int collect_json(void *ctx, const cli_message_view *v)
{
    json_array_append_new(ctx, json_of_view(v));
    return 0;
}

/* The objects for data streamed in pieces of step bytes. */
static json_t *json_streamed(const char *data, size_t len, bool mbox, size_t step)
{
    json_t *all = json_array();
    cli_collector *c = cli_collector_new(collect_json, all);
    assert_non_null(c);
    envoi_stream_parser *p = envoi_stream_parser_new(cli_collector_callbacks(), c, mbox);
    assert_non_null(p);
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        assert_int_equal(envoi_stream_parser_feed(p, data + off, n), 0);
    }
    assert_int_equal(envoi_stream_parser_finish(p), 0);
    envoi_stream_parser_free(p);
    assert_int_equal(cli_collector_count(c), json_array_size(all));
    cli_collector_free(c);
    return all;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static void sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char sha[32];
    assert_true(EVP_Digest(data, len, sha, NULL, EVP_sha256(), NULL));
    cli_sha256_hex(sha, hex);
}

static void assert_keys(json_t *o, const char *const *keys, size_t n)
{
    assert_int_equal(json_object_size(o), n);
    size_t i = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), i++)
        assert_string_equal(json_object_iter_key(it), keys[i]);
}

static void test_message_object_has_the_design_fields_in_order(void **state)
{
    (void)state;
    static const char *const keys[] = {"subject",    "from",  "to",   "cc",   "reply_to", "date",
                                       "message_id", "parts", "text", "html", "defects"};
    json_t *root = json_whole(rich, sizeof rich - 1);
    assert_keys(root, keys, sizeof keys / sizeof keys[0]);
    static const char *const part_keys[] = {"path",     "content_type", "charset", "disposition",
                                            "filename", "content_id",   "size",    "sha256"};
    json_t *parts = json_object_get(root, "parts");
    assert_true(json_array_size(parts) > 0);
    for (size_t i = 0; i < json_array_size(parts); i++)
        assert_keys(json_array_get(parts, i), part_keys, 8);
    json_decref(root);
}

static void test_headers_are_decoded(void **state)
{
    (void)state;
    json_t *root = json_whole(rich, sizeof rich - 1);
    assert_string_equal(str(root, "subject"), "Caf\xc3\xa9 menu");
    assert_string_equal(str(root, "date"), "2026-11-21T21:07:17Z");
    assert_string_equal(str(root, "message_id"), "abc.123@example.org");
    json_t *from = json_object_get(root, "from");
    assert_int_equal(json_array_size(from), 1);
    assert_string_equal(str(json_array_get(from, 0), "name"), "Ann Example");
    assert_string_equal(str(json_array_get(from, 0), "address"), "ann@example.org");
    json_t *to = json_object_get(root, "to");
    assert_int_equal(json_array_size(to), 2);
    assert_true(json_is_null(json_object_get(json_array_get(to, 0), "name")));
    assert_string_equal(str(json_array_get(to, 0), "address"), "bob@example.org");
    assert_string_equal(str(json_array_get(to, 1), "name"), "Doe, Jane");
    assert_int_equal(json_array_size(json_object_get(root, "cc")), 0);
    json_t *reply_to = json_object_get(root, "reply_to");
    assert_string_equal(str(json_array_get(reply_to, 0), "name"), "Z\xc3\xb6"
                                                                  "e");
    assert_int_equal(json_array_size(json_object_get(root, "defects")), 0);
    json_decref(root);
}

static void test_parts_are_the_leaves_depth_first_into_embedded_messages(void **state)
{
    (void)state;
    json_t *root = json_whole(rich, sizeof rich - 1);
    json_t *parts = json_object_get(root, "parts");
    assert_int_equal(json_array_size(parts), 4);
    const char *paths[] = {"1.1", "1.2", "2", "3.1"};
    const char *types[] = {"text/plain", "text/html", "image/png", "text/plain"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(str(json_array_get(parts, i), "path"), paths[i]);
        assert_string_equal(str(json_array_get(parts, i), "content_type"), types[i]);
    }
    json_t *png = json_array_get(parts, 2);
    assert_string_equal(str(png, "disposition"), "attachment");
    assert_string_equal(str(png, "filename"), "dot.png");
    assert_string_equal(str(png, "content_id"), "img1@example.org");
    assert_true(json_is_null(json_object_get(png, "charset")));
    assert_int_equal(json_integer_value(json_object_get(png, "size")), 5);
    char hex[65];
    sha256_hex("hello", 5, hex);
    assert_string_equal(str(png, "sha256"), hex);
    json_t *plain = json_array_get(parts, 0);
    assert_string_equal(str(plain, "charset"), "utf-8");
    assert_true(json_is_null(json_object_get(plain, "filename")));
    /* The line break before a boundary belongs to the boundary (RFC 2046). */
    assert_int_equal(json_integer_value(json_object_get(plain, "size")), 13);
    json_decref(root);
}

static void test_text_and_html_are_the_main_bodies_in_utf8(void **state)
{
    (void)state;
    json_t *root = json_whole(rich, sizeof rich - 1);
    assert_string_equal(str(root, "text"), "Caf\xc3\xa9 au lait");
    assert_string_equal(str(root, "html"), "<p>Caf\xc3\xa9</p>");
    json_decref(root);
}

static void test_streaming_gives_the_same_object_as_parsing_whole(void **state)
{
    (void)state;
    json_t *whole = json_whole(rich, sizeof rich - 1);
    const size_t steps[] = {1, 7, 64, 4096};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        json_t *streamed = json_streamed(rich, sizeof rich - 1, false, steps[i]);
        assert_int_equal(json_array_size(streamed), 1);
        if (!json_equal(whole, json_array_get(streamed, 0))) {
            char *a = json_dumps(whole, JSON_COMPACT | JSON_PRESERVE_ORDER);
            char *b = json_dumps(json_array_get(streamed, 0), JSON_COMPACT | JSON_PRESERVE_ORDER);
            print_message("whole:    %s\nstreamed: %s\n", a, b);
            free(a);
            free(b);
            fail_msg("streamed in pieces of %zu bytes: objects differ", steps[i]);
        }
        json_decref(streamed);
    }
    json_decref(whole);
}

static void test_an_mbox_gives_one_object_per_message(void **state)
{
    (void)state;
    static const char mbox[] = "From a@example.org Sat Nov 21 22:07:17 2026\n"
                               "Subject: one\n"
                               "\n"
                               ">From the start\n"
                               "\n"
                               "From b@example.org Sat Nov 21 22:08:00 2026\n"
                               "Subject: two\n"
                               "\n"
                               "second\n";
    json_t *all = json_streamed(mbox, sizeof mbox - 1, true, 5);
    assert_int_equal(json_array_size(all), 2);
    assert_string_equal(str(json_array_get(all, 0), "subject"), "one");
    assert_string_equal(str(json_array_get(all, 1), "subject"), "two");
    assert_string_equal(str(json_array_get(all, 0), "text"), "From the start\n");
    assert_string_equal(str(json_array_get(all, 1), "text"), "second\n");
    json_decref(all);
}

static void test_defects_name_the_part_and_say_what_was_repaired(void **state)
{
    (void)state;
    static const char broken[] = "Subject: broken\r\n"
                                 "Content-Type: multipart/mixed; boundary=b\r\n"
                                 "\r\n"
                                 "--b\r\n"
                                 "Content-Type: text/plain\r\n"
                                 "\r\n"
                                 "never closed\r\n";
    json_t *root = json_whole(broken, sizeof broken - 1);
    json_t *defects = json_object_get(root, "defects");
    assert_true(json_array_size(defects) > 0);
    static const char *const keys[] = {"name", "path", "detail"};
    for (size_t i = 0; i < json_array_size(defects); i++) {
        json_t *d = json_array_get(defects, i);
        assert_keys(d, keys, 3);
        assert_true(strlen(str(d, "name")) > 0);
        assert_true(strlen(str(d, "detail")) > 0);
    }
    assert_string_equal(str(json_array_get(json_object_get(root, "parts"), 0), "path"), "1");
    json_decref(root);
}

static void test_absent_headers_are_null_and_empty_lists(void **state)
{
    (void)state;
    static const char bare[] = "\r\nonly a body\r\n";
    json_t *root = json_whole(bare, sizeof bare - 1);
    assert_true(json_is_null(json_object_get(root, "subject")));
    assert_true(json_is_null(json_object_get(root, "date")));
    assert_true(json_is_null(json_object_get(root, "message_id")));
    assert_true(json_is_null(json_object_get(root, "html")));
    assert_int_equal(json_array_size(json_object_get(root, "from")), 0);
    assert_int_equal(json_array_size(json_object_get(root, "to")), 0);
    json_t *parts = json_object_get(root, "parts");
    assert_int_equal(json_array_size(parts), 1);
    assert_string_equal(str(json_array_get(parts, 0), "path"), "1");
    assert_string_equal(str(json_array_get(parts, 0), "content_type"), "text/plain");
    json_decref(root);
}

static void test_a_huge_main_body_is_cut_at_a_line_end_when_streamed(void **state)
{
    (void)state;
    envoi_buf m = ENVOI_BUF_INIT;
    assert_int_equal(envoi_buf_append_str(&m, "Subject: big\r\n\r\n"), 0);
    size_t lines = (CLI_BODY_KEEP_MAX / 100) + 100;
    char line[101];
    memset(line, 'a', 98);
    line[98] = '\r';
    line[99] = '\n';
    line[100] = '\0';
    for (size_t i = 0; i < lines; i++)
        assert_int_equal(envoi_buf_append(&m, line, 100), 0);
    json_t *all = json_streamed(m.data, m.len, false, 65536);
    json_t *root = json_array_get(all, 0);
    const char *text = str(root, "text");
    size_t len = strlen(text);
    assert_true(len <= CLI_BODY_KEEP_MAX);
    assert_true(len > CLI_BODY_KEEP_MAX - 100);
    assert_int_equal(len % 100, 0);
    assert_int_equal(text[len - 1], '\n');
    json_t *parts = json_object_get(root, "parts");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(parts, 0), "size")),
                     lines * 100);
    json_t *defects = json_object_get(root, "defects");
    bool noted = false;
    for (size_t i = 0; i < json_array_size(defects); i++)
        noted |= strcmp(str(json_array_get(defects, i), "name"), "body-truncated") == 0;
    assert_true(noted);
    json_decref(all);
    envoi_buf_free(&m);
}

static void test_invalid_utf8_never_breaks_the_output(void **state)
{
    (void)state;
    json_t *j = cli_json_text("a\xff"
                              "b\xc3",
                              4);
    assert_non_null(j);
    assert_string_equal(json_string_value(j), "a\xef\xbf\xbd"
                                              "b\xef\xbf\xbd");
    json_decref(j);
    j = cli_json_text("nul\0inside", 10);
    assert_int_equal(json_string_length(j), 10);
    json_decref(j);
    assert_true(json_is_null(cli_json_str(NULL)));
}

static void test_dates_print_as_iso8601_utc(void **state)
{
    (void)state;
    char iso[21];
    cli_iso8601_utc(0, iso);
    assert_string_equal(iso, "1970-01-01T00:00:00Z");
    cli_iso8601_utc(1795036037, iso);
    assert_string_equal(iso, "2026-11-18T21:07:17Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_object_has_the_design_fields_in_order),
        cmocka_unit_test(test_headers_are_decoded),
        cmocka_unit_test(test_parts_are_the_leaves_depth_first_into_embedded_messages),
        cmocka_unit_test(test_text_and_html_are_the_main_bodies_in_utf8),
        cmocka_unit_test(test_streaming_gives_the_same_object_as_parsing_whole),
        cmocka_unit_test(test_an_mbox_gives_one_object_per_message),
        cmocka_unit_test(test_defects_name_the_part_and_say_what_was_repaired),
        cmocka_unit_test(test_absent_headers_are_null_and_empty_lists),
        cmocka_unit_test(test_a_huge_main_body_is_cut_at_a_line_end_when_streamed),
        cmocka_unit_test(test_invalid_utf8_never_breaks_the_output),
        cmocka_unit_test(test_dates_print_as_iso8601_utc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
