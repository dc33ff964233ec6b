/* Bodies of parsed parts: transfer decoding (tolerant base64 and
 * quoted-printable, uuencode, unknown encodings), text to UTF-8, attachment
 * and file name rules, and the main text and HTML bodies. */
#include "test_parse_util.h"

#include "util/base64.h"

static envoi_message *with_body(const char *headers, const char *body)
{
    envoi_buf b = ENVOI_BUF_INIT;
    envoi_buf_printf(&b, "%s\r\n\r\n%s", headers, body);
    envoi_message *m = parse_str(b.data);
    envoi_buf_free(&b);
    return m;
}

static void base64_skips_whitespace_and_junk(void **state)
{
    (void)state;
    envoi_message *m =
        with_body("Content-Transfer-Encoding: base64", "aGVs bG8g\r\n\td29y!bGQ=\r\n");
    body_is(envoi_message_root(m), "hello world");
    assert_true(has_defect(m, "bad-base64"));
    envoi_message_free(m);
    m = with_body("Content-Transfer-Encoding: BASE64", "aGVsbG8=\r\nd29ybGQ=\r\n");
    body_is(envoi_message_root(m), "helloworld");
    assert_string_equal(envoi_part_transfer_encoding(envoi_message_root(m)), "base64");
    assert_int_equal(envoi_message_defect_count(m), 0);
    envoi_message_free(m);
}

static void truncated_base64_decodes_what_it_can(void **state)
{
    (void)state;
    envoi_message *m = with_body("Content-Transfer-Encoding: base64", "aGVsbG8gd29ybG");
    body_is(envoi_message_root(m), "hello worl");
    assert_true(has_defect(m, "truncated-base64"));
    envoi_message_free(m);
}

static void lenient_base64_does_not_depend_on_cuts(void **state)
{
    (void)state;
    const char *in = "QUJD REVG\r\nR0hJ=SktM!TU5P\nUA";
    size_t len = strlen(in);
    unsigned char whole[64], cut[64];
    envoi_b64_dec d;
    size_t junk = 0, w = 0;
    bool trunc;
    envoi_b64_dec_init(&d);
    w = envoi_b64_dec_lenient(&d, in, len, whole, &junk);
    w += envoi_b64_dec_lenient_final(&d, whole + w, &trunc);
    assert_true(junk > 0);
    assert_true(trunc);
    for (size_t k = 0; k <= len; k++) {
        size_t j = 0, cw;
        envoi_b64_dec_init(&d);
        cw = envoi_b64_dec_lenient(&d, in, k, cut, &j);
        cw += envoi_b64_dec_lenient(&d, in + k, len - k, cut + cw, &j);
        cw += envoi_b64_dec_lenient_final(&d, cut + cw, &trunc);
        assert_int_equal(cw, w);
        assert_memory_equal(cut, whole, w);
        assert_int_equal(j, junk);
    }
}

/* The obvious one-character-at-a-time reading of the lenient rules. */
static size_t reference_lenient(const char *in, size_t len, unsigned char *out)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0, n = 0;
    size_t w = 0;
    for (size_t i = 0; i <= len; i++) {
        const char *hit = i < len && in[i] ? strchr(alpha, in[i]) : NULL;
        if (hit) {
            acc = acc << 6 | (unsigned)(hit - alpha);
            if (++n == 4) {
                out[w++] = (unsigned char)(acc >> 16);
                out[w++] = (unsigned char)(acc >> 8);
                out[w++] = (unsigned char)acc;
                acc = n = 0;
            }
        } else if (i == len || in[i] == '=') {
            if (n == 2)
                out[w++] = (unsigned char)(acc >> 4);
            if (n == 3) {
                out[w++] = (unsigned char)(acc >> 10);
                out[w++] = (unsigned char)(acc >> 2);
            }
            acc = n = 0;
        }
    }
    return w;
}

static void lenient_base64_matches_reference_on_random_input(void **state)
{
    (void)state;
    static const char chars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n \t!-.\x80\xff";
    srand(7);
    char in[600];
    unsigned char want[600], got[700];
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)rand() % sizeof in;
        /* Mostly alphabet (the vector path), sometimes anything. */
        int junk_rate = round % 3 == 0 ? 2 : round % 3 == 1 ? 50 : 1000;
        for (size_t i = 0; i < len; i++)
            in[i] = rand() % junk_rate == 0 ? chars[64 + rand() % (int)(sizeof chars - 65)]
                                            : chars[rand() % 64];
        size_t wn = reference_lenient(in, len, want);
        size_t cut = len ? (size_t)rand() % len : 0, junk = 0;
        bool trunc;
        envoi_b64_dec d;
        envoi_b64_dec_init(&d);
        size_t w = envoi_b64_dec_lenient(&d, in, cut, got, &junk);
        w += envoi_b64_dec_lenient(&d, in + cut, len - cut, got + w, &junk);
        w += envoi_b64_dec_lenient_final(&d, got + w, &trunc);
        assert_int_equal(w, wn);
        assert_memory_equal(got, want, w);
    }
}

static void lenient_base64_decodes_encoded_lines(void **state)
{
    (void)state;
    unsigned char data[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 131 + (i >> 3));
    for (size_t len = 0; len < sizeof data; len += 1 + len / 3) {
        char enc[8000];
        envoi_b64_enc e;
        envoi_b64_enc_init(&e, 76);
        size_t n = envoi_b64_enc_update(&e, data, len, enc);
        n += envoi_b64_enc_final(&e, enc + n);
        unsigned char out[5100];
        envoi_b64_dec d;
        envoi_b64_dec_init(&d);
        size_t junk = 0;
        bool trunc;
        size_t w = envoi_b64_dec_lenient(&d, enc, n, out, &junk);
        w += envoi_b64_dec_lenient_final(&d, out + w, &trunc);
        assert_int_equal(junk, 0);
        assert_false(trunc);
        assert_int_equal(w, len);
        assert_memory_equal(out, data, len);
    }
}

/* Large enough for the buffers mapped on their own (source copy, body). */
static void large_base64_body_decodes_in_memory(void **state)
{
    (void)state;
    size_t len = 3 * 1024 * 1024 + 17;
    unsigned char *data = malloc(len);
    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 2654435761u >> 13);
    envoi_buf src = ENVOI_BUF_INIT;
    envoi_buf_append_str(&src, "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
                               "Content-Transfer-Encoding: base64\r\n\r\n");
    envoi_b64_enc e;
    envoi_b64_enc_init(&e, 76);
    envoi_buf_reserve(&src, envoi_b64_enc_bound(len, 76));
    src.len += envoi_b64_enc_update(&e, data, len, src.data + src.len);
    src.len += envoi_b64_enc_final(&e, src.data + src.len);
    envoi_buf_append_str(&src, "\r\n--zz--\r\n");
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(src.data, src.len, &m), 0);
    const void *d;
    size_t n;
    assert_int_equal(envoi_part_body(envoi_part_child(envoi_message_root(m), 0), &d, &n), 0);
    assert_int_equal(n, len);
    assert_memory_equal(d, data, len);
    assert_int_equal(envoi_message_defect_count(m), 0);
    envoi_message_free(m);
    envoi_buf_free(&src);
    free(data);
}

static void quoted_printable_is_tolerant(void **state)
{
    (void)state;
    envoi_message *m = with_body("Content-Transfer-Encoding: quoted-printable",
                                 "caf=c3=A9 soft=\r\nbreak=  \r\nx =ZZ=4 end=");
    body_is(envoi_message_root(m), "café softbreakx =ZZ=4 end");
    assert_true(has_defect(m, "bad-quoted-printable"));
    envoi_message_free(m);
}

static void seven_bit_eight_bit_binary_are_kept(void **state)
{
    (void)state;
    const char *encs[] = {"7bit", "8bit", "binary"};
    for (int i = 0; i < 3; i++) {
        envoi_buf h = ENVOI_BUF_INIT;
        envoi_buf_printf(&h, "Content-Transfer-Encoding: %s", encs[i]);
        envoi_message *m = with_body(h.data, "a=20\xc3\xa9\r\n");
        body_is(envoi_message_root(m), "a=20\xc3\xa9\r\n");
        assert_int_equal(envoi_message_defect_count(m), 0);
        envoi_message_free(m);
        envoi_buf_free(&h);
    }
}

static void unknown_encoding_is_kept_raw(void **state)
{
    (void)state;
    envoi_message *m = with_body("Content-Transfer-Encoding: x-gzip64", "H4sI");
    body_is(envoi_message_root(m), "H4sI");
    assert_string_equal(envoi_part_transfer_encoding(envoi_message_root(m)), "x-gzip64");
    assert_true(has_defect(m, "unknown-transfer-encoding"));
    envoi_message_free(m);
}

static void uuencode_is_decoded(void **state)
{
    (void)state;
    envoi_message *m = with_body("Content-Type: application/octet-stream\r\n"
                                 "Content-Transfer-Encoding: x-uuencode",
                                 "begin 644 cat.txt\r\n#0V%T\r\n`\r\nend\r\n");
    body_is(envoi_message_root(m), "Cat");
    assert_int_equal(envoi_message_defect_count(m), 0);
    envoi_message_free(m);
    m = with_body("Content-Transfer-Encoding: uuencode", "no begin line\r\n");
    body_is(envoi_message_root(m), "");
    assert_true(has_defect(m, "bad-uuencode"));
    envoi_message_free(m);
}

static void uuencoded_files_inside_text_are_found(void **state)
{
    (void)state;
    envoi_message *m =
        with_body("Content-Type: text/plain",
                  "See the files.\r\n\r\nbegin 644 cat.txt\r\n#0V%T\r\n`\r\nend\r\n"
                  "and\nbegin 600 two words.bin\n%86)C9&4`\n`\nend\ntrailing text\n");
    const envoi_part *p = envoi_message_root(m);
    assert_int_equal(envoi_part_uu_count(p), 2);
    const char *name;
    const void *d;
    size_t n;
    assert_int_equal(envoi_part_uu_at(p, 0, &name, &d, &n), 0);
    assert_string_equal(name, "cat.txt");
    assert_int_equal(n, 3);
    assert_memory_equal(d, "Cat", 3);
    assert_int_equal(envoi_part_uu_at(p, 1, &name, &d, &n), 0);
    assert_string_equal(name, "two words.bin");
    assert_int_equal(n, 5);
    assert_memory_equal(d, "abcde", 5);
    assert_int_equal(envoi_part_uu_at(p, 2, &name, &d, &n), ENVOI_EINVAL);
    const char *t;
    assert_int_equal(envoi_part_text(p, &t, &n), 0);
    assert_non_null(strstr(t, "begin 644 cat.txt"));
    envoi_message_free(m);
    m = with_body("Content-Type: text/html", "begin 644 x\n#0V%T\n`\nend\n");
    assert_int_equal(envoi_part_uu_count(envoi_message_root(m)), 0);
    envoi_message_free(m);
}

static void base64_message_rfc822_is_read_decoded(void **state)
{
    (void)state;
    /* "Subject: inside\n\nhello\n" */
    envoi_message *m =
        with_body("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64",
                  "U3ViamVjdDogaW5zaWRlCgpoZWxsbwo=\r\n");
    const envoi_part *root = envoi_message_root(m);
    assert_int_equal(envoi_part_child_count(root), 1);
    const envoi_part *inner = envoi_part_child(root, 0);
    assert_ptr_equal(envoi_part_parent(inner), root);
    assert_string_equal(envoi_part_path(inner), "1.1");
    assert_string_equal(envoi_part_header(inner, "Subject"), "inside");
    body_is(inner, "hello\n");
    envoi_message_free(m);
}

static void text_is_converted_to_utf8(void **state)
{
    (void)state;
    envoi_message *m = with_body("Content-Type: text/plain; charset=ISO-8859-1\r\n"
                                 "Content-Transfer-Encoding: quoted-printable",
                                 "caf=E9");
    const envoi_part *p = envoi_message_root(m);
    assert_string_equal(envoi_part_charset(p), "iso-8859-1");
    const char *t;
    size_t n;
    assert_int_equal(envoi_part_text(p, &t, &n), 0);
    assert_string_equal(t, "café");
    assert_int_equal(n, 5);
    const char *again;
    assert_int_equal(envoi_part_text(p, &again, &n), 0);
    assert_ptr_equal(again, t);
    envoi_message_free(m);

    m = with_body("Content-Type: text/plain", "plain ascii");
    assert_int_equal(envoi_part_text(envoi_message_root(m), &t, &n), 0);
    assert_string_equal(t, "plain ascii");
    assert_null(envoi_part_charset(envoi_message_root(m)));
    envoi_message_free(m);

    m = with_body("Content-Type: image/png\r\nContent-Transfer-Encoding: base64", "iVBO");
    assert_int_equal(envoi_part_text(envoi_message_root(m), &t, &n), ENVOI_EINVAL);
    envoi_message_free(m);
}

static const char mixed[] =
    "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
    "--m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n"
    "--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n"
    "--a\r\nContent-Type: text/html\r\n\r\n<p>first html</p>\r\n"
    "--a\r\nContent-Type: multipart/related; boundary=r\r\n\r\n"
    "--r\r\nContent-Type: text/html\r\n\r\n<p>rich <img src=cid:logo></p>\r\n"
    "--r\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n"
    "Content-Disposition: inline\r\n\r\niVBORw==\r\n--r--\r\n"
    "--a--\r\n"
    "--m\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n\r\nattached text\r\n"
    "--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n"
    " filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "JVBERi0=\r\n"
    "--m\r\nContent-Type: image/jpeg; name=\"=?utf-8?q?ph=C3=B6to.jpg?=\"\r\n\r\njpeg\r\n"
    "--m\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=page.html\r\n\r\n"
    "<p>attached</p>\r\n--m--\r\n";

static void main_bodies_are_picked_as_mail_readers_do(void **state)
{
    (void)state;
    envoi_message *m = parse_str(mixed);
    const envoi_part *t = envoi_message_text_part(m), *h = envoi_message_html_part(m);
    assert_non_null(t);
    assert_non_null(h);
    assert_string_equal(envoi_part_path(t), "1.1");
    assert_string_equal(envoi_part_path(h), "1.3.1");
    body_is(h, "<p>rich <img src=cid:logo></p>");
    envoi_message_free(m);

    m = parse_str("Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n"
                  "Content-Disposition: attachment; filename=a.txt\n\nonly attached\n--m--\n");
    t = envoi_message_text_part(m);
    assert_non_null(t);
    body_is(t, "only attached");
    assert_null(envoi_message_html_part(m));
    envoi_message_free(m);

    envoi_message *composed = envoi_message_new();
    assert_null(envoi_message_text_part(composed));
    assert_null(envoi_message_root(composed));
    assert_false(envoi_message_is_parsed(composed));
    envoi_message_free(composed);
}

static void attachments_and_file_names(void **state)
{
    (void)state;
    envoi_message *m = parse_str(mixed);
    const envoi_part *img = part_at(m, "1.3.2");
    assert_false(envoi_part_is_attachment(img));
    assert_string_equal(envoi_part_content_id(img), "logo");
    assert_string_equal(envoi_part_disposition(img), "inline");
    assert_false(envoi_part_is_attachment(part_at(m, "1.1")));
    assert_false(envoi_part_is_attachment(part_at(m, "1")));

    const envoi_part *notes = part_at(m, "2");
    assert_true(envoi_part_is_attachment(notes));
    assert_string_equal(envoi_part_filename(notes), "notes.txt");
    assert_string_equal(envoi_part_param(notes, "NAME"), "notes.txt");

    const envoi_part *pdf = part_at(m, "3");
    assert_true(envoi_part_is_attachment(pdf));
    assert_string_equal(envoi_part_disposition(pdf), "attachment");
    assert_string_equal(envoi_part_filename(pdf), "résumé.pdf");
    body_is(pdf, "%PDF-");

    const envoi_part *jpg = part_at(m, "4");
    assert_true(envoi_part_is_attachment(jpg));
    assert_string_equal(envoi_part_filename(jpg), "phöto.jpg");
    assert_null(envoi_part_disposition(jpg));

    assert_true(envoi_part_is_attachment(part_at(m, "5")));
    assert_string_equal(envoi_part_filename(part_at(m, "5")), "page.html");
    envoi_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64_skips_whitespace_and_junk),
        cmocka_unit_test(truncated_base64_decodes_what_it_can),
        cmocka_unit_test(lenient_base64_does_not_depend_on_cuts),
        cmocka_unit_test(lenient_base64_matches_reference_on_random_input),
        cmocka_unit_test(lenient_base64_decodes_encoded_lines),
        cmocka_unit_test(large_base64_body_decodes_in_memory),
        cmocka_unit_test(quoted_printable_is_tolerant),
        cmocka_unit_test(seven_bit_eight_bit_binary_are_kept),
        cmocka_unit_test(unknown_encoding_is_kept_raw),
        cmocka_unit_test(uuencode_is_decoded),
        cmocka_unit_test(uuencoded_files_inside_text_are_found),
        cmocka_unit_test(base64_message_rfc822_is_read_decoded),
        cmocka_unit_test(text_is_converted_to_utf8),
        cmocka_unit_test(main_bodies_are_picked_as_mail_readers_do),
        cmocka_unit_test(attachments_and_file_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
