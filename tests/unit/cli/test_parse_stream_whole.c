/* "envoi parse" streams every input; the library also parses whole messages. Both readings
 * must give the same JSON object (defects compared as a set) for every message of the mime4j
 * corpus and of Python's email test data, whatever the size of the pieces the stream is fed
 * in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json_message.h"
#include "cli/parse_collect.h"
#include "cli/parse_view.h"
#include "envoi/parse.h"
#include "util/buf.h"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A whole parse finds some defects only when a body is decoded or converted, so
 * the two readings may list them in another order: compare them as a set. */
static void sort_defects(json_t *o)
{
    json_t *list = json_object_get(o, "defects");
    size_t n = json_array_size(list);
    char **texts = calloc(n + 1, sizeof *texts);
    assert_non_null(texts);
    for (size_t i = 0; i < n; i++)
        texts[i] = json_dumps(json_array_get(list, i), JSON_COMPACT | JSON_PRESERVE_ORDER);
    qsort(texts, n, sizeof *texts, compare_strings);
    json_t *sorted = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(sorted, json_loads(texts[i], 0, NULL));
        free(texts[i]);
    }
    free(texts);
    json_object_set_new(o, "defects", sorted);
}

static char *object_text(const cli_message_view *v)
{
    json_t *o = cli_json_message(v);
    assert_non_null(o);
    sort_defects(o);
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    assert_non_null(text);
    return text;
}

static int keep_text(void *ctx, const cli_message_view *v)
{
    char **slot = ctx;
    if (*slot)
        fail_msg("a second message in a single-message stream");
    *slot = object_text(v);
    return 0;
}

static char *whole(const char *data, size_t len)
{
    envoi_message *msg = NULL;
    assert_int_equal(envoi_message_parse(data, len, &msg), 0);
    cli_message_view v;
    assert_int_equal(cli_view_from_message(msg, &v), 0);
    char *text = object_text(&v);
    cli_view_free(&v);
    envoi_message_free(msg);
    return text;
}

static char *streamed(const char *data, size_t len, size_t step)
{
    char *text = NULL;
    cli_collector *c = cli_collector_new(keep_text, &text);
    assert_non_null(c);
    envoi_stream_parser *p = envoi_stream_parser_new(cli_collector_callbacks(), c, false);
    assert_non_null(p);
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        assert_int_equal(envoi_stream_parser_feed(p, data + off, n), 0);
    }
    assert_int_equal(envoi_stream_parser_finish(p), 0);
    envoi_stream_parser_free(p);
    cli_collector_free(c);
    assert_non_null(text);
    return text;
}

/* cmocka's messages are bounded: print long text in pieces. */
static void print_long(const char *label, const char *text)
{
    print_message("%s", label);
    for (size_t len = strlen(text), off = 0; off < len; off += 400)
        print_message("%.400s", text + off);
    print_message("\n");
}

static int read_all(const char *path, envoi_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (envoi_buf_append(out, chunk, n) < 0)
            break;
    fclose(f);
    return 0;
}

/* Compare both readings of every file of dir whose name ends with suffix; the number
 * of files compared. */
static size_t compare_dir(const char *dir, const char *prefix, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t compared = 0;
    struct dirent *e;
    const size_t steps[] = {1, 3, 64, 1000, 1 << 20};
    while ((e = readdir(d)) != NULL) {
        size_t nlen = strlen(e->d_name);
        size_t slen = strlen(suffix);
        if (nlen < slen || strcmp(e->d_name + nlen - slen, suffix) != 0 ||
            strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        envoi_buf path = ENVOI_BUF_INIT;
        envoi_buf data = ENVOI_BUF_INIT;
        assert_int_equal(envoi_buf_printf(&path, "%s/%s", dir, e->d_name), 0);
        assert_int_equal(read_all(path.data, &data), 0);
        const char *bytes = data.data ? data.data : "";
        char *want = whole(bytes, data.len);
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            char *got = streamed(bytes, data.len, steps[i]);
            if (strcmp(want, got) != 0) {
                print_message("%s in pieces of %zu bytes\n", path.data, steps[i]);
                print_long("whole:    ", want);
                print_long("streamed: ", got);
                fail_msg("%s: the streamed reading differs from the whole one", e->d_name);
            }
            free(got);
        }
        free(want);
        envoi_buf_free(&path);
        envoi_buf_free(&data);
        compared++;
    }
    closedir(d);
    return compared;
}

static void test_mime4j_corpus_reads_the_same_streamed_and_whole(void **state)
{
    (void)state;
    const char *data = getenv("ENVOI_TEST_DATA");
    envoi_buf dir = ENVOI_BUF_INIT;
    assert_int_equal(
        envoi_buf_printf(&dir, "%s/../../../shared/corpus/mime4j", data ? data : "tests/data"), 0);
    size_t n = compare_dir(dir.data, "", ".msg");
    envoi_buf_free(&dir);
    if (n == 0)
        skip(); /* the corpus is checked by the mime4j integration test */
    assert_true(n >= 30);
}

static void test_python_email_data_reads_the_same_streamed_and_whole(void **state)
{
    (void)state;
    size_t n = compare_dir("/usr/lib/python3.11/test/test_email/data", "msg_", ".txt");
    if (n == 0)
        skip(); /* libpython3.11-testsuite not installed */
    assert_true(n >= 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mime4j_corpus_reads_the_same_streamed_and_whole),
        cmocka_unit_test(test_python_email_data_reads_the_same_streamed_and_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
