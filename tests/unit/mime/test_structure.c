/* The MIME tree for each combination of bodies, inline parts and
 * attachments; boundaries; the charset of text parts. */
#include "unit/mime/helpers.h"

typedef struct combo {
    bool text, html, inline_part, attachment;
    const char *top;           /* expected top-level type */
    const char *const *nested; /* types that must appear, in order */
} combo;

static envoi_message *build(const combo *c)
{
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "a@example.org"), 0);
    if (c->text)
        assert_int_equal(envoi_message_set_text(m, "plain body", 10), 0);
    if (c->html)
        assert_int_equal(envoi_message_set_html(m, "<p>html body</p>", 16), 0);
    if (c->inline_part)
        assert_int_equal(envoi_message_add_inline_data(m, "GIF89a", 6, "i.gif", "img1", NULL), 0);
    if (c->attachment)
        assert_int_equal(envoi_message_attach_data(m, "PDF", 3, "doc.pdf", NULL), 0);
    return m;
}

static void check_combo(const combo *c)
{
    envoi_message *m = build(c);
    size_t len;
    char *s = compose(m, &len);
    check_lines(s, len, 998);
    char *ct = header_value(s, "Content-Type");
    assert_true(strncmp(ct, c->top, strlen(c->top)) == 0);
    const char *p = s;
    for (size_t i = 0; c->nested && c->nested[i]; i++) {
        const char *q = strstr(p, c->nested[i]);
        if (!q)
            fail_msg("%s missing after offset %zu in\n%s", c->nested[i], (size_t)(p - s), s);
        p = q + 1;
    }
    free(ct);
    free(s);
    envoi_message_free(m);
}

static void text_only_is_a_single_text_plain_part(void **state)
{
    (void)state;
    const char *const n[] = {"Content-Transfer-Encoding: 7bit", "plain body", NULL};
    combo c = {true, false, false, false, "text/plain; charset=us-ascii", n};
    check_combo(&c);
}

static void html_only_is_a_single_text_html_part(void **state)
{
    (void)state;
    combo c = {false, true, false, false, "text/html; charset=us-ascii", NULL};
    check_combo(&c);
}

static void text_and_html_make_multipart_alternative(void **state)
{
    (void)state;
    const char *const n[] = {"Content-Type: text/plain", "Content-Type: text/html", NULL};
    combo c = {true, true, false, false, "multipart/alternative;", n};
    check_combo(&c);
}

static void html_with_inline_parts_makes_multipart_related(void **state)
{
    (void)state;
    const char *const n[] = {"Content-Type: text/html", "Content-Type: image/gif",
                             "Content-Disposition: inline", "Content-ID: <img1>", NULL};
    combo c = {false, true, true, false, "multipart/related; type=\"text/html\"", n};
    check_combo(&c);
}

static void related_goes_inside_alternative_when_text_exists(void **state)
{
    (void)state;
    const char *const n[] = {"Content-Type: text/plain", "multipart/related; type=\"text/html\"",
                             "Content-Type: text/html", "Content-Type: image/gif", NULL};
    combo c = {true, true, true, false, "multipart/alternative;", n};
    check_combo(&c);
}

static void attachments_wrap_everything_in_multipart_mixed(void **state)
{
    (void)state;
    const char *const n[] = {"multipart/alternative;",
                             "Content-Type: text/plain",
                             "multipart/related;",
                             "Content-Type: text/html",
                             "Content-Type: image/gif",
                             "Content-Type: application/pdf",
                             "Content-Disposition: attachment",
                             NULL};
    combo c = {true, true, true, true, "multipart/mixed;", n};
    check_combo(&c);
    const char *const n2[] = {"Content-Type: text/plain", "Content-Type: application/pdf", NULL};
    combo c2 = {true, false, false, true, "multipart/mixed;", n2};
    check_combo(&c2);
}

static void inline_parts_without_html_go_into_mixed(void **state)
{
    (void)state;
    const char *const n[] = {"Content-Type: text/plain", "Content-Type: image/gif",
                             "Content-Disposition: inline", NULL};
    combo c = {true, false, true, false, "multipart/mixed;", n};
    check_combo(&c);
}

static void empty_message_has_an_empty_text_part(void **state)
{
    (void)state;
    combo c = {false, false, false, false, "text/plain", NULL};
    check_combo(&c);
}

static char *boundary_of(const char *s)
{
    const char *b = strstr(s, "boundary=\"");
    assert_non_null(b);
    b += 10;
    return strndup(b, strcspn(b, "\""));
}

static void boundaries_are_random_long_and_only_used_as_delimiters(void **state)
{
    (void)state;
    combo c = {true, false, false, true, "multipart/mixed;", NULL};
    envoi_message *m1 = build(&c), *m2 = build(&c);
    char *s1 = compose(m1, NULL), *s2 = compose(m2, NULL);
    char *b1 = boundary_of(s1), *b2 = boundary_of(s2);
    assert_true(strlen(b1) >= 24);
    assert_string_not_equal(b1, b2);
    /* Parameter, two delimiters, one close-delimiter. */
    assert_int_equal(count_str(s1, b1), 4);
    char close[64];
    snprintf(close, sizeof close, "\r\n--%s--\r\n", b1);
    assert_non_null(strstr(s1, close));
    free(b1);
    free(b2);
    free(s1);
    free(s2);
    envoi_message_free(m1);
    envoi_message_free(m2);
}

static void text_charset_is_utf8_only_when_needed(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_text(m, "caf\xc3\xa9", 5), 0);
    char *s = compose(m, NULL);
    char *ct = header_value(s, "Content-Type");
    assert_string_equal(ct, "text/plain; charset=utf-8");
    free(ct);
    free(s);
    envoi_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_only_is_a_single_text_plain_part),
        cmocka_unit_test(html_only_is_a_single_text_html_part),
        cmocka_unit_test(text_and_html_make_multipart_alternative),
        cmocka_unit_test(html_with_inline_parts_makes_multipart_related),
        cmocka_unit_test(related_goes_inside_alternative_when_text_exists),
        cmocka_unit_test(attachments_wrap_everything_in_multipart_mixed),
        cmocka_unit_test(inline_parts_without_html_go_into_mixed),
        cmocka_unit_test(empty_message_has_an_empty_text_part),
        cmocka_unit_test(boundaries_are_random_long_and_only_used_as_delimiters),
        cmocka_unit_test(text_charset_is_utf8_only_when_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
