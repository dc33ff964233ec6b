/* Fuzz the message parser: the in-memory parse (every part walked, every body
 * decoded, text converted, every getter called, re-serialized byte for byte,
 * then re-serialized with a changed header), and the streaming parser fed in
 * chunks derived from the input, which must give the same parts and decoded
 * bytes as the in-memory parse; the same input as an mbox too; and the mbox
 * writer's Return-Path reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/parse.h"
#include "store/return_path.h"
#include "util/buf.h"

static void dump_part_head(envoi_buf *out, const envoi_part *p)
{
    envoi_buf_printf(out, "B %s %s %zu\n", envoi_part_path(p), envoi_part_content_type(p),
                     envoi_part_header_count(p));
}

static bool is_leaf(const envoi_part *p)
{
    return envoi_part_child_count(p) == 0 &&
           strncmp(envoi_part_content_type(p), "multipart/", 10) != 0;
}

static void walk(const envoi_part *p, envoi_buf *dump)
{
    dump_part_head(dump, p);
    const char *name, *value, *s;
    for (size_t i = 0; i < envoi_part_header_count(p); i++) {
        if (envoi_part_header_at(p, i, &name, &value) != 0)
            abort();
        if ((s = envoi_part_header_decoded(p, name)) != NULL && strlen(s) > 1000000)
            abort();
    }
    envoi_part_param(p, "charset");
    envoi_part_charset(p);
    envoi_part_disposition(p);
    envoi_part_filename(p);
    envoi_part_content_id(p);
    envoi_part_transfer_encoding(p);
    envoi_part_is_attachment(p);
    const void *d;
    size_t n;
    if (envoi_part_raw(p, &d, &n) != 0)
        abort();
    if (envoi_part_body(p, &d, &n) != 0)
        abort();
    if (is_leaf(p)) {
        envoi_buf_printf(dump, "D %zu\n", n);
        envoi_buf_append(dump, d, n);
    }
    for (size_t i = 0; i < envoi_part_uu_count(p); i++) {
        const char *fn;
        const void *ud;
        size_t un;
        if (envoi_part_uu_at(p, i, &fn, &ud, &un) != 0 || !fn)
            abort();
    }
    if (strncmp(envoi_part_content_type(p), "text/", 5) == 0) {
        const char *t;
        if (envoi_part_text(p, &t, &n) != 0 || t[n] != '\0')
            abort();
    }
    for (size_t i = 0; i < envoi_part_child_count(p); i++) {
        const envoi_part *c = envoi_part_child(p, i);
        if (envoi_part_parent(c) != p)
            abort();
        walk(c, dump);
    }
    envoi_buf_printf(dump, "E %s\n", envoi_part_path(p));
}

static void getters(const envoi_message *m)
{
    envoi_message_get_subject(m);
    for (int f = ENVOI_FIELD_FROM; f <= ENVOI_FIELD_BCC; f++) {
        size_t n = envoi_message_address_count(m, (envoi_field)f);
        for (size_t i = 0; i < n; i++) {
            const char *name, *addr;
            if (envoi_message_address_at(m, (envoi_field)f, i, &name, &addr) != 0 || !addr)
                abort();
        }
    }
    time_t t;
    envoi_message_get_date(m, &t);
    envoi_message_get_message_id(m);
    envoi_message_get_in_reply_to(m);
    for (size_t i = 0; i < envoi_message_reference_count(m); i++)
        if (!envoi_message_reference_at(m, i))
            abort();
    envoi_message_text_part(m);
    envoi_message_html_part(m);
    for (size_t i = 0; i < envoi_message_defect_count(m); i++) {
        const envoi_defect *d = envoi_message_defect_at(m, i);
        if (!d || !d->name || !d->path || !d->detail)
            abort();
    }
}

typedef struct sdump {
    envoi_buf out, data;
    size_t messages;
} sdump;

static int s_begin(void *ctx, const envoi_part *p)
{
    sdump *s = ctx;
    dump_part_head(&s->out, p);
    envoi_buf_clear(&s->data);
    return 0;
}

static int s_data(void *ctx, const envoi_part *p, const void *d, size_t n)
{
    (void)p;
    if (n == 0)
        abort();
    return envoi_buf_append(&((sdump *)ctx)->data, d, n);
}

static int s_end(void *ctx, const envoi_part *p)
{
    sdump *s = ctx;
    if (is_leaf(p)) {
        envoi_buf_printf(&s->out, "D %zu\n", s->data.len);
        envoi_buf_append(&s->out, s->data.data, s->data.len);
    }
    envoi_buf_clear(&s->data);
    envoi_buf_printf(&s->out, "E %s\n", envoi_part_path(p));
    return 0;
}

static int s_message(void *ctx, envoi_message *m, bool *keep)
{
    ((sdump *)ctx)->messages++;
    getters(m);
    *keep = false;
    return 0;
}

static const envoi_parse_callbacks callbacks = {s_begin, s_data, s_end, s_message};

static void stream(const uint8_t *data, size_t size, size_t chunk, bool mbox, sdump *s)
{
    envoi_stream_parser *p = envoi_stream_parser_new(&callbacks, s, mbox);
    if (!p)
        abort();
    for (size_t off = 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        if (envoi_stream_parser_feed(p, data + off, n) != 0)
            abort();
    }
    if (envoi_stream_parser_finish(p) != 0)
        abort();
    envoi_stream_parser_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    envoi_message *m = NULL;
    if (envoi_message_parse(data, size, &m) != 0)
        abort();
    envoi_buf want = ENVOI_BUF_INIT;
    walk(envoi_message_root(m), &want);
    getters(m);
    char *out = NULL;
    size_t len = 0;
    if (envoi_message_to_string(m, &out, &len) != 0 || len != size ||
        (size && memcmp(out, data, size) != 0))
        abort();
    free(out);
    if (envoi_message_set_subject(m, "changed") == 0 &&
        envoi_message_add_to(m, "x@example.org") == 0) {
        if (envoi_message_to_string(m, &out, &len) != 0)
            abort();
        envoi_message *again = NULL;
        if (envoi_message_parse(out, len, &again) != 0)
            abort();
        envoi_message_free(again);
        free(out);
    }
    envoi_message_free(m);

    /* The mbox writer's Return-Path reader on the same bytes: bounded output,
     * no white space in what it finds. */
    char sender[64];
    if (store_return_path((const char *)data, size, sender, sizeof sender) &&
        (strlen(sender) >= sizeof sender || strpbrk(sender, " \t\r\n")))
        abort();

    size_t chunk = size ? (size_t)data[0] % 17 + 1 : 1;
    sdump s = {ENVOI_BUF_INIT, ENVOI_BUF_INIT, 0};
    stream(data, size, chunk, false, &s);
    if (s.messages != 1 || s.out.len != want.len || memcmp(s.out.data, want.data, want.len) != 0)
        abort();
    envoi_buf_free(&s.out);
    envoi_buf_free(&s.data);
    envoi_buf_free(&want);

    sdump mb = {ENVOI_BUF_INIT, ENVOI_BUF_INIT, 0};
    stream(data, size, chunk + 3, true, &mb);
    envoi_buf_free(&mb.out);
    envoi_buf_free(&mb.data);
    return 0;
}
