/* Lenient base64 decoding of line-broken bodies: the fast path (whole lines
 * of groups, their line ends stepped over) gives exactly what a character by
 * character reading of the rules gives, for every byte in every position and
 * however the input is cut; NUL bytes and bare CRs are noticed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/base64.h"

/* The documented rules, one character at a time. */
typedef struct ref_out {
    unsigned char bytes[4096];
    size_t len, junk;
    bool truncated, nul, bare_cr;
} ref_out;

static int ref_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static void ref_flush(ref_out *r, unsigned acc, int *n)
{
    if (*n == 2)
        r->bytes[r->len++] = (unsigned char)(acc >> 4);
    if (*n == 3) {
        r->bytes[r->len++] = (unsigned char)(acc >> 10);
        r->bytes[r->len++] = (unsigned char)(acc >> 2);
    }
    if (*n == 1)
        r->junk++;
    *n = 0;
}

static void ref_decode(const unsigned char *in, size_t len, ref_out *r)
{
    memset(r, 0, sizeof *r);
    unsigned acc = 0;
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = in[i];
        int v = ref_value(c);
        if (v >= 0) {
            acc = acc << 6 | (unsigned)v;
            if (++n == 4) {
                r->bytes[r->len++] = (unsigned char)(acc >> 16);
                r->bytes[r->len++] = (unsigned char)(acc >> 8);
                r->bytes[r->len++] = (unsigned char)acc;
                n = 0;
                acc = 0;
            }
        } else if (c == '=') {
            ref_flush(r, acc, &n);
            acc = 0;
        } else if (c == '\r') {
            if (i + 1 == len || in[i + 1] != '\n')
                r->bare_cr = true;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f') {
            r->junk++;
            r->nul |= c == '\0';
        }
    }
    r->truncated = n != 0;
    size_t junk = r->junk;
    ref_flush(r, acc, &n);
    r->junk = junk; /* a lone character at the end is truncation, not junk */
}

/* Decode in[0..len) cut at cut (len: not cut) and compare with the rules. */
static void check_decode(const unsigned char *in, size_t len, size_t cut)
{
    ref_out want;
    ref_decode(in, len, &want);
    unsigned char got[4096 + 64];
    envoi_b64_dec d;
    envoi_b64_dec_init(&d);
    size_t junk = 0, w = 0;
    bool truncated = false;
    w += envoi_b64_dec_lenient(&d, (const char *)in, cut, got, &junk);
    w += envoi_b64_dec_lenient(&d, (const char *)in + cut, len - cut, got + w, &junk);
    w += envoi_b64_dec_lenient_final(&d, got + w, &truncated);
    assert_int_equal(w, want.len);
    assert_memory_equal(got, want.bytes, w);
    assert_int_equal(junk, want.junk);
    assert_int_equal(truncated, want.truncated);
    assert_int_equal((d.seen & ENVOI_B64_SEEN_NUL) != 0, want.nul);
    assert_int_equal((d.seen & ENVOI_B64_SEEN_BARE_CR) != 0, want.bare_cr);
}

/* Lines of 76 characters (CRLF or LF) of a fixed pseudo-random text. */
static size_t make_lines(unsigned char *out, size_t lines, const char *eol)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t x = 12345;
    size_t n = 0;
    for (size_t l = 0; l < lines; l++) {
        for (int i = 0; i < 76; i++) {
            x = x * 1103515245u + 12345u;
            out[n++] = (unsigned char)alpha[(x >> 16) & 63];
        }
        memcpy(out + n, eol, strlen(eol));
        n += strlen(eol);
    }
    return n;
}

static void every_byte_in_every_position_decodes_as_the_rules_say(void **state)
{
    (void)state;
    unsigned char in[1024];
    const char *eols[] = {"\r\n", "\n"};
    for (size_t e = 0; e < 2; e++) {
        size_t len = make_lines(in, 4, eols[e]);
        for (size_t pos = 0; pos < 120; pos++) {
            for (unsigned b = 0; b < 256; b++) {
                unsigned char saved = in[pos];
                in[pos] = (unsigned char)b;
                check_decode(in, len, len);
                in[pos] = saved;
            }
        }
    }
}

static void any_cut_gives_the_same_bytes(void **state)
{
    (void)state;
    unsigned char in[1024];
    size_t len = make_lines(in, 6, "\r\n");
    in[200] = '=';
    in[201] = '\r'; /* a bare CR followed by data */
    in[300] = '\0';
    for (size_t cut = 0; cut <= len; cut++)
        check_decode(in, len, cut);
    len = make_lines(in, 3, "\r\n");
    in[len - 1] = 'A'; /* CR at the end of one call, then not LF */
    for (size_t cut = len - 4; cut <= len; cut++)
        check_decode(in, len, cut);
}

static void long_unbroken_and_odd_lines_decode(void **state)
{
    (void)state;
    unsigned char in[3000];
    size_t len = make_lines(in, 30, "");
    for (size_t cut = 0; cut < 70; cut++)
        check_decode(in, len, cut);
    /* Lines whose length is not a multiple of four cut groups across lines. */
    for (size_t i = 0; i + 3 < len; i += 70) {
        in[i] = '\r';
        in[i + 1] = '\n';
    }
    for (size_t cut = 0; cut < 70; cut++)
        check_decode(in, len, cut);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_byte_in_every_position_decodes_as_the_rules_say),
        cmocka_unit_test(any_cut_gives_the_same_bytes),
        cmocka_unit_test(long_unbroken_and_odd_lines_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
