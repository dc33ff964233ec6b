/* Fuzz the POP3 readers: every line of the input read as a status line, a
 * CAPA line, a LIST and a UIDL line and a greeting with an APOP timestamp;
 * the whole input as a dot-terminated body fed in pieces whose sizes the
 * first byte chooses, checked against the same body fed at once. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pop3/wire.h"
#include "proto/dotted.h"

struct out {
    char *data;
    size_t len;
};

static int collect(void *ctx, const void *data, size_t len)
{
    struct out *o = ctx;
    memcpy(o->data + o->len, data, len);
    o->len += len;
    return 0;
}

static size_t undot(const char *data, size_t size, size_t step, struct out *o, int *done)
{
    envoi_undot u;
    envoi_undot_init(&u);
    size_t taken = 0;
    while (taken < size && !u.done) {
        size_t n = size - taken < step ? size - taken : step, used;
        envoi_undot_feed(&u, data + taken, n, &used, collect, o);
        taken += used;
    }
    *done = u.done;
    return taken;
}

static void lines(const char *p, const char *end)
{
    pop3_caps caps = {0};
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len && p[len - 1] == '\r')
            len--;
        pop3_status st;
        unsigned n;
        size_t size, ulen;
        const char *u, *ts;
        if (pop3_status_parse(p, len, &st) == 0 && st.text + st.text_len > p + len)
            abort();
        pop3_caps_add_line(&caps, p, len);
        pop3_parse_list_line(p, len, &n, &size);
        if (pop3_parse_uidl_line(p, len, &n, &u, &ulen) == 0 && (ulen == 0 || ulen > 70))
            abort();
        if (pop3_apop_timestamp(p, len, &ts, &ulen) && (ts[0] != '<' || ts[ulen - 1] != '>'))
            abort();
        p = nl ? nl + 1 : end;
    }
    pop3_caps_free(&caps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    lines(text, text + size);
    if (size == 0)
        return 0;
    size_t step = (size_t)data[0] % 17 + 1;
    struct out whole = {malloc(size + 1), 0}, cut = {malloc(size + 1), 0};
    int done_whole, done_cut;
    size_t a = undot(text + 1, size - 1, size, &whole, &done_whole);
    size_t b = undot(text + 1, size - 1, step, &cut, &done_cut);
    if (a != b || done_whole != done_cut || whole.len != cut.len ||
        memcmp(whole.data, cut.data, whole.len) != 0 || whole.len > a)
        abort();
    free(whole.data);
    free(cut.data);
    return 0;
}
