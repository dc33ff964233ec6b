/* A header block read from the lines the parser classified gives the same
 * fields as one split again from its bytes, whatever the block holds; and
 * field names hash alike in any case and at any length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/message.h"
#include "mime/message_impl.h"
#include "mime/part.h"

static const char *const blocks[] = {
    "From: a@b\r\nTo: c@d\r\nSubject: hi\r\n",
    "Subject: folded\r\n  over\r\n\tlines\r\nX: y\r\n",
    "Name  : spaced colon\nBare: lf\n",
    "  leading continuation\r\nA: b\r\n",
    "Not a field\r\nA: b\r\n",
    "A: b\rc\r\nB: with\0nul\r\n",
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n",
    "X-8bit-\xc3\xa9: v\r\nNo-line-end: last",
    ": empty name\r\nA:\r\nB:   \r\n",
};

static size_t block_len(size_t k)
{
    /* One block holds a NUL: its length is counted to its last line end. */
    return k == 5 ? sizeof "A: b\rc\r\nB: with\0nul\r\n" - 1 : strlen(blocks[k]);
}

/* The lines of block[0..len) as the parser records them. */
static size_t record_lines(const char *block, size_t len, mime_hline *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < cap;) {
        const char *nl = memchr(block + i, '\n', len - i);
        size_t ln = nl ? (size_t)(nl - (block + i)) + 1 : len - i, content = ln;
        if (content && block[i + content - 1] == '\n')
            content--;
        if (content && block[i + content - 1] == '\r')
            content--;
        size_t colon = 0, nlen = 0;
        int cls = mime_header_line_split(block + i, content, &colon, &nlen);
        assert_int_equal(cls, mime_header_line_class(block + i, content));
        out[n++] = (mime_hline){(uint32_t)ln, (uint32_t)colon, (uint32_t)nlen, cls};
        i += ln;
    }
    return n;
}

static envoi_part *read_part(envoi_message *msg, const char *block, size_t len,
                             const mime_hline *lines, size_t nlines)
{
    envoi_part *p = mime_part_new(msg, NULL, 0);
    assert_non_null(p);
    assert_int_equal(mime_part_read_headers(p, block, len, 7, lines, nlines), 0);
    return p;
}

static void fields_from_records_match_a_fresh_split(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
        envoi_message *msg = envoi_message_new();
        assert_non_null(msg);
        assert_int_equal(mime_parsed_attach(msg), 0);
        mime_hline lines[32];
        size_t len = block_len(k);
        size_t n = record_lines(blocks[k], len, lines, 32);
        envoi_part *a = read_part(msg, blocks[k], len, lines, n);
        envoi_part *b = read_part(msg, blocks[k], len, NULL, 0);
        assert_int_equal(a->nfields, b->nfields);
        for (size_t i = 0; i < a->nfields; i++) {
            assert_string_equal(a->fields[i].name, b->fields[i].name);
            assert_string_equal(a->fields[i].value, b->fields[i].value);
            assert_int_equal(a->fields[i].off, b->fields[i].off);
            assert_int_equal(a->fields[i].len, b->fields[i].len);
            assert_int_equal(a->fields[i].hash, b->fields[i].hash);
        }
        assert_ptr_equal(a->type == NULL, b->type == NULL);
        if (a->type)
            assert_string_equal(a->type, b->type);
        assert_int_equal(a->cte, b->cte);
        envoi_message_free(msg);
    }
}

/* The hash as a byte at a time computes it. */
static unsigned hash_bytewise(const char *name, size_t len)
{
    uint64_t h = len * 0x9E3779B97F4A7C15ull;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, name + i, 8);
        h = (h ^ (x | 0x2020202020202020ull)) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 29;
    }
    uint64_t t = 0;
    for (size_t k = 0; i + k < len; k++)
        t |= (uint64_t)((unsigned char)name[i + k] | 0x20) << (8 * k);
    h = (h ^ t) * 0xFF51AFD7ED558CCDull;
    return (unsigned)(h ^ h >> 32);
}

static void field_hash_matches_bytewise_hash_at_every_length(void **state)
{
    (void)state;
    static const char name[] = "X-Some-Rather-Long-Header-Name-For-Hashing";
    char upper[sizeof name];
    for (size_t i = 0; i < sizeof name; i++)
        upper[i] = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 32) : name[i];
    for (size_t len = 0; len < sizeof name; len++) {
        /* Copied to the heap at its exact length: a read past it is caught. */
        char *exact = malloc(len ? len : 1);
        assert_non_null(exact);
        memcpy(exact, name, len);
        assert_int_equal(mime_field_hash(exact, len), hash_bytewise(name, len));
        assert_int_equal(mime_field_hash(upper, len), mime_field_hash(exact, len));
        free(exact);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_from_records_match_a_fresh_split),
        cmocka_unit_test(field_hash_matches_bytewise_hash_at_every_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
