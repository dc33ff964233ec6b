/* The part tree the parser builds: multiparts at any depth, embedded
 * messages, preamble and epilogue, header blocks, paths, and every repair of
 * a malformed structure recorded as a named defect. */
#include "test_parse_util.h"

#include <unistd.h>

static void multipart_children_have_imap_paths(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n"
                                 "--a\r\nContent-Type: text/plain\r\n\r\none\r\n"
                                 "--a\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
                                 "--b\r\n\r\ntwo-one\r\n--b\r\nContent-Type: text/html\r\n\r\n"
                                 "<b>two-two</b>\r\n--b--\r\n--a--\r\n");
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_path(root), "");
    assert_string_equal(envoi_part_content_type(root), "multipart/mixed");
    assert_int_equal(envoi_part_child_count(root), 2);
    assert_null(envoi_part_parent(root));
    body_is(part_at(m, "1"), "one");
    const envoi_part *alt = part_at(m, "2");
    assert_ptr_equal(envoi_part_parent(alt), root);
    assert_string_equal(envoi_part_content_type(alt), "multipart/alternative");
    body_is(part_at(m, "2.1"), "two-one");
    body_is(part_at(m, "2.2"), "<b>two-two</b>");
    assert_string_equal(envoi_part_content_type(part_at(m, "2.1")), "text/plain");
    assert_int_equal(envoi_message_defect_count(m), 0);
    envoi_message_free(m);
}

static void single_part_body_is_path_one(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Subject: hi\n\nbody\n");
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_path(root), "1");
    body_is(root, "body\n");
    assert_string_equal(envoi_part_content_type(root), "text/plain");
    envoi_message_free(m);
}

static void embedded_message_is_descended_into(void **state)
{
    (void)state;
    envoi_message *m = parse_str(
        "Content-Type: multipart/mixed; boundary=a\n\n--a\n\nintro\n"
        "--a\nContent-Type: message/rfc822\n\nSubject: inner\nContent-Type: multipart/mixed; "
        "boundary=i\n\n--i\n\nin one\n--i\nContent-Type: message/rfc822\n\nSubject: deepest\n\n"
        "leaf\n--i--\n--a--\n");
    const envoi_part *msgpart = envoi_part_child(envoi_message_root(m), 1);
    assert_string_equal(envoi_part_content_type(msgpart), "message/rfc822");
    assert_string_equal(envoi_part_path(msgpart), "2");
    assert_int_equal(envoi_part_child_count(msgpart), 1);
    const envoi_part *inner = envoi_part_child(msgpart, 0);
    assert_string_equal(envoi_part_path(inner), "2");
    assert_string_equal(envoi_part_header_decoded(inner, "subject"), "inner");
    body_is(part_at(m, "2.1"), "in one");
    const envoi_part *deep = envoi_part_child(part_at(m, "2.2"), 0);
    assert_string_equal(envoi_part_path(deep), "2.2.1");
    assert_string_equal(envoi_part_header(deep, "Subject"), "deepest");
    body_is(deep, "leaf");
    envoi_message_free(m);
}

static void digest_parts_default_to_messages(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Content-Type: multipart/digest; boundary=d\n\n--d\n\n"
                                 "Subject: one\n\nfirst\n--d--\n");
    const envoi_part *p = envoi_part_child(envoi_message_root(m), 0);
    assert_string_equal(envoi_part_content_type(p), "message/rfc822");
    assert_int_equal(envoi_part_child_count(p), 1);
    body_is(envoi_part_child(p, 0), "first");
    envoi_message_free(m);
}

static void preamble_and_epilogue_are_kept_raw(void **state)
{
    (void)state;
    const char *src = "Content-Type: multipart/mixed; boundary=a\n\nThe preamble.\n--a\n\nx\n"
                      "--a--\nThe epilogue.\n";
    envoi_message *m = parse_str(src);
    const void *d;
    size_t n;
    assert_int_equal(envoi_part_raw(envoi_message_root(m), &d, &n), 0);
    assert_int_equal(n, strlen(src));
    assert_memory_equal(d, src, n);
    assert_int_equal(envoi_part_raw(part_at(m, "1"), &d, &n), 0);
    assert_int_equal(n, 2);
    assert_memory_equal(d, "\nx", 2);
    char *out;
    assert_int_equal(envoi_message_to_string(m, &out, &n), 0);
    assert_string_equal(out, src);
    free(out);
    envoi_message_free(m);
}

static void multipart_without_boundary_is_text(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Content-Type: multipart/mixed\n\n--x\nhello\n");
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_content_type(root), "text/plain");
    assert_int_equal(envoi_part_child_count(root), 0);
    body_is(root, "--x\nhello\n");
    assert_true(has_defect(m, "missing-boundary-parameter"));
    assert_ptr_equal(envoi_message_text_part(m), root);
    envoi_message_free(m);
}

static void boundary_never_found_keeps_body_as_preamble(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Content-Type: multipart/mixed; boundary=zz\n\nAAA\n--z\n");
    const envoi_part *root = envoi_message_root(m);
    assert_int_equal(envoi_part_child_count(root), 0);
    assert_true(has_defect(m, "boundary-not-found"));
    const envoi_defect *d = envoi_message_defect_at(m, 0);
    assert_string_equal(d->path, "");
    assert_true(strlen(d->detail) > 10);
    envoi_message_free(m);
}

static void missing_end_boundary_is_a_defect(void **state)
{
    (void)state;
    envoi_message *m =
        parse_str("Content-Type: multipart/mixed; boundary=a\n\n--a\n\none\n--a\n\ntwo\n");
    assert_int_equal(envoi_part_child_count(envoi_message_root(m)), 2);
    body_is(part_at(m, "2"), "two\n");
    assert_true(has_defect(m, "missing-end-boundary"));
    envoi_message_free(m);
}

static void outer_boundary_closes_inner_multipart(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Content-Type: multipart/mixed; boundary=o\n\n--o\n"
                                 "Content-Type: multipart/alternative; boundary=i\n\n--i\n\nin\n"
                                 "--o\n\nafter\n--o--\n");
    assert_int_equal(envoi_part_child_count(envoi_message_root(m)), 2);
    body_is(part_at(m, "1.1"), "in");
    body_is(part_at(m, "2"), "after");
    assert_true(has_defect(m, "missing-end-boundary"));
    for (size_t i = 0; i < envoi_message_defect_count(m); i++) {
        const envoi_defect *d = envoi_message_defect_at(m, i);
        if (strcmp(d->name, "missing-end-boundary") == 0)
            assert_string_equal(d->path, "1");
    }
    envoi_message_free(m);
}

static void boundary_with_trailing_whitespace_or_text(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a \t\r\n\r\n"
                                 "one\r\n--a ignored words\r\n\r\ntwo\r\n--a--  \r\n");
    assert_int_equal(envoi_part_child_count(envoi_message_root(m)), 2);
    body_is(part_at(m, "1"), "one");
    body_is(part_at(m, "2"), "two");
    assert_int_equal(envoi_message_defect_count(m), 0);
    envoi_message_free(m);
}

static void nested_boundaries_that_prefix_each_other(void **state)
{
    (void)state;
    /* Inner boundary longer than the outer, then shorter. */
    const char *const srcs[2] = {
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative;"
        " boundary=b-1\n\n--b-1\n\nx\n--b-1\n\ny\n--b-1--\n--b\n\nz\n--b--\n",
        "Content-Type: multipart/mixed; boundary=b-1\n\n--b-1\nContent-Type: multipart/alternative;"
        " boundary=b\n\n--b\n\nx\n--b\n\ny\n--b--\n--b-1\n\nz\n--b-1--\n",
    };
    for (int i = 0; i < 2; i++) {
        envoi_message *m = parse_str(srcs[i]);
        assert_int_equal(envoi_part_child_count(envoi_message_root(m)), 2);
        body_is(part_at(m, "1.1"), "x");
        body_is(part_at(m, "1.2"), "y");
        body_is(part_at(m, "2"), "z");
        assert_false(has_defect(m, "missing-end-boundary"));
        assert_false(has_defect(m, "boundary-not-found"));
        envoi_message_free(m);
    }
}

static void nesting_is_bounded(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    for (int i = 0; i < 200; i++)
        envoi_buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
    envoi_buf_append_str(&b, "\ndeep\n");
    envoi_message *m = parse_str(b.data);
    assert_true(has_defect(m, "too-deep"));
    const envoi_part *p = envoi_message_root(m);
    size_t depth = 0;
    while (envoi_part_child_count(p)) {
        p = envoi_part_child(p, 0);
        depth++;
    }
    assert_int_equal(depth, 64);
    assert_string_equal(envoi_part_content_type(p), "text/plain");
    envoi_message_free(m);
    envoi_buf_free(&b);
}

static void line_without_colon_starts_the_body(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Subject: s\nThis is not a header\nX: y\n\nrest\n");
    const envoi_part *root = envoi_message_root(m);
    assert_int_equal(envoi_part_header_count(root), 1);
    body_is(root, "This is not a header\nX: y\n\nrest\n");
    assert_true(has_defect(m, "missing-header-separator"));
    envoi_message_free(m);
}

static void leading_from_line_is_skipped(void **state)
{
    (void)state;
    envoi_message *m = parse_str("From someone@example.org Sat Jan  1 00:00:00 2000\n"
                                 "Subject: after\n\nbody\n");
    assert_string_equal(envoi_message_get_subject(m), "after");
    assert_int_equal(envoi_part_header_count(envoi_message_root(m)), 1);
    assert_int_equal(envoi_message_defect_count(m), 1); /* bare-lf only */
    assert_true(has_defect(m, "bare-lf"));
    envoi_message_free(m);
}

static void headers_unfolded_and_kept_in_order(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Subject: =?utf-8?q?caf=C3=A9?=\r\n and more\r\n"
                                 "X-Empty:\r\nHeader-With-Space  :  v  \r\nx-dup: 1\r\nX-Dup: 2\r\n"
                                 "\t\r\n\r\nbody");
    const envoi_part *r = envoi_message_root(m);
    assert_int_equal(envoi_part_header_count(r), 5);
    const char *n, *v;
    assert_int_equal(envoi_part_header_at(r, 0, &n, &v), 0);
    assert_string_equal(n, "Subject");
    assert_string_equal(v, "=?utf-8?q?caf=C3=A9?= and more");
    assert_int_equal(envoi_part_header_at(r, 2, &n, &v), 0);
    assert_string_equal(n, "Header-With-Space");
    assert_string_equal(v, "v");
    assert_string_equal(envoi_part_header(r, "x-empty"), "");
    assert_string_equal(envoi_part_header(r, "X-DUP"), "1");
    assert_string_equal(envoi_part_header_decoded(r, "subject"), "café and more");
    assert_ptr_equal(envoi_part_header_decoded(r, "subject"),
                     envoi_part_header_decoded(r, "Subject"));
    assert_null(envoi_part_header(r, "missing"));
    assert_int_equal(envoi_part_header_at(r, 4, &n, &v), 0);
    assert_string_equal(v, "2");
    assert_int_equal(envoi_part_header_at(r, 5, &n, &v), ENVOI_EINVAL);
    envoi_message_free(m);
}

static void continuation_without_field_is_skipped(void **state)
{
    (void)state;
    envoi_message *m = parse_str("  stray\nSubject: s\n\nb");
    assert_int_equal(envoi_part_header_count(envoi_message_root(m)), 1);
    assert_true(has_defect(m, "bad-header-line"));
    envoi_message_free(m);
}

static void header_defects_bare_lf_nul_long_line(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    envoi_buf_append_str(&b, "X-Long: ");
    for (int i = 0; i < 1200; i++)
        envoi_buf_append_char(&b, 'a');
    static const char rest[] = "\nX-Nul: a\0b\r\nX-Cr: a\rb\r\n\r\nbody";
    envoi_buf_append(&b, rest, sizeof rest - 1);
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(b.data, b.len, &m), 0);
    assert_true(has_defect(m, "long-line"));
    assert_true(has_defect(m, "bare-lf"));
    assert_true(has_defect(m, "nul-byte"));
    assert_true(has_defect(m, "bare-cr"));
    assert_string_equal(envoi_part_header(envoi_message_root(m), "X-Nul"), "a b");
    body_is(envoi_message_root(m), "body");
    for (size_t i = 0; i < envoi_message_defect_count(m); i++) {
        const envoi_defect *d = envoi_message_defect_at(m, i);
        assert_string_equal(d->path, "1");
        assert_true(d->offset < b.len);
    }
    assert_null(envoi_message_defect_at(m, envoi_message_defect_count(m)));
    envoi_message_free(m);
    envoi_buf_free(&b);
}

static void empty_and_header_only_inputs(void **state)
{
    (void)state;
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse("", 0, &m), 0);
    body_is(envoi_message_root(m), "");
    assert_null(envoi_message_get_subject(m));
    envoi_message_free(m);
    m = parse_str("Subject: only headers");
    assert_string_equal(envoi_message_get_subject(m), "only headers");
    body_is(envoi_message_root(m), "");
    envoi_message_free(m);
}

static void bare_lf_multipart_parses(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Content-Type: multipart/mixed; boundary=\"x\"\n\n--x\n"
                                 "Content-Type: text/plain\n\nline1\nline2\n\n--x--\n");
    body_is(part_at(m, "1"), "line1\nline2\n");
    assert_true(has_defect(m, "bare-lf"));
    envoi_message_free(m);
}

static void file_and_fd_parsing(void **state)
{
    (void)state;
    char path[] = "/tmp/envoi-parse-file-XXXXXX";
    int fd = mkstemp(path);
    const char *src = "Subject: from a file\n\nbody\n";
    assert_int_equal(write(fd, src, strlen(src)), (ssize_t)strlen(src));
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse_file(path, &m), 0);
    assert_string_equal(envoi_message_get_subject(m), "from a file");
    envoi_message_free(m);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(envoi_message_parse_fd(fd, &m), 0);
    body_is(envoi_message_root(m), "body\n");
    envoi_message_free(m);
    close(fd);
    unlink(path);
    assert_int_equal(envoi_message_parse_file(path, &m), ENVOI_EFILE);
    assert_int_equal(envoi_message_parse_file("/tmp", &m), ENVOI_EFILE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(multipart_children_have_imap_paths),
        cmocka_unit_test(single_part_body_is_path_one),
        cmocka_unit_test(embedded_message_is_descended_into),
        cmocka_unit_test(digest_parts_default_to_messages),
        cmocka_unit_test(preamble_and_epilogue_are_kept_raw),
        cmocka_unit_test(multipart_without_boundary_is_text),
        cmocka_unit_test(boundary_never_found_keeps_body_as_preamble),
        cmocka_unit_test(missing_end_boundary_is_a_defect),
        cmocka_unit_test(outer_boundary_closes_inner_multipart),
        cmocka_unit_test(boundary_with_trailing_whitespace_or_text),
        cmocka_unit_test(nested_boundaries_that_prefix_each_other),
        cmocka_unit_test(nesting_is_bounded),
        cmocka_unit_test(line_without_colon_starts_the_body),
        cmocka_unit_test(leading_from_line_is_skipped),
        cmocka_unit_test(headers_unfolded_and_kept_in_order),
        cmocka_unit_test(continuation_without_field_is_skipped),
        cmocka_unit_test(header_defects_bare_lf_nul_long_line),
        cmocka_unit_test(empty_and_header_only_inputs),
        cmocka_unit_test(bare_lf_multipart_parses),
        cmocka_unit_test(file_and_fd_parsing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
