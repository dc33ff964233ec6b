/* Content-Transfer-Encoding chosen from the content, CRLF normalization of
 * text bodies, exact bytes for attachments. */
#include "unit/mime/helpers.h"

#include "util/base64.h"
#include "util/qp.h"

static char *text_message(const char *text, size_t len)
{
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_text(m, text, len), 0);
    size_t n;
    char *s = compose(m, &n);
    check_lines(s, n, 998);
    envoi_message_free(m);
    return s;
}

static char *cte_of(const char *s)
{
    return header_value(s, "Content-Transfer-Encoding");
}

static void ascii_text_with_short_lines_is_7bit(void **state)
{
    (void)state;
    char *s = text_message("hello\r\nworld\r\n", 14);
    char *cte = cte_of(s);
    assert_string_equal(cte, "7bit");
    free(cte);
    free(s);
}

static void mostly_ascii_text_is_quoted_printable(void **state)
{
    (void)state;
    const char *t = "Bonjour à tous, voici le résumé de la réunion.\n";
    char *s = text_message(t, strlen(t));
    char *cte = cte_of(s);
    assert_string_equal(cte, "quoted-printable");
    char *body = part_body(s, "Content-Transfer-Encoding");
    envoi_buf back = ENVOI_BUF_INIT;
    envoi_qp_decode(body, strlen(body), &back);
    assert_string_equal(back.data, "Bonjour à tous, voici le résumé de la réunion.\r\n");
    envoi_buf_free(&back);
    free(body);
    free(cte);
    free(s);
}

static void mostly_non_ascii_text_is_base64(void **state)
{
    (void)state;
    const char *t = "Привет, мир! Это сообщение написано кириллицей.";
    char *s = text_message(t, strlen(t));
    char *cte = cte_of(s);
    assert_string_equal(cte, "base64");
    char *body = part_body(s, "Content-Transfer-Encoding");
    envoi_buf back = ENVOI_BUF_INIT;
    assert_int_equal(envoi_base64_decode(body, strlen(body), &back), 0);
    assert_int_equal(back.len, strlen(t) + 2);
    assert_memory_equal(back.data, t, strlen(t));
    envoi_buf_free(&back);
    free(body);
    free(cte);
    free(s);
}

static void ascii_text_with_a_line_over_998_is_quoted_printable(void **state)
{
    (void)state;
    char t[1200];
    memset(t, 'a', sizeof t);
    char *s = text_message(t, sizeof t);
    char *cte = cte_of(s);
    assert_string_equal(cte, "quoted-printable");
    free(cte);
    free(s);
}

static void bare_lf_and_cr_in_text_become_crlf(void **state)
{
    (void)state;
    char *s = text_message("one\ntwo\rthree\r\nfour", 19);
    char *body = part_body(s, "Content-Transfer-Encoding");
    assert_string_equal(body, "one\r\ntwo\r\nthree\r\nfour\r\n");
    free(body);
    free(s);
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_html(m, "<p>\n</p>", 8), 0);
    s = compose(m, NULL);
    body = part_body(s, "Content-Transfer-Encoding");
    assert_string_equal(body, "<p>\r\n</p>\r\n");
    free(body);
    free(s);
    envoi_message_free(m);
}

static char *attachment_message(const void *data, size_t len, const char *type, char **cte)
{
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_text(m, "see attached", 12), 0);
    assert_int_equal(envoi_message_attach_data(m, data, len, "f", type), 0);
    size_t n;
    char *s = compose(m, &n);
    check_lines(s, n, 998);
    const char *part = strstr(s, "Content-Disposition: attachment");
    const char *c = part;
    while (c > s && strncmp(c, "\r\nContent-Transfer-Encoding: ", 29) != 0)
        c--;
    *cte = strndup(c + 29, strcspn(c + 29, "\r"));
    envoi_message_free(m);
    return s;
}

static void text_attachments_keep_their_bytes(void **state)
{
    (void)state;
    char *cte;
    char *s = attachment_message("a,b\r\n1,2\r\n", 10, "text/csv", &cte);
    assert_string_equal(cte, "7bit");
    free(cte);
    free(s);
    const char *lf = "unix\nline ends = kept\n";
    s = attachment_message(lf, strlen(lf), "text/plain", &cte);
    assert_string_equal(cte, "quoted-printable");
    char *body = part_body(s, "Content-Disposition: attachment");
    envoi_buf back = ENVOI_BUF_INIT;
    envoi_qp_decode(body, strlen(body), &back);
    assert_string_equal(back.data, lf);
    envoi_buf_free(&back);
    free(body);
    free(cte);
    free(s);
}

static void binary_attachments_are_base64_in_76_columns(void **state)
{
    (void)state;
    unsigned char data[1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 13);
    char *cte;
    char *s = attachment_message(data, sizeof data, "application/octet-stream", &cte);
    assert_string_equal(cte, "base64");
    char *body = part_body(s, "Content-Disposition: attachment");
    for (char *line = body; *line;) {
        size_t l = strcspn(line, "\r");
        assert_true(l <= 76);
        line += l;
        if (*line)
            line += 2;
    }
    envoi_buf back = ENVOI_BUF_INIT;
    assert_int_equal(envoi_base64_decode(body, strlen(body), &back), 0);
    assert_int_equal(back.len, sizeof data);
    assert_memory_equal(back.data, data, sizeof data);
    envoi_buf_free(&back);
    free(body);
    free(cte);
    free(s);
    /* a text type with NUL bytes is binary too */
    s = attachment_message("a\0b\0c", 5, "text/plain", &cte);
    assert_string_not_equal(cte, "7bit");
    free(cte);
    free(s);
}

static void file_attachments_text_is_qp_others_base64(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char *txt = path_in(dir, "notes.txt"), *bin = path_in(dir, "data.bin");
    write_file(txt, "plain text file\n", 16);
    write_file(bin, "\x00\x01\x02", 3);
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_attach_file(m, txt, NULL, NULL), 0);
    assert_int_equal(envoi_message_attach_file(m, bin, NULL, NULL), 0);
    char *s = compose(m, NULL);
    char *p = strstr(s, "Content-Type: text/plain; name=notes.txt");
    assert_non_null(p);
    assert_non_null(strstr(p, "Content-Transfer-Encoding: quoted-printable"));
    p = strstr(s, "Content-Type: application/octet-stream; name=data.bin\r\n"
                  "Content-Transfer-Encoding: base64");
    assert_non_null(p);
    free(s);
    envoi_message_free(m);
    remove_tree(dir);
    free(txt);
    free(bin);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ascii_text_with_short_lines_is_7bit),
        cmocka_unit_test(mostly_ascii_text_is_quoted_printable),
        cmocka_unit_test(mostly_non_ascii_text_is_base64),
        cmocka_unit_test(ascii_text_with_a_line_over_998_is_quoted_printable),
        cmocka_unit_test(bare_lf_and_cr_in_text_become_crlf),
        cmocka_unit_test(text_attachments_keep_their_bytes),
        cmocka_unit_test(binary_attachments_are_base64_in_76_columns),
        cmocka_unit_test(file_attachments_text_is_qp_others_base64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
