/* Attachments from files and memory: unreadable files, files that vanish
 * before writing, writer failures, RFC 2231 / 2047 file names, types from
 * extensions, Content-ID. */
#include "unit/mime/helpers.h"

#include "envoi/error.h"
#include "mime/mimetypes.h"
#include "util/base64.h"

static void unreadable_attachment_is_refused_with_path_and_reason(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_attach_file(m, "/nonexistent/dir/file.pdf", NULL, NULL),
                     ENVOI_EFILE);
    const envoi_error *err = envoi_message_error(m);
    assert_int_equal(err->code, ENVOI_EFILE);
    assert_non_null(strstr(err->text, "/nonexistent/dir/file.pdf"));
    assert_non_null(strstr(err->text, "No such file or directory"));
    assert_int_equal(envoi_message_attach_file(m, "/tmp", NULL, NULL), ENVOI_EFILE);
    assert_non_null(strstr(envoi_message_error(m)->text, "Is a directory"));
    assert_int_equal(envoi_message_add_inline_file(m, "/nonexistent.png", "c", NULL), ENVOI_EFILE);
    envoi_message_free(m);
}

static void attachment_file_removed_before_write_gives_efile(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char *f = path_in(dir, "gone.txt");
    write_file(f, "x", 1);
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_attach_file(m, f, NULL, NULL), 0);
    assert_int_equal(unlink(f), 0);
    char *s = NULL;
    assert_int_equal(envoi_message_to_string(m, &s, NULL), ENVOI_EFILE);
    assert_null(s);
    assert_non_null(strstr(envoi_message_error(m)->text, f));
    envoi_message_free(m);
    remove_tree(dir);
    free(f);
    free(dir);
}

typedef struct failing_writer {
    size_t calls;
} failing_writer;

static int fail_on_second_call(void *ctx, const void *data, size_t len)
{
    (void)data, (void)len;
    failing_writer *w = ctx;
    return ++w->calls == 2 ? ENVOI_EIO : 0;
}

static void writer_error_stops_the_write_and_is_returned(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    static unsigned char big[300000];
    assert_int_equal(envoi_message_attach_data(m, big, sizeof big, "big.bin", NULL), 0);
    failing_writer w = {0};
    assert_int_equal(envoi_message_write(m, fail_on_second_call, &w), ENVOI_EIO);
    assert_int_equal(w.calls, 2);
    assert_int_equal(envoi_message_write(m, NULL, NULL), ENVOI_EINVAL);
    envoi_message_free(m);
}

static void file_and_memory_attachments_decode_to_their_bytes(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char *f = path_in(dir, "report.pdf");
    unsigned char bytes[5000];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(i ^ (i >> 3));
    write_file(f, bytes, sizeof bytes);
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_attach_file(m, f, NULL, NULL), 0);
    assert_int_equal(envoi_message_attach_data(m, bytes, 100, "mem.bin", "application/x-test"), 0);
    char *s = compose(m, NULL);
    char *body = part_body(s, "name=report.pdf");
    envoi_buf back = ENVOI_BUF_INIT;
    assert_int_equal(envoi_base64_decode(body, strlen(body), &back), 0);
    assert_int_equal(back.len, sizeof bytes);
    assert_memory_equal(back.data, bytes, sizeof bytes);
    free(body);
    envoi_buf_clear(&back);
    assert_non_null(strstr(s, "Content-Type: application/pdf; name=report.pdf\r\n"));
    assert_non_null(strstr(s, "Content-Disposition: attachment; filename=report.pdf\r\n"));
    body = part_body(s, "Content-Type: application/x-test; name=mem.bin");
    assert_int_equal(envoi_base64_decode(body, strlen(body), &back), 0);
    assert_int_equal(back.len, 100);
    assert_memory_equal(back.data, bytes, 100);
    envoi_buf_free(&back);
    free(body);
    free(s);
    envoi_message_free(m);
    remove_tree(dir);
    free(f);
    free(dir);
}

static void non_ascii_file_names_use_rfc2231_and_rfc2047(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "résumé.pdf", NULL), 0);
    char *s = compose(m, NULL);
    assert_non_null(strstr(s, "filename*=utf-8''r%C3%A9sum%C3%A9.pdf"));
    assert_non_null(strstr(s, "name=\"=?utf-8?"));
    free(s);
    envoi_message_free(m);
    m = envoi_message_new();
    const char *long_name = "Ein sehr langer Dateiname mit Umlauten äöü und noch mehr Text, "
                            "damit er fortgesetzt werden muss.txt";
    assert_int_equal(envoi_message_attach_data(m, "x", 1, long_name, NULL), 0);
    size_t len;
    s = compose(m, &len);
    check_lines(s, len, 78);
    assert_non_null(strstr(s, "filename*0*=utf-8''Ein%20sehr"));
    assert_non_null(strstr(s, "filename*1*="));
    assert_null(strstr(s, "filename*1*=utf-8''"));
    /* Reassemble the sections and compare. */
    envoi_buf joined = ENVOI_BUF_INIT;
    char key[32];
    for (int i = 0;; i++) {
        snprintf(key, sizeof key, "filename*%d*=", i);
        const char *p = strstr(s, key);
        if (!p)
            break;
        p += strlen(key);
        if (i == 0)
            p += strlen("utf-8''");
        size_t n = strcspn(p, ";\r");
        for (size_t k = 0; k < n; k++) {
            if (p[k] == '%') {
                char hex[3] = {p[k + 1], p[k + 2], 0};
                envoi_buf_append_char(&joined, (char)strtol(hex, NULL, 16));
                k += 2;
            } else {
                envoi_buf_append_char(&joined, p[k]);
            }
        }
    }
    assert_string_equal(joined.data, long_name);
    envoi_buf_free(&joined);
    free(s);
    envoi_message_free(m);
}

static void names_and_types_are_checked(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "", NULL), ENVOI_EINVAL);
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "a\tb", NULL), ENVOI_EINVAL);
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "a.bin", "nonsense"), ENVOI_EINVAL);
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "a.bin", "text/plain; x=y"),
                     ENVOI_EINVAL);
    assert_int_equal(envoi_message_add_inline_data(m, "x", 1, "a.png", NULL, NULL), ENVOI_EINVAL);
    assert_int_equal(envoi_message_add_inline_data(m, "x", 1, "a.png", "has space", NULL),
                     ENVOI_EINVAL);
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "quote\"d.txt", NULL), 0);
    char *s = compose(m, NULL);
    assert_non_null(strstr(s, "filename=\"quote\\\"d.txt\""));
    free(s);
    envoi_message_free(m);
}

static void type_comes_from_the_extension(void **state)
{
    (void)state;
    assert_string_equal(mime_type_for_name("report.PDF"), "application/pdf");
    assert_string_equal(mime_type_for_name("photo.jpg"), "image/jpeg");
    assert_string_equal(mime_type_for_name("noext"), "application/octet-stream");
    assert_string_equal(mime_type_for_name("x.unknown-extension"), "application/octet-stream");
    assert_string_equal(mime_type_for_name(".hidden"), "application/octet-stream");
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_add_inline_data(m, "x", 1, "logo.PNG", "<logo@x>", NULL), 0);
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "a.pdf", "application/x-custom"), 0);
    char *s = compose(m, NULL);
    assert_non_null(strstr(s, "Content-Type: image/png; name=logo.PNG"));
    assert_non_null(strstr(s, "Content-ID: <logo@x>\r\n"));
    assert_non_null(strstr(s, "Content-Disposition: inline; filename=logo.PNG"));
    assert_non_null(strstr(s, "Content-Type: application/x-custom; name=a.pdf"));
    free(s);
    envoi_message_free(m);
}

static void mime_types_file_is_parsed_case_insensitively(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char *f = path_in(dir, "mime.types");
    const char *text = "# comment line\n"
                       "application/x-first\tfoo BAR\n"
                       "application/x-second foo baz # trailing comment\n"
                       "\n"
                       "notatype qux\n";
    write_file(f, text, strlen(text));
    mime_type_table *t = NULL;
    assert_int_equal(mime_type_table_load(f, &t), 0);
    assert_string_equal(mime_type_table_lookup(t, "FOO"), "application/x-first");
    assert_string_equal(mime_type_table_lookup(t, "bar"), "application/x-first");
    assert_string_equal(mime_type_table_lookup(t, "baz"), "application/x-second");
    assert_null(mime_type_table_lookup(t, "qux"));
    assert_null(mime_type_table_lookup(t, "comment"));
    mime_type_table_free(t);
    assert_int_equal(mime_type_table_load("/nonexistent/mime.types", &t), ENVOI_EFILE);
    assert_null(t);
    assert_string_equal(mime_type_builtin("PDF"), "application/pdf");
    assert_string_equal(mime_type_builtin("png"), "image/png");
    assert_null(mime_type_builtin("nope"));
    remove_tree(dir);
    free(f);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unreadable_attachment_is_refused_with_path_and_reason),
        cmocka_unit_test(attachment_file_removed_before_write_gives_efile),
        cmocka_unit_test(writer_error_stops_the_write_and_is_returned),
        cmocka_unit_test(file_and_memory_attachments_decode_to_their_bytes),
        cmocka_unit_test(non_ascii_file_names_use_rfc2231_and_rfc2047),
        cmocka_unit_test(names_and_types_are_checked),
        cmocka_unit_test(type_comes_from_the_extension),
        cmocka_unit_test(mime_types_file_is_parsed_case_insensitively),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
