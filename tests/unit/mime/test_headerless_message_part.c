/* A message/rfc822 part (a digest's default) whose first line is not a header
 * field: the line opens the embedded message, which has no header either, so
 * it starts that message's body; the streaming parser agrees in every chunking. */
#include "test_parse_util.h"

/* The smallest input on which the two parsers used to disagree (the first
 * line of the part was lost and the next one read as a header field). */
static const char minimized[] = "Content-Type:multipart/digest boundary=a\n\n--a\na\r\nC:\n--a";

static const char digest[] = "Content-Type: multipart/digest; boundary=a\n\n"
                             "--a\na\r\nC:\n"
                             "--a\nx\n"
                             "--a\n\nSubject: kept\n\nbody\n"
                             "--a--\n";

static void streams_like_memory(const char *data, size_t len)
{
    envoi_buf want = ENVOI_BUF_INIT;
    dump_memory(data, len, &want);
    for (size_t chunk = 0; chunk <= 20; chunk++) {
        stream_dump s = {ENVOI_BUF_INIT, ENVOI_BUF_INIT, 0};
        dump_stream(data, len, chunk, &s);
        assert_int_equal(s.messages, 1);
        assert_int_equal(s.out.len, want.len);
        assert_memory_equal(s.out.data, want.data, want.len);
        envoi_buf_free(&s.out);
        envoi_buf_free(&s.data);
    }
    envoi_buf_free(&want);
}

static bool defect_at(const envoi_message *m, const char *name, const char *path)
{
    for (size_t i = 0; i < envoi_message_defect_count(m); i++) {
        const envoi_defect *d = envoi_message_defect_at(m, i);
        if (strcmp(d->name, name) == 0 && strcmp(d->path, path) == 0)
            return true;
    }
    return false;
}

static void minimized_fuzz_input_streams_like_memory_parse(void **state)
{
    (void)state;
    streams_like_memory(minimized, strlen(minimized));
}

static void headerless_line_starts_embedded_message_body(void **state)
{
    (void)state;
    envoi_message *m = parse_str(minimized);
    const envoi_part *outer = part_at(m, "1");
    assert_non_null(outer);
    assert_string_equal(envoi_part_content_type(outer), "message/rfc822");
    assert_int_equal(envoi_part_header_count(outer), 0);
    assert_int_equal(envoi_part_child_count(outer), 1);
    const envoi_part *inner = envoi_part_child(outer, 0);
    assert_string_equal(envoi_part_content_type(inner), "text/plain");
    assert_int_equal(envoi_part_header_count(inner), 0);
    body_is(inner, "a\r\nC:");
    assert_true(defect_at(m, "missing-header-separator", "1"));
    assert_true(defect_at(m, "missing-header-separator", "1.1"));
    envoi_message_free(m);
}

static void digest_with_headerless_parts_streams_like_memory_parse(void **state)
{
    (void)state;
    streams_like_memory(digest, strlen(digest));
    envoi_message *m = parse_str(digest);
    body_is(envoi_part_child(part_at(m, "1"), 0), "a\r\nC:");
    body_is(envoi_part_child(part_at(m, "2"), 0), "x");
    const envoi_part *third = envoi_part_child(part_at(m, "3"), 0);
    assert_int_equal(envoi_part_header_count(third), 1);
    body_is(third, "body");
    envoi_message_free(m);
}

/* The same with a first line longer than the streaming parser carries
 * between chunks, which takes the long-line path. */
static void long_headerless_line_streams_like_memory_parse(void **state)
{
    (void)state;
    envoi_buf msg = ENVOI_BUF_INIT;
    envoi_buf_printf(&msg, "Content-Type: multipart/digest; boundary=a\n\n--a\n");
    for (size_t i = 0; i < 70000 / 50; i++)
        envoi_buf_printf(&msg, "%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    envoi_buf_printf(&msg, "\r\nC: d\n\nbody\n--a\nx\n--a--\n");
    envoi_buf want = ENVOI_BUF_INIT;
    dump_memory(msg.data, msg.len, &want);
    static const size_t chunks[] = {1, 7, 4096, 65536, 0};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        stream_dump s = {ENVOI_BUF_INIT, ENVOI_BUF_INIT, 0};
        dump_stream(msg.data, msg.len, chunks[i], &s);
        assert_int_equal(s.messages, 1);
        assert_int_equal(s.out.len, want.len);
        assert_memory_equal(s.out.data, want.data, want.len);
        envoi_buf_free(&s.out);
        envoi_buf_free(&s.data);
    }
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(msg.data, msg.len, &m), 0);
    const envoi_part *inner = envoi_part_child(part_at(m, "1"), 0);
    assert_int_equal(envoi_part_header_count(inner), 0);
    const void *d;
    size_t n;
    assert_int_equal(envoi_part_body(inner, &d, &n), 0);
    assert_int_equal(n, 70000 + strlen("\r\nC: d\n\nbody"));
    envoi_message_free(m);
    envoi_buf_free(&want);
    envoi_buf_free(&msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minimized_fuzz_input_streams_like_memory_parse),
        cmocka_unit_test(headerless_line_starts_embedded_message_body),
        cmocka_unit_test(digest_with_headerless_parts_streams_like_memory_parse),
        cmocka_unit_test(long_headerless_line_streams_like_memory_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
