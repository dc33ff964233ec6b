/* Decoding bodies without keeping them (envoi_part_decode), parsing a
 * caller's buffer in place (envoi_message_parse_borrowed), the defects found
 * while decoding the parts of an encoded message/rfc822 (reported on the
 * whole message as the streaming parser reports them), and NUL bytes and
 * bare CRs in bodies. */
#include "test_parse_util.h"

#include "util/base64.h"

/* ---- helpers ----------------------------------------------------------- */

typedef struct sink {
    envoi_buf bytes;
    size_t calls, largest;
    int fail_at; /* return -7 on this call (1-based); 0: never */
} sink;

static int sink_write(void *ctx, const void *data, size_t len)
{
    sink *s = ctx;
    s->calls++;
    if (s->fail_at && (int)s->calls == s->fail_at)
        return -7;
    if (len > s->largest)
        s->largest = len;
    assert_int_equal(envoi_buf_append(&s->bytes, data, len), 0);
    return 0;
}

/* base64 of data[0..len) in lines of 76 characters. */
static void base64_lines(const void *data, size_t len, envoi_buf *out)
{
    envoi_b64_enc e;
    envoi_b64_enc_init(&e, 76);
    assert_int_equal(envoi_buf_reserve(out, envoi_b64_enc_bound(len, 76)), 0);
    size_t w = envoi_b64_enc_update(&e, data, len, out->data + out->len);
    w += envoi_b64_enc_final(&e, out->data + out->len + w);
    out->len += w;
    out->data[out->len] = '\0';
}

/* "name@path" of every defect, one a line, sorted. */
static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void defect_set(const envoi_message *m, envoi_buf *out)
{
    size_t n = envoi_message_defect_count(m);
    char **names = calloc(n ? n : 1, sizeof *names);
    assert_non_null(names);
    for (size_t i = 0; i < n; i++) {
        const envoi_defect *d = envoi_message_defect_at(m, i);
        envoi_buf b = ENVOI_BUF_INIT;
        envoi_buf_printf(&b, "%s@%s", d->name, d->path);
        names[i] = b.data;
    }
    qsort(names, n, sizeof *names, compare_strings);
    for (size_t i = 0; i < n; i++) {
        envoi_buf_printf(out, "%s\n", names[i]);
        free(names[i]);
    }
    free(names);
}

static void decode_every_leaf(const envoi_part *p, bool through_callback)
{
    size_t n = envoi_part_child_count(p);
    for (size_t i = 0; i < n; i++)
        decode_every_leaf(envoi_part_child(p, i), through_callback);
    if (n || strncmp(envoi_part_content_type(p), "multipart/", 10) == 0)
        return;
    if (through_callback) {
        sink s = {ENVOI_BUF_INIT, 0, 0, 0};
        assert_int_equal(envoi_part_decode(p, sink_write, &s), 0);
        envoi_buf_free(&s.bytes);
    } else {
        const void *d;
        size_t len;
        assert_int_equal(envoi_part_body(p, &d, &len), 0);
    }
}

static int keep_defects(void *ctx, envoi_message *msg, bool *keep)
{
    *keep = false;
    defect_set(msg, ctx);
    return 0;
}

static int ignore_data(void *ctx, const envoi_part *part, const void *data, size_t len)
{
    (void)ctx;
    (void)part;
    (void)data;
    (void)len;
    return 0;
}

/* The streaming parser decodes (and finds defects in) leaves it hands over;
 * src[0..len) is fed in pieces of chunk bytes. */
static void streamed_defects_cut(const char *src, size_t len, size_t chunk, envoi_buf *out)
{
    const envoi_parse_callbacks cb = {.part_data = ignore_data, .message_end = keep_defects};
    envoi_stream_parser *p = envoi_stream_parser_new(&cb, out, false);
    assert_non_null(p);
    for (size_t i = 0; i < len; i += chunk)
        assert_int_equal(envoi_stream_parser_feed(p, src + i, len - i < chunk ? len - i : chunk),
                         0);
    assert_int_equal(envoi_stream_parser_finish(p), 0);
    envoi_stream_parser_free(p);
}

static void streamed_defects(const char *src, envoi_buf *out)
{
    streamed_defects_cut(src, strlen(src), strlen(src) + 1, out);
}

/* An outer message/rfc822 in base64 holding inner (itself base64 encoded
 * once more levels times). */
static void wrap_message(const char *inner, int levels, envoi_buf *out)
{
    envoi_buf cur = ENVOI_BUF_INIT;
    envoi_buf_append(&cur, inner, strlen(inner));
    for (int i = 0; i < levels; i++) {
        envoi_buf next = ENVOI_BUF_INIT;
        envoi_buf_printf(&next, "Content-Type: message/rfc822\r\n"
                                "Content-Transfer-Encoding: base64\r\n\r\n");
        base64_lines(cur.data, cur.len, &next);
        envoi_buf_append(&next, "\r\n", 2);
        envoi_buf_free(&cur);
        cur = next;
    }
    *out = cur;
}

static const char bad_inner[] = "Content-Type: application/octet-stream\r\n"
                                "Content-Transfer-Encoding: base64\r\n"
                                "\r\n"
                                "aGVsbG8*!\r\n";

/* ---- envoi_part_decode -------------------------------------------------- */

static void part_decode_gives_the_bytes_of_part_body_in_small_pieces(void **state)
{
    (void)state;
    size_t raw = 300 * 1000;
    unsigned char *data = malloc(raw);
    assert_non_null(data);
    for (size_t i = 0; i < raw; i++)
        data[i] = (unsigned char)(i * 7 + i / 251);
    envoi_buf src = ENVOI_BUF_INIT;
    envoi_buf_printf(&src, "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                           "--b\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    base64_lines(data, raw, &src);
    envoi_buf_printf(&src, "\r\n--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                           "caf=C3=A9 =\r\nsoft\r\n--b\r\n\r\nplain text\r\n--b--\r\n");
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(src.data, src.len, &m), 0);
    const char *paths[] = {"1", "2", "3", ""};
    for (size_t i = 0; i < 4; i++) {
        const envoi_part *p = part_at(m, paths[i]);
        assert_non_null(p);
        sink s = {ENVOI_BUF_INIT, 0, 0, 0};
        assert_int_equal(envoi_part_decode(p, sink_write, &s), 0);
        assert_true(s.largest <= 64 * 1024);
        const void *d;
        size_t n;
        assert_int_equal(envoi_part_body(p, &d, &n), 0);
        assert_int_equal(s.bytes.len, n);
        if (n)
            assert_memory_equal(s.bytes.data, d, n);
        envoi_buf_free(&s.bytes);
        /* Once cached, the cache is written. */
        sink again = {ENVOI_BUF_INIT, 0, 0, 0};
        assert_int_equal(envoi_part_decode(p, sink_write, &again), 0);
        assert_int_equal(again.bytes.len, n);
        envoi_buf_free(&again.bytes);
    }
    const void *d;
    size_t n;
    assert_int_equal(envoi_part_body(part_at(m, "1"), &d, &n), 0);
    assert_int_equal(n, raw);
    assert_memory_equal(d, data, raw);
    assert_int_equal(envoi_message_defect_count(m), 0);
    envoi_message_free(m);
    envoi_buf_free(&src);
    free(data);
}

static void part_decode_stops_at_the_first_write_failure(void **state)
{
    (void)state;
    envoi_buf src = ENVOI_BUF_INIT;
    static unsigned char zeros[200000];
    envoi_buf_printf(&src, "Content-Transfer-Encoding: base64\r\n\r\n");
    base64_lines(zeros, sizeof zeros, &src);
    envoi_message *m = parse_str(src.data);
    sink s = {ENVOI_BUF_INIT, 0, 0, 2};
    assert_int_equal(envoi_part_decode(envoi_message_root(m), sink_write, &s), -7);
    assert_int_equal(s.calls, 2);
    assert_int_equal(envoi_part_decode(NULL, sink_write, &s), ENVOI_EINVAL);
    assert_int_equal(envoi_part_decode(envoi_message_root(m), NULL, &s), ENVOI_EINVAL);
    envoi_buf_free(&s.bytes);
    envoi_message_free(m);
    envoi_buf_free(&src);
}

static int check_estate(void *ctx, envoi_message *msg, bool *keep)
{
    (void)ctx;
    *keep = false;
    sink s = {ENVOI_BUF_INIT, 0, 0, 0};
    assert_int_equal(envoi_part_decode(envoi_message_root(msg), sink_write, &s), ENVOI_ESTATE);
    return 0;
}

static void part_decode_needs_a_message_with_bodies(void **state)
{
    (void)state;
    const envoi_parse_callbacks cb = {.message_end = check_estate};
    envoi_stream_parser *p = envoi_stream_parser_new(&cb, NULL, false);
    const char *src = "Subject: x\r\n\r\nbody\r\n";
    assert_int_equal(envoi_stream_parser_feed(p, src, strlen(src)), 0);
    assert_int_equal(envoi_stream_parser_finish(p), 0);
    envoi_stream_parser_free(p);
}

static void part_decode_records_decoding_defects(void **state)
{
    (void)state;
    envoi_message *m = parse_str(bad_inner);
    sink s = {ENVOI_BUF_INIT, 0, 0, 0};
    assert_int_equal(envoi_part_decode(envoi_message_root(m), sink_write, &s), 0);
    assert_int_equal(s.bytes.len, 5);
    assert_memory_equal(s.bytes.data, "hello", 5);
    assert_true(has_defect(m, "bad-base64"));
    assert_true(has_defect(m, "truncated-base64"));
    envoi_buf_free(&s.bytes);
    envoi_message_free(m);
}

/* ---- envoi_message_parse_borrowed --------------------------------------- */

static void parse_borrowed_reads_the_callers_buffer_in_place(void **state)
{
    (void)state;
    static const char src[] =
        "Subject: in place\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
        "--x\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n"
        "--x\r\n\r\nsecond\r\n--x--\r\n";
    envoi_message *b = NULL, *c = NULL;
    assert_int_equal(envoi_message_parse_borrowed(src, strlen(src), &b), 0);
    assert_int_equal(envoi_message_parse(src, strlen(src), &c), 0);
    assert_string_equal(envoi_message_get_subject(b), "in place");
    const void *raw;
    size_t n;
    assert_int_equal(envoi_part_raw(envoi_message_root(b), &raw, &n), 0);
    assert_ptr_equal(raw, src);
    assert_int_equal(n, strlen(src));
    envoi_buf db = ENVOI_BUF_INIT, dc = ENVOI_BUF_INIT;
    dump_walk(&db, envoi_message_root(b));
    dump_walk(&dc, envoi_message_root(c));
    assert_int_equal(db.len, dc.len);
    assert_memory_equal(db.data, dc.data, db.len);
    envoi_buf_free(&db);
    envoi_buf_free(&dc);
    envoi_message_free(b);
    envoi_message_free(c);
    envoi_message *e = NULL;
    assert_int_equal(envoi_message_parse_borrowed(NULL, 0, &e), 0);
    assert_non_null(envoi_message_root(e));
    envoi_message_free(e);
    assert_int_equal(envoi_message_parse_borrowed(NULL, 3, &e), ENVOI_EINVAL);
}

/* ---- defects inside encoded message/rfc822 ------------------------------ */

static void check_same_defects_both_ways(const char *src, const char *path, bool callback)
{
    envoi_message *m = parse_str(src);
    decode_every_leaf(envoi_message_root(m), callback);
    envoi_buf whole = ENVOI_BUF_INIT, streamed = ENVOI_BUF_INIT, want = ENVOI_BUF_INIT;
    defect_set(m, &whole);
    streamed_defects(src, &streamed);
    envoi_buf_printf(&want, "bad-base64@%s\ntruncated-base64@%s\n", path, path);
    assert_string_equal(whole.data, want.data);
    assert_string_equal(streamed.data, want.data);
    envoi_buf_free(&whole);
    envoi_buf_free(&streamed);
    envoi_buf_free(&want);
    envoi_message_free(m);
}

static void decoding_defects_inside_an_encoded_message_reach_the_message(void **state)
{
    (void)state;
    envoi_buf src = ENVOI_BUF_INIT;
    wrap_message(bad_inner, 1, &src);
    check_same_defects_both_ways(src.data, "1.1", false);
    check_same_defects_both_ways(src.data, "1.1", true);
    envoi_buf_free(&src);
}

static void decoding_defects_cross_every_level_of_encoded_messages(void **state)
{
    (void)state;
    envoi_buf src = ENVOI_BUF_INIT;
    wrap_message(bad_inner, 3, &src);
    check_same_defects_both_ways(src.data, "1.1.1.1", false);
    check_same_defects_both_ways(src.data, "1.1.1.1", true);
    envoi_buf_free(&src);
}

static void charset_defects_inside_an_encoded_message_reach_the_message(void **state)
{
    (void)state;
    envoi_buf src = ENVOI_BUF_INIT;
    wrap_message("Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nhi\r\n", 1, &src);
    envoi_message *m = parse_str(src.data);
    const envoi_part *p = part_at(m, "1.1");
    assert_non_null(p);
    const char *text;
    size_t n;
    assert_int_equal(envoi_part_text(p, &text, &n), 0);
    assert_string_equal(text, "hi\r\n");
    envoi_buf got = ENVOI_BUF_INIT;
    defect_set(m, &got);
    assert_string_equal(got.data, "unknown-charset@1.1\n");
    /* Asking again records nothing more. */
    assert_int_equal(envoi_part_text(p, &text, &n), 0);
    assert_int_equal(envoi_message_defect_count(m), 1);
    envoi_buf_free(&got);
    envoi_message_free(m);
    envoi_buf_free(&src);
}

/* ---- NUL bytes and bare CRs in bodies ----------------------------------- */

static const char controls_src[] = "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                                   "--b\r\n\r\na\0b\r\n"
                                   "--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                                   "x\ry\r\n"
                                   "--b\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                                   "aGVs\rbG8=\r\n"
                                   "--b\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                                   "aGVs\r\nbG8=\r\n"
                                   "--b\r\n\r\nline one\r\nline two\r\r\n"
                                   "--b\r\n\r\nclean\r\nlines\r\n"
                                   "--b--\r\n";
static const char controls_want[] = "bare-cr@2\nbare-cr@3\nbare-cr@5\nnul-byte@1\n";

static void nul_bytes_and_bare_crs_in_bodies_are_defects(void **state)
{
    (void)state;
    size_t len = sizeof controls_src - 1;
    for (int way = 0; way < 2; way++) {
        envoi_message *m = NULL;
        assert_int_equal(envoi_message_parse(controls_src, len, &m), 0);
        decode_every_leaf(envoi_message_root(m), way == 1);
        envoi_buf got = ENVOI_BUF_INIT;
        defect_set(m, &got);
        assert_string_equal(got.data, controls_want);
        envoi_buf_free(&got);
        envoi_message_free(m);
    }
}

static void streaming_finds_the_same_body_defects_however_cut(void **state)
{
    (void)state;
    size_t len = sizeof controls_src - 1;
    for (size_t chunk = 1; chunk <= len; chunk = chunk < 16 ? chunk + 1 : chunk * 2) {
        envoi_buf got = ENVOI_BUF_INIT;
        streamed_defects_cut(controls_src, len, chunk, &got);
        assert_string_equal(got.data, controls_want);
        envoi_buf_free(&got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(part_decode_gives_the_bytes_of_part_body_in_small_pieces),
        cmocka_unit_test(part_decode_stops_at_the_first_write_failure),
        cmocka_unit_test(part_decode_needs_a_message_with_bodies),
        cmocka_unit_test(part_decode_records_decoding_defects),
        cmocka_unit_test(parse_borrowed_reads_the_callers_buffer_in_place),
        cmocka_unit_test(decoding_defects_inside_an_encoded_message_reach_the_message),
        cmocka_unit_test(decoding_defects_cross_every_level_of_encoded_messages),
        cmocka_unit_test(charset_defects_inside_an_encoded_message_reach_the_message),
        cmocka_unit_test(nul_bytes_and_bare_crs_in_bodies_are_defects),
        cmocka_unit_test(streaming_finds_the_same_body_defects_however_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
