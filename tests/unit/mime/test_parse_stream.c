/* The streaming parser: whatever the chunking, the same parts, callbacks and
 * decoded bytes as the in-memory parse; mbox splitting and ">From "
 * unquoting; the mbox and maildir readers; bounded memory on huge input. */
#include "test_parse_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mime/maildir.h"
#include "mime/mbox.h"
#include "mime/stream.h"

static const char *const samples[] = {
    "Subject: plain\r\n\r\nHello\r\nworld\r\n",
    "Subject: no final newline\n\nbody",
    ("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\npreamble\r\n--b\r\n"
     "Content-Type: text/plain\r\n\r\none\r\n--b \t\r\nContent-Transfer-Encoding: base64\r\n"
     "Content-Type: application/octet-stream; "
     "name=x.bin\r\n\r\nAAEC\r\nAwQF\r\n--b--\r\nepilogue\r\n"),
    ("Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: "
     "multipart/alternative;"
     " boundary=outer-1\n\n--outer-1\nContent-Type: text/plain\nContent-Transfer-Encoding: "
     "quoted-printable\n\nsoft=\nbreak =3d=C3=A9 =zz\n--outer-1\nContent-Type: "
     "text/html\n\n<p>x</p>\n"
     "--outer-1--\n--outer\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner "
     "body\n--outer--\n"),
    ("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
     "U3ViamVjdDogaGkKQ29udGVudC1UeXBlOiBtdWx0aXBhcnQvbWl4ZWQ7IGJvdW5kYXJ5PXoKCi0t\n"
     "egoKYQotLXotLQo=\n"),
    ("Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n"
     "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 f.txt\n#86)C\n`\nend\n--q\n"),
    "From someone Mon Jan  1 00:00:00 2024\nSubject: with from line\nX: y\n  folded\n\n--not\n",
    "Subject: x\nThis line is not a header\n\nbody\n",
    "Content-Type: multipart/mixed; boundary=never\n\nno boundary here\n-- nor here\n",
    "\r\n\r\n",
    "",
    "--\n--\n---\n",
};

static void check_chunkings(const char *data, size_t len, bool every_split)
{
    envoi_buf want = ENVOI_BUF_INIT;
    dump_memory(data, len, &want);
    static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 64, 1000};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        stream_dump s = {ENVOI_BUF_INIT, ENVOI_BUF_INIT, 0};
        dump_stream(data, len, chunks[i], &s);
        assert_int_equal(s.messages, 1);
        assert_int_equal(s.out.len, want.len);
        assert_memory_equal(s.out.data, want.data, want.len);
        envoi_buf_free(&s.out);
        envoi_buf_free(&s.data);
    }
    size_t stride = every_split ? 1 : len / 97 + 1;
    for (size_t k = 1; k < len; k += stride) {
        stream_dump s = {ENVOI_BUF_INIT, ENVOI_BUF_INIT, 0};
        envoi_stream_parser *p = envoi_stream_parser_new(&sd_callbacks, &s, false);
        assert_int_equal(envoi_stream_parser_feed(p, data, k), 0);
        assert_int_equal(envoi_stream_parser_feed(p, data + k, len - k), 0);
        assert_int_equal(envoi_stream_parser_finish(p), 0);
        envoi_stream_parser_free(p);
        assert_int_equal(s.out.len, want.len);
        assert_memory_equal(s.out.data, want.data, want.len);
        envoi_buf_free(&s.out);
        envoi_buf_free(&s.data);
    }
    envoi_buf_free(&want);
}

static void every_chunking_matches_memory_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        check_chunkings(samples[i], strlen(samples[i]), true);
}

static void every_chunking_matches_on_mime4j_corpus(void **state)
{
    (void)state;
    const char *dir = "/work/shared/corpus/mime4j";
    DIR *d = opendir(dir);
    if (!d)
        skip();
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".msg") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *data = read_file(path, &len);
        assert_non_null(data);
        check_chunkings(data, len, len < 1500);
        free(data);
        n++;
    }
    closedir(d);
    assert_true(n > 20);
}

/* ---- mbox ---------------------------------------------------------------- */

typedef struct mbox_seen {
    char subjects[8][64];
    char bodies[8][256];
    size_t n;
    envoi_buf cur;
} mbox_seen;

static int mb_data(void *ctx, const envoi_part *p, const void *d, size_t n)
{
    (void)p;
    return envoi_buf_append(&((mbox_seen *)ctx)->cur, d, n);
}

static int mb_message(void *ctx, envoi_message *m, bool *keep)
{
    mbox_seen *s = ctx;
    const char *subj = envoi_message_get_subject(m);
    assert_true(s->n < 8);
    snprintf(s->subjects[s->n], 64, "%s", subj ? subj : "");
    snprintf(s->bodies[s->n], 256, "%s", s->cur.data ? s->cur.data : "");
    envoi_buf_clear(&s->cur);
    s->n++;
    *keep = false;
    return 0;
}

static const char mbox_text[] = "From a@example.org Mon Jan  1 00:00:00 2024\n"
                                "Subject: one\n\nfirst\nFrom inside a paragraph is not a "
                                "separator\n>From quoted\n>>From twice\n\n"
                                "From b@example.org Mon Jan  1 00:00:00 2024\n"
                                "Subject: two\n\nsecond\n\n\n"
                                "From c@example.org Mon Jan  1 00:00:00 2024\n"
                                "Subject: three\n\nthird";

static void check_mbox(mbox_seen *s)
{
    assert_int_equal(s->n, 3);
    assert_string_equal(s->subjects[0], "one");
    assert_string_equal(s->subjects[1], "two");
    assert_string_equal(s->subjects[2], "three");
    assert_string_equal(s->bodies[0], "first\nFrom inside a paragraph is not a separator\n"
                                      "From quoted\n>From twice\n");
    assert_string_equal(s->bodies[1], "second\n\n");
    assert_string_equal(s->bodies[2], "third");
}

static void mbox_splits_on_from_lines_after_blank_lines(void **state)
{
    (void)state;
    static const envoi_parse_callbacks cb = {NULL, mb_data, NULL, mb_message};
    size_t len = strlen(mbox_text);
    for (size_t chunk = 1; chunk <= len; chunk += chunk < 8 ? 1 : 13) {
        mbox_seen s = {0};
        envoi_stream_parser *p = envoi_stream_parser_new(&cb, &s, true);
        for (size_t off = 0; off < len; off += chunk)
            assert_int_equal(
                envoi_stream_parser_feed(p, mbox_text + off, len - off < chunk ? len - off : chunk),
                0);
        assert_int_equal(envoi_stream_parser_finish(p), 0);
        envoi_stream_parser_free(p);
        check_mbox(&s);
        envoi_buf_free(&s.cur);
    }
}

static int keep_source(void *ctx, envoi_message *m, bool *keep)
{
    mbox_seen *s = ctx;
    const envoi_part *root = envoi_message_root(m);
    const void *d;
    size_t n;
    assert_int_equal(envoi_part_body(root, &d, &n), 0);
    envoi_buf_append(&s->cur, d, n);
    return mb_message(ctx, m, keep);
}

static int write_temp(const char *text, char *path)
{
    strcpy(path, "/tmp/envoi-parse-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static void mbox_reader_keeps_each_message_source(void **state)
{
    (void)state;
    static const envoi_parse_callbacks cb = {NULL, NULL, NULL, keep_source};
    char path[64];
    int fd = write_temp(mbox_text, path);
    mbox_seen s = {0};
    bool was_mbox = false;
    assert_int_equal(mime_read_fd_auto(fd, true, &cb, &s, &was_mbox), 0);
    assert_true(was_mbox);
    check_mbox(&s);
    envoi_buf_free(&s.cur);
    close(fd);
    unlink(path);
}

static void single_message_is_not_split(void **state)
{
    (void)state;
    static const envoi_parse_callbacks cb = {NULL, mb_data, NULL, mb_message};
    char path[64];
    int fd = write_temp("Subject: solo\n\nline\n\nFrom here on\n", path);
    mbox_seen s = {0};
    bool was_mbox = true;
    assert_int_equal(mime_read_fd_auto(fd, false, &cb, &s, &was_mbox), 0);
    assert_false(was_mbox);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.bodies[0], "line\n\nFrom here on\n");
    envoi_buf_free(&s.cur);
    close(fd);
    unlink(path);
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int note_file(void *ctx, const char *path)
{
    (void)ctx;
    assert_non_null(strstr(path, "/cur/") ? strstr(path, "/cur/") : strstr(path, "/new/"));
    return 0;
}

static void maildir_reads_cur_then_new_in_name_order(void **state)
{
    (void)state;
    char dir[] = "/tmp/envoi-maildir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[600];
    const char *subs[] = {"cur", "new", "tmp"};
    for (int i = 0; i < 3; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, subs[i]);
        assert_int_equal(mkdir(sub, 0700), 0);
    }
    snprintf(sub, sizeof sub, "%s/cur", dir);
    put_file(sub, "2:2,S", "Subject: two\n\n");
    put_file(sub, "1:2,S", "Subject: one\n\n");
    put_file(sub, ".hidden", "Subject: hidden\n\n");
    snprintf(sub, sizeof sub, "%s/new", dir);
    put_file(sub, "3", "Subject: three\n\nthird");
    snprintf(sub, sizeof sub, "%s/tmp", dir);
    put_file(sub, "0", "Subject: in tmp\n\n");
    static const envoi_parse_callbacks cb = {NULL, mb_data, NULL, mb_message};
    mbox_seen s = {0};
    assert_true(mime_is_maildir(dir));
    assert_int_equal(mime_maildir_read(dir, false, &cb, &s, note_file), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.subjects[0], "one");
    assert_string_equal(s.subjects[1], "two");
    assert_string_equal(s.subjects[2], "three");
    assert_string_equal(s.bodies[2], "third");
    envoi_buf_free(&s.cur);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(mime_maildir_read(dir, false, &cb, &s, NULL), ENVOI_EFILE);
}

/* ---- bounded memory ------------------------------------------------------ */

typedef struct counter {
    size_t bytes, parts;
    unsigned char last;
} counter;

static int count_data(void *ctx, const envoi_part *p, const void *d, size_t n)
{
    (void)p;
    counter *c = ctx;
    c->bytes += n;
    c->last = ((const unsigned char *)d)[n - 1];
    return 0;
}

static int count_end(void *ctx, const envoi_part *p)
{
    (void)p;
    ((counter *)ctx)->parts++;
    return 0;
}

/* A 200 MiB base64 attachment, then a text part, fed in 1 MiB chunks: the
 * parser's own buffers stay under 1 MiB. */
static void huge_message_streams_in_bounded_memory(void **state)
{
    (void)state;
    static const envoi_parse_callbacks cb = {NULL, count_data, count_end, NULL};
    counter c = {0};
    envoi_stream_parser *p = envoi_stream_parser_new(&cb, &c, false);
    const char *head = "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
                       "Content-Type: application/octet-stream\r\n"
                       "Content-Transfer-Encoding: base64\r\n\r\n";
    assert_int_equal(envoi_stream_parser_feed(p, head, strlen(head)), 0);
    size_t chunk = 1 << 20;
    char *buf = malloc(chunk);
    /* 76 characters + CRLF per line: "////..." decodes to 0xff bytes. */
    for (size_t i = 0; i < chunk; i++)
        buf[i] = i % 78 == 76 ? '\r' : i % 78 == 77 ? '\n' : '/';
    size_t lines_per_chunk = chunk / 78, total = 0;
    for (int i = 0; i < 200; i++) {
        assert_int_equal(envoi_stream_parser_feed(p, buf, lines_per_chunk * 78), 0);
        total += lines_per_chunk * 78;
    }
    const char *tail = "\r\n--BB\r\nContent-Type: text/plain\r\n\r\nend\r\n--BB--\r\n";
    assert_int_equal(envoi_stream_parser_feed(p, tail, strlen(tail)), 0);
    assert_int_equal(envoi_stream_parser_finish(p), 0);
    assert_true(total > 150u * 1024 * 1024);
    assert_int_equal(c.bytes, total / 78 * 57 + 3);
    assert_int_equal(c.parts, 3);
    assert_true(mime_stream_parser_high_water(p) < 1024 * 1024);
    envoi_stream_parser_free(p);
    free(buf);
}

/* A 20 MiB line without a line end, in the headers and in a body, fed in
 * 100 KiB chunks: bounded too, with a defect for the header. */
static void megabyte_lines_do_not_grow_memory(void **state)
{
    (void)state;
    static const envoi_parse_callbacks cb = {NULL, count_data, count_end, NULL};
    for (int where = 0; where < 2; where++) {
        counter c = {0};
        envoi_stream_parser *p = envoi_stream_parser_new(&cb, &c, false);
        const char *start = where == 0 ? "X-Long: " : "Subject: s\n\n";
        assert_int_equal(envoi_stream_parser_feed(p, start, strlen(start)), 0);
        size_t chunk = 100 * 1024;
        char *buf = malloc(chunk);
        memset(buf, 'a', chunk);
        for (int i = 0; i < 200; i++)
            assert_int_equal(envoi_stream_parser_feed(p, buf, chunk), 0);
        const char *end = where == 0 ? "\n\nbody\n" : "\n";
        assert_int_equal(envoi_stream_parser_feed(p, end, strlen(end)), 0);
        assert_int_equal(envoi_stream_parser_finish(p), 0);
        assert_true(mime_stream_parser_high_water(p) < 1024 * 1024);
        assert_int_equal(c.bytes, where == 0 ? 5 : 200 * chunk + 1);
        envoi_stream_parser_free(p);
        free(buf);
    }
}

static int stop_at_begin(void *ctx, const envoi_part *p)
{
    (void)ctx;
    (void)p;
    return ENVOI_EINVAL;
}

static void callback_error_stops_the_parser(void **state)
{
    (void)state;
    static const envoi_parse_callbacks cb = {stop_at_begin, NULL, NULL, NULL};
    envoi_stream_parser *p = envoi_stream_parser_new(&cb, NULL, false);
    assert_int_equal(envoi_stream_parser_feed(p, "Subject: x\n\nbody\n", 17), ENVOI_EINVAL);
    assert_int_equal(envoi_stream_parser_feed(p, "more\n", 5), ENVOI_EINVAL);
    envoi_stream_parser_free(p);
}

static int keep_it(void *ctx, envoi_message *m, bool *keep)
{
    *(envoi_message **)ctx = m;
    *keep = true;
    return 0;
}

static void streamed_message_has_tree_and_headers_but_no_bodies(void **state)
{
    (void)state;
    static const envoi_parse_callbacks cb = {NULL, NULL, NULL, keep_it};
    envoi_message *m = NULL;
    envoi_stream_parser *p = envoi_stream_parser_new(&cb, &m, false);
    const char *s = samples[3];
    assert_int_equal(envoi_stream_parser_feed(p, s, strlen(s)), 0);
    assert_int_equal(envoi_stream_parser_finish(p), 0);
    envoi_stream_parser_free(p);
    assert_non_null(m);
    assert_true(envoi_message_is_parsed(m));
    assert_int_equal(envoi_part_child_count(envoi_message_root(m)), 2);
    const envoi_part *html = envoi_message_html_part(m);
    assert_non_null(html);
    assert_string_equal(envoi_part_path(html), "1.2");
    const void *d;
    size_t n;
    assert_int_equal(envoi_part_body(html, &d, &n), ENVOI_ESTATE);
    char *out;
    assert_int_equal(envoi_message_to_string(m, &out, &n), ENVOI_ESTATE);
    envoi_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_chunking_matches_memory_parse),
        cmocka_unit_test(every_chunking_matches_on_mime4j_corpus),
        cmocka_unit_test(mbox_splits_on_from_lines_after_blank_lines),
        cmocka_unit_test(mbox_reader_keeps_each_message_source),
        cmocka_unit_test(single_message_is_not_split),
        cmocka_unit_test(maildir_reads_cur_then_new_in_name_order),
        cmocka_unit_test(huge_message_streams_in_bounded_memory),
        cmocka_unit_test(megabyte_lines_do_not_grow_memory),
        cmocka_unit_test(callback_error_stops_the_parser),
        cmocka_unit_test(streamed_message_has_tree_and_headers_but_no_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
