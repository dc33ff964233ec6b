/* Shared helpers of the parser tests: parsing strings, and a canonical dump
 * of a message's structure and decoded bodies that the in-memory parse and
 * the streaming parser (through its callbacks) must both produce. */
#ifndef ENVOI_TEST_PARSE_UTIL_H
#define ENVOI_TEST_PARSE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/parse.h"
#include "util/buf.h"

static inline envoi_message *parse_str(const char *s)
{
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(s, strlen(s), &m), 0);
    assert_non_null(m);
    return m;
}

static inline const envoi_part *part_at(const envoi_message *m, const char *path)
{
    /* Depth first: the last part with that path is the deepest (an embedded
     * multipart shares its message/rfc822 part's path). */
    const envoi_part *stack[256], *found = NULL;
    size_t n = 0;
    stack[n++] = envoi_message_root(m);
    while (n) {
        const envoi_part *p = stack[--n];
        if (strcmp(envoi_part_path(p), path) == 0)
            found = p;
        for (size_t i = envoi_part_child_count(p); i > 0 && n < 256; i--)
            stack[n++] = envoi_part_child(p, i - 1);
    }
    return found;
}

static inline bool has_defect(const envoi_message *m, const char *name)
{
    for (size_t i = 0; i < envoi_message_defect_count(m); i++)
        if (strcmp(envoi_message_defect_at(m, i)->name, name) == 0)
            return true;
    return false;
}

static inline void body_is(const envoi_part *p, const char *want)
{
    const void *d;
    size_t n;
    assert_non_null(p);
    assert_int_equal(envoi_part_body(p, &d, &n), 0);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(d, want, n);
}

static inline void dump_begin(envoi_buf *out, const envoi_part *p)
{
    const char *fn = envoi_part_filename(p);
    envoi_buf_printf(out, "B %s %s %s %s %zu\n", envoi_part_path(p), envoi_part_content_type(p),
                     fn ? fn : "-", envoi_part_charset(p) ? envoi_part_charset(p) : "-",
                     envoi_part_header_count(p));
}

static inline void dump_walk(envoi_buf *out, const envoi_part *p)
{
    dump_begin(out, p);
    if (envoi_part_child_count(p) == 0 && strncmp(envoi_part_content_type(p), "multipart/", 10)) {
        const void *d;
        size_t n;
        assert_int_equal(envoi_part_body(p, &d, &n), 0);
        envoi_buf_printf(out, "D %zu\n", n);
        envoi_buf_append(out, d, n);
    }
    for (size_t i = 0; i < envoi_part_child_count(p); i++)
        dump_walk(out, envoi_part_child(p, i));
    envoi_buf_printf(out, "E %s\n", envoi_part_path(p));
}

/* In-memory parse of data, dumped. */
static inline void dump_memory(const void *data, size_t len, envoi_buf *out)
{
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(data, len, &m), 0);
    dump_walk(out, envoi_message_root(m));
    envoi_message_free(m);
}

typedef struct stream_dump {
    envoi_buf out;
    envoi_buf data; /* body of the current leaf */
    size_t messages;
} stream_dump;

static int sd_begin(void *ctx, const envoi_part *p)
{
    stream_dump *s = ctx;
    dump_begin(&s->out, p);
    envoi_buf_clear(&s->data);
    return 0;
}

static int sd_data(void *ctx, const envoi_part *p, const void *d, size_t n)
{
    stream_dump *s = ctx;
    (void)p;
    assert_true(n > 0);
    return envoi_buf_append(&s->data, d, n);
}

static int sd_end(void *ctx, const envoi_part *p)
{
    stream_dump *s = ctx;
    if (envoi_part_child_count(p) == 0 && strncmp(envoi_part_content_type(p), "multipart/", 10)) {
        envoi_buf_printf(&s->out, "D %zu\n", s->data.len);
        envoi_buf_append(&s->out, s->data.data, s->data.len);
    }
    envoi_buf_clear(&s->data);
    envoi_buf_printf(&s->out, "E %s\n", envoi_part_path(p));
    return 0;
}

static int sd_message(void *ctx, envoi_message *m, bool *keep)
{
    stream_dump *s = ctx;
    const void *d;
    size_t n;
    assert_int_equal(envoi_part_body(envoi_message_root(m), &d, &n), ENVOI_ESTATE);
    s->messages++;
    *keep = false;
    return 0;
}

static const envoi_parse_callbacks sd_callbacks = {sd_begin, sd_data, sd_end, sd_message};

/* Streaming parse of data fed in pieces of the given size (0: all at once). */
static inline void dump_stream(const void *data, size_t len, size_t chunk, stream_dump *s)
{
    envoi_stream_parser *p = envoi_stream_parser_new(&sd_callbacks, s, false);
    assert_non_null(p);
    const char *c = data;
    size_t step = chunk ? chunk : len;
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        assert_int_equal(envoi_stream_parser_feed(p, c + off, n), 0);
    }
    assert_int_equal(envoi_stream_parser_finish(p), 0);
    envoi_stream_parser_free(p);
}

static inline char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    envoi_buf b = ENVOI_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        envoi_buf_append(&b, tmp, n);
    fclose(f);
    if (!b.data)
        envoi_buf_reserve(&b, 0);
    return envoi_buf_steal(&b, len);
}

#endif
