/* A parsed message is the same envoi_message composition builds: compose ->
 * serialize -> parse gives back every field and byte; an unchanged parsed
 * message writes its source byte for byte; changed fields rewrite only the
 * header block; the getters work on composed messages too. */
#include "test_parse_util.h"

#include <time.h>

static char *to_string(envoi_message *m, size_t *len)
{
    char *s = NULL;
    assert_int_equal(envoi_message_to_string(m, &s, len), 0);
    return s;
}

static envoi_message *composed(void)
{
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "Zoë Sender <zoe@example.org>"), 0);
    assert_int_equal(envoi_message_add_to(m, "a@example.org"), 0);
    assert_int_equal(envoi_message_add_to(m, "\"Last, First\" <b@example.org>"), 0);
    assert_int_equal(envoi_message_add_cc(m, "c@example.org"), 0);
    assert_int_equal(envoi_message_add_reply_to(m, "r@example.org"), 0);
    assert_int_equal(envoi_message_set_subject(m, "Grüße aus Köln, a long subject that will "
                                                  "certainly be folded over several lines"),
                     0);
    assert_int_equal(envoi_message_set_date(m, 1700000000), 0);
    assert_int_equal(envoi_message_set_message_id(m, "id1@example.org"), 0);
    assert_int_equal(envoi_message_set_in_reply_to(m, "id0@example.org"), 0);
    assert_int_equal(envoi_message_add_reference(m, "r1@example.org"), 0);
    assert_int_equal(envoi_message_add_reference(m, "id0@example.org"), 0);
    const char *text = "Hello,\nthis is the text: café.\n";
    assert_int_equal(envoi_message_set_text(m, text, strlen(text)), 0);
    const char *html = "<p>Hello <img src=\"cid:img1\"></p>";
    assert_int_equal(envoi_message_set_html(m, html, strlen(html)), 0);
    unsigned char bin[3000];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7 + i / 256);
    assert_int_equal(envoi_message_attach_data(m, bin, sizeof bin, "données.bin", NULL), 0);
    assert_int_equal(envoi_message_add_inline_data(m, "PNGDATA", 7, "i.png", "img1", "image/png"),
                     0);
    assert_int_equal(envoi_message_attach_data(m, "a,b\n1,2\n", 8, "t.csv", "text/csv"), 0);
    return m;
}

static void check_fields(const envoi_message *m)
{
    assert_string_equal(envoi_message_get_subject(m),
                        "Grüße aus Köln, a long subject that will certainly be folded over "
                        "several lines");
    const char *name, *addr;
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_FROM), 1);
    assert_int_equal(envoi_message_address_at(m, ENVOI_FIELD_FROM, 0, &name, &addr), 0);
    assert_string_equal(name, "Zoë Sender");
    assert_string_equal(addr, "zoe@example.org");
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_TO), 2);
    assert_int_equal(envoi_message_address_at(m, ENVOI_FIELD_TO, 1, &name, &addr), 0);
    assert_string_equal(name, "Last, First");
    assert_string_equal(addr, "b@example.org");
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_CC), 1);
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_REPLY_TO), 1);
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_BCC), 0);
    assert_int_equal(envoi_message_address_at(m, ENVOI_FIELD_CC, 1, &name, &addr), ENVOI_EINVAL);
    time_t t;
    assert_int_equal(envoi_message_get_date(m, &t), 0);
    assert_int_equal(t, 1700000000);
    assert_string_equal(envoi_message_get_message_id(m), "id1@example.org");
    assert_string_equal(envoi_message_get_in_reply_to(m), "id0@example.org");
    assert_int_equal(envoi_message_reference_count(m), 2);
    assert_string_equal(envoi_message_reference_at(m, 0), "r1@example.org");
    assert_string_equal(envoi_message_reference_at(m, 1), "id0@example.org");
    assert_null(envoi_message_reference_at(m, 2));
}

static void getters_work_on_composed_messages(void **state)
{
    (void)state;
    envoi_message *m = composed();
    check_fields(m);
    envoi_message_free(m);
}

static const envoi_part *find_named(const envoi_part *p, const char *name)
{
    const char *fn = envoi_part_filename(p);
    if (fn && strcmp(fn, name) == 0)
        return p;
    for (size_t i = 0; i < envoi_part_child_count(p); i++) {
        const envoi_part *r = find_named(envoi_part_child(p, i), name);
        if (r)
            return r;
    }
    return NULL;
}

static void compose_serialize_parse_gives_everything_back(void **state)
{
    (void)state;
    envoi_message *c = composed();
    size_t len;
    char *src = to_string(c, &len);
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(src, len, &m), 0);
    check_fields(m);
    assert_int_equal(envoi_message_defect_count(m), 0);

    const char *t;
    size_t n;
    assert_int_equal(envoi_part_text(envoi_message_text_part(m), &t, &n), 0);
    assert_string_equal(t, "Hello,\r\nthis is the text: café.\r\n");
    assert_int_equal(envoi_part_text(envoi_message_html_part(m), &t, &n), 0);
    assert_string_equal(t, "<p>Hello <img src=\"cid:img1\"></p>\r\n");

    const envoi_part *bin = find_named(envoi_message_root(m), "données.bin");
    assert_non_null(bin);
    assert_true(envoi_part_is_attachment(bin));
    const void *d;
    assert_int_equal(envoi_part_body(bin, &d, &n), 0);
    assert_int_equal(n, 3000);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(((const unsigned char *)d)[i], (unsigned char)(i * 7 + i / 256));
    const envoi_part *csv = find_named(envoi_message_root(m), "t.csv");
    assert_non_null(csv);
    assert_string_equal(envoi_part_content_type(csv), "text/csv");
    body_is(csv, "a,b\n1,2\n");
    const envoi_part *img = find_named(envoi_message_root(m), "i.png");
    assert_non_null(img);
    assert_string_equal(envoi_part_content_id(img), "img1");
    assert_false(envoi_part_is_attachment(img));
    body_is(img, "PNGDATA");

    /* Unchanged: byte for byte. */
    size_t len2;
    char *again = to_string(m, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(again, src, len);
    free(again);
    free(src);
    envoi_message_free(m);
    envoi_message_free(c);
}

static const char original[] = "Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                               "Subject: old\r\n subject\r\n"
                               "From: A <a@example.org>\r\n"
                               "To: b@example.org, \"C\" <c@example.org>\r\n"
                               "X-Custom:   kept   as is\r\n"
                               "Content-Type: text/plain\r\n"
                               "\r\n"
                               "Body line one\r\n"
                               "Subject: not a header\r\n";

static void changed_subject_rewrites_only_that_field(void **state)
{
    (void)state;
    envoi_message *m = parse_str(original);
    assert_string_equal(envoi_message_get_subject(m), "old subject");
    assert_int_equal(envoi_message_set_subject(m, "new subject"), 0);
    assert_string_equal(envoi_message_get_subject(m), "new subject");
    size_t len;
    char *out = to_string(m, &len);
    assert_string_equal(out, "Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                             "Subject: new subject\r\n"
                             "From: A <a@example.org>\r\n"
                             "To: b@example.org, \"C\" <c@example.org>\r\n"
                             "X-Custom:   kept   as is\r\n"
                             "Content-Type: text/plain\r\n"
                             "\r\n"
                             "Body line one\r\n"
                             "Subject: not a header\r\n");
    envoi_message *back = parse_str(out);
    assert_string_equal(envoi_message_get_subject(back), "new subject");
    envoi_message_free(back);
    free(out);
    envoi_message_free(m);
}

static void added_recipient_joins_the_parsed_ones(void **state)
{
    (void)state;
    envoi_message *m = parse_str(original);
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_TO), 2);
    assert_int_equal(envoi_message_add_to(m, "d@example.org"), 0);
    assert_int_equal(envoi_message_add_cc(m, "e@example.org"), 0);
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_TO), 3);
    assert_int_equal(envoi_message_recipient_count(m), 4);
    size_t len;
    char *out = to_string(m, &len);
    envoi_message *back = parse_str(out);
    const char *name, *addr;
    assert_int_equal(envoi_message_address_count(back, ENVOI_FIELD_TO), 3);
    assert_int_equal(envoi_message_address_at(back, ENVOI_FIELD_TO, 1, &name, &addr), 0);
    assert_string_equal(name, "C");
    assert_string_equal(addr, "c@example.org");
    assert_int_equal(envoi_message_address_at(back, ENVOI_FIELD_TO, 2, NULL, &addr), 0);
    assert_string_equal(addr, "d@example.org");
    assert_int_equal(envoi_message_address_at(back, ENVOI_FIELD_CC, 0, NULL, &addr), 0);
    assert_string_equal(addr, "e@example.org");
    assert_non_null(strstr(out, "X-Custom:   kept   as is\r\n"));
    assert_non_null(strstr(out, "\r\n\r\nBody line one\r\nSubject: not a header\r\n"));
    assert_null(strstr(out, "b@example.org, \"C\""));
    envoi_message_free(back);
    free(out);
    envoi_message_free(m);
}

static void lf_source_keeps_lf_when_rewritten(void **state)
{
    (void)state;
    envoi_message *m = parse_str("Subject: a\nX: b\n\nbody\n");
    assert_int_equal(envoi_message_add_header(m, "X-New", "v"), 0);
    assert_int_equal(envoi_message_set_date(m, 0), 0);
    size_t len;
    char *out = to_string(m, &len);
    assert_null(strchr(out, '\r'));
    assert_non_null(
        strstr(out, "Subject: a\nX: b\nDate: Thu, 1 Jan 1970 00:00:00 +0000\nX-New: v\n\nbody\n"));
    free(out);
    envoi_message_free(m);
}

static void changing_bodies_of_parsed_message_is_unsupported(void **state)
{
    (void)state;
    envoi_message *m = parse_str(original);
    assert_int_equal(envoi_message_set_text(m, "x", 1), 0);
    char *out = NULL;
    size_t len;
    assert_int_equal(envoi_message_to_string(m, &out, &len), ENVOI_EUNSUPPORTED);
    assert_null(out);
    assert_int_equal(envoi_message_error(m)->code, ENVOI_EUNSUPPORTED);
    assert_true(strlen(envoi_message_error(m)->text) > 10);
    envoi_message_free(m);
}

static void parsed_message_has_an_envelope(void **state)
{
    (void)state;
    envoi_message *m = parse_str("From: A <a@example.org>\r\nTo: b@example.org\r\n"
                                 "Cc: c@example.org\r\nBcc: d@example.org\r\n\r\n");
    assert_string_equal(envoi_message_envelope_from(m), "a@example.org");
    assert_int_equal(envoi_message_recipient_count(m), 3);
    assert_string_equal(envoi_message_recipient(m, 0), "b@example.org");
    assert_string_equal(envoi_message_recipient(m, 2), "d@example.org");
    assert_null(envoi_message_recipient(m, 3));
    assert_int_equal(envoi_message_set_from(m, "x@example.org"), 0);
    assert_string_equal(envoi_message_envelope_from(m), "x@example.org");
    envoi_message_free(m);
    m = parse_str("Sender: s@example.org\r\n\r\n");
    assert_string_equal(envoi_message_envelope_from(m), "s@example.org");
    envoi_message_free(m);
}

static void parsed_getters_decode_headers(void **state)
{
    (void)state;
    envoi_message *m = parse_str("From: =?iso-8859-1?q?Andr=E9?= <andre@example.org>\r\n"
                                 "To: undisclosed:;, Team: x@example.org, y@example.org;\r\n"
                                 "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                                 "Message-ID: <abc@host>\r\nReferences: <r1@h>\r\n <r2@h>\r\n\r\n");
    const char *name, *addr;
    assert_int_equal(envoi_message_address_at(m, ENVOI_FIELD_FROM, 0, &name, &addr), 0);
    assert_string_equal(name, "André");
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_TO), 2);
    time_t t;
    assert_int_equal(envoi_message_get_date(m, &t), 0);
    assert_int_equal(t, 1700000000);
    assert_string_equal(envoi_message_get_message_id(m), "abc@host");
    assert_null(envoi_message_get_in_reply_to(m));
    assert_int_equal(envoi_message_reference_count(m), 2);
    assert_string_equal(envoi_message_reference_at(m, 1), "r2@h");
    envoi_message_free(m);
    m = parse_str("Subject: x\r\n\r\n");
    assert_int_equal(envoi_message_get_date(m, &t), ENVOI_EINVAL);
    assert_null(envoi_message_get_message_id(m));
    envoi_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(getters_work_on_composed_messages),
        cmocka_unit_test(compose_serialize_parse_gives_everything_back),
        cmocka_unit_test(changed_subject_rewrites_only_that_field),
        cmocka_unit_test(added_recipient_joins_the_parsed_ones),
        cmocka_unit_test(lf_source_keeps_lf_when_rewritten),
        cmocka_unit_test(changing_bodies_of_parsed_message_is_unsupported),
        cmocka_unit_test(parsed_message_has_an_envelope),
        cmocka_unit_test(parsed_getters_decode_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
