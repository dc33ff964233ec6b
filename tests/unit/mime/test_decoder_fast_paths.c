/* The fast paths of the body and field decoders give what their general
 * paths give: quoted-printable fed whole against fed a byte at a time,
 * parameters, message ids and dates against the parsers without their
 * one-pass forms, with odd bytes put at every offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/decode.h"
#include "mime/part_decode.h"

/* ---- quoted-printable ---------------------------------------------------- */

struct text {
    const char *s;
    size_t n;
};
#define TEXT(x)                                                                                    \
    {                                                                                              \
        x, sizeof x - 1                                                                            \
    }

static const struct text qp_inputs[] = {
    TEXT(""),
    TEXT("plain text without escapes, longer than sixteen bytes"),
    TEXT("caf=C3=A9 cr=C3=A8me br=C3=BBl=C3=A9e"),
    TEXT("soft=\nbreak and soft=\r\nbreak with CRLF"),
    TEXT("=3D=3d=3D at the start and the end =3D"),
    TEXT("lower case =e9 and upper =E9 and mixed =eF"),
    TEXT("=01=23=45=67=89=ab=cd=ef=AB=CD=EF=fF=Ff"),
    TEXT("bad =G1 and =1G and =\tx and =  \n trailing"),
    TEXT("="),
    TEXT("=="),
    TEXT("=4"),
    TEXT("x=\r"),
    TEXT("=\r\r\n"),
    TEXT("line one  \r\nline two\t\r\n=20=20\r\n"),
    TEXT("0123456789abcde=41=42=43 0123456789abcdef=\n0123456789"),
    TEXT("a=\x80 b=\xc3\xa9 c"),
    TEXT("nul\0byte and bare\rcr"),
};

static void qp_decode(const char *in, size_t len, size_t piece, unsigned char **out, size_t *w,
                      unsigned *defects)
{
    /* Exactly the room the decoder asks for, so a store past it is caught. */
    size_t cap = 0;
    for (size_t at = 0; at < len; at += piece)
        cap += mime_decoder_bound(len - at < piece ? len - at : piece);
    cap += mime_decoder_bound(0);
    *out = malloc(cap);
    assert_non_null(*out);
    mime_decoder d;
    mime_decoder_init(&d, MIME_CTE_QP);
    *w = 0;
    for (size_t at = 0; at < len; at += piece) {
        size_t k = len - at < piece ? len - at : piece;
        unsigned char *slice = malloc(mime_decoder_bound(k));
        assert_non_null(slice);
        size_t got = mime_decoder_feed(&d, in + at, k, slice);
        memcpy(*out + *w, slice, got);
        *w += got;
        free(slice);
    }
    *w += mime_decoder_finish(&d, *out + *w);
    *defects = d.defects;
}

static void qp_same(const char *in, size_t len)
{
    unsigned char *whole, *bytes;
    size_t nw, nb;
    unsigned dw, db;
    qp_decode(in, len, len ? len : 1, &whole, &nw, &dw);
    qp_decode(in, len, 1, &bytes, &nb, &db);
    assert_int_equal(nw, nb);
    assert_memory_equal(whole, bytes, nw);
    assert_int_equal(dw, db);
    for (size_t piece = 2; piece < 5 && piece < len; piece++) {
        unsigned char *p;
        size_t np;
        unsigned dp;
        qp_decode(in, len, piece, &p, &np, &dp);
        assert_int_equal(np, nw);
        assert_memory_equal(p, whole, nw);
        assert_int_equal(dp, dw);
        free(p);
    }
    free(whole);
    free(bytes);
}

static void qp_whole_input_decodes_as_fed_bytewise(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof qp_inputs / sizeof qp_inputs[0]; k++)
        qp_same(qp_inputs[k].s, qp_inputs[k].n);
}

static void qp_escape_at_every_offset_decodes_as_fed_bytewise(void **state)
{
    (void)state;
    static const char *const tails[] = {"=41", "=\n", "=\r\n", "=4", "=", "=G", "= \n", "==41"};
    char buf[96];
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++)
        for (size_t pad = 0; pad < 40; pad++)
            for (size_t after = 0; after < 3; after++) {
                size_t n = 0;
                memset(buf, 'a', pad);
                n += pad;
                memcpy(buf + n, tails[t], strlen(tails[t]));
                n += strlen(tails[t]);
                memset(buf + n, 'z', after);
                n += after;
                qp_same(buf, n);
            }
}

static void qp_decodes_escapes_and_soft_breaks(void **state)
{
    (void)state;
    static const char in[] = "0123456789abcdef=C3=A9=\r\nend=3d";
    unsigned char *out;
    size_t n;
    unsigned defects;
    qp_decode(in, sizeof in - 1, sizeof in - 1, &out, &n, &defects);
    assert_int_equal(n, 16 + 2 + 4);
    assert_memory_equal(out,
                        "0123456789abcdef\xc3\xa9"
                        "end=",
                        n);
    assert_int_equal(defects, 0);
    free(out);
    static const char digits[] = "=01=23=45=67=89=ab=cd=ef=AB=CD=EF=fF";
    qp_decode(digits, sizeof digits - 1, sizeof digits - 1, &out, &n, &defects);
    assert_int_equal(n, 12);
    assert_memory_equal(out, "\x01\x23\x45\x67\x89\xab\xcd\xef\xab\xcd\xef\xff", n);
    free(out);
}

/* ---- parameters ---------------------------------------------------------- */

static const char *const param_values[] = {
    "text/plain",
    "text/plain; charset=utf-8",
    "text/plain; charset=\"iso-8859-1\"; format=flowed",
    "multipart/mixed; boundary=\"----=_Part_123_456.789\"",
    "multipart/alternative; boundary=b1_abc; charset=us-ascii",
    "attachment; filename=\"report 2020.pdf\"; size=1234",
    "inline; filename=\"=?utf-8?q?caf=C3=A9.txt?=\"",
    "text/plain; Charset=UTF-8; CHARSET=latin1",
    "application/x-y; name*=utf-8''caf%C3%A9",
    "text/plain; a=1; b=2; c=3; d=4; e=5; f=6; g=7; h=8; i=9",
    "text/plain;charset=utf-8;",
    "text/plain; charset=\"a\\\"b\"",
    "text/plain; (comment) charset=utf-8",
};

static void params_equal(const mime_params *a, const mime_params *b)
{
    assert_string_equal(a->value ? a->value : "", b->value ? b->value : "");
    assert_int_equal(a->len, b->len);
    for (size_t i = 0; i < a->len; i++) {
        assert_string_equal(a->items[i].name, b->items[i].name);
        assert_string_equal(a->items[i].value, b->items[i].value);
    }
}

static void params_same(const char *s, size_t len)
{
    mime_params fast, general;
    unsigned df = 0, dg = 0;
    assert_int_equal(mime_params_parse(s, len, &fast, &df),
                     mime_params_parse_general(s, len, &general, &dg));
    assert_int_equal(df, dg);
    params_equal(&fast, &general);
    mime_params_free(&fast);
    mime_params_free(&general);
}

static void params_fast_path_matches_general_on_values(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof param_values / sizeof param_values[0]; k++)
        params_same(param_values[k], strlen(param_values[k]));
}

static void params_fast_path_matches_general_with_any_byte_at_every_offset(void **state)
{
    (void)state;
    char buf[128];
    for (size_t k = 0; k < 6; k++) {
        size_t n = strlen(param_values[k]);
        for (size_t at = 0; at < n; at++)
            for (unsigned c = 0; c < 256; c++) {
                memcpy(buf, param_values[k], n);
                buf[at] = (char)c;
                params_same(buf, n);
            }
    }
}

static void params_lookup_ignores_case(void **state)
{
    (void)state;
    mime_params p;
    const char *v = param_values[2];
    assert_int_equal(mime_params_parse(v, strlen(v), &p, NULL), 0);
    assert_string_equal(mime_params_get(&p, "CHARSET"), "iso-8859-1");
    assert_string_equal(mime_params_get(&p, "Format"), "flowed");
    assert_null(mime_params_get(&p, "char"));
    assert_null(mime_params_get(&p, "\xe9"));
    mime_params_free(&p);
}

/* ---- message ids --------------------------------------------------------- */

static const char *const id_values[] = {
    "<a@b>",
    "<20200708101233.12345@mail.example.com>",
    "<one@example.com> <two@example.com>\t<three.four@example.org>",
    "<x@y>,<z@w>",
    "< spaced @ id >",
    "<unclosed@id",
    "<a@b> (comment <c@d>) <e@f>",
    "<caf\xc3\xa9@example.com>",
    "<latin\xe9@example.com>",
    "<>",
    "bare@id.example other@x",
};

static void ids_same(const char *s, size_t len)
{
    mime_id_list fast, general;
    unsigned df = 0, dg = 0;
    assert_int_equal(mime_id_list_parse(s, len, &fast, &df),
                     mime_id_list_parse_general(s, len, &general, &dg));
    assert_int_equal(df, dg);
    assert_int_equal(fast.len, general.len);
    for (size_t i = 0; i < fast.len; i++)
        assert_string_equal(fast.items[i], general.items[i]);
    mime_id_list_free(&fast);
    mime_id_list_free(&general);
}

static void ids_fast_path_matches_general_on_lists(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof id_values / sizeof id_values[0]; k++)
        ids_same(id_values[k], strlen(id_values[k]));
}

static void ids_fast_path_matches_general_with_any_byte_at_every_offset(void **state)
{
    (void)state;
    char buf[128];
    for (size_t k = 1; k < 3; k++) {
        size_t n = strlen(id_values[k]);
        for (size_t at = 0; at < n; at++)
            for (unsigned c = 0; c < 256; c++) {
                memcpy(buf, id_values[k], n);
                buf[at] = (char)c;
                ids_same(buf, n);
            }
    }
}

static void ids_of_every_length_are_found_whole(void **state)
{
    (void)state;
    char buf[200], want[96];
    for (size_t n = 1; n < 80; n++) {
        memset(want, 'x', n);
        want[n] = '\0';
        snprintf(buf, sizeof buf, "<%s> ", want);
        mime_id_list l;
        assert_int_equal(mime_id_list_parse(buf, n + 3, &l, NULL), 0);
        assert_int_equal(l.len, 1);
        assert_string_equal(l.items[0], want);
        mime_id_list_free(&l);
        ids_same(buf, n + 3);
    }
}

/* ---- dates --------------------------------------------------------------- */

static const char *const dates[] = {
    "Wed, 08 Jul 2020 10:12:33 GMT",         "Thu, 12 Apr 2018 09:25:24 -0000",
    "Mon, 3 Jul 2023 12:21:43 +0200",        "3 Jul 2023 12:21:43 -0730",
    "Fri, 29 Nov 2019 23:59:60 +0000 (PST)", "Sat, 29 Feb 2020 00:00:00 UT",
    "Sun, 30 Feb 2020 00:00:00 UTC",         "Tue, 01 Jan 1970 00:00:00 +2400",
    "Tue, 01 Jan 1970 00:00:00 +0060",       "Tue, 01 Jan 1970 00:00:00 +00000",
    "Tue, 01 Jan 1970 00:00 +0000",          "Tue, 01 Jan 1970 25:00:00 +0000",
    "Mar, 01 Jan 1970 01:00:00 +0000",       "Tue,01 Jan 1970 01:00:00 +0000",
    "Tue, 01 jan 1970 01:00:00 gmt",         "Tue, 01 Jan 1970 01:00:00 GMT (a (nested) comment)",
    "Tue, 01 Jan 1970 01:00:00.5 GMT",       "Tue, 01 Jan 70 01:00:00 GMT",
    "Tue, 01 Jan 1970 01:00:00 EST",         "Tue, 001 Jan 1970 01:00:00 GMT",
};

static void dates_same(const char *s, size_t len)
{
    time_t fast = 0, general = 0;
    int rf = mime_date_parse(s, len, &fast);
    int rg = mime_date_parse_general(s, len, &general);
    assert_int_equal(rf, rg);
    if (rf == 0)
        assert_int_equal((long long)fast, (long long)general);
}

static void date_fast_path_matches_general(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof dates / sizeof dates[0]; k++)
        for (size_t n = 0; n <= strlen(dates[k]); n++)
            dates_same(dates[k], n);
}

static void date_fast_path_matches_general_with_a_byte_changed_at_every_offset(void **state)
{
    (void)state;
    static const char bytes[] = " ,:+-()0159AJaGTUZ\t\xe9";
    char buf[96];
    for (size_t k = 0; k < 6; k++) {
        size_t n = strlen(dates[k]);
        for (size_t at = 0; at < n; at++)
            for (size_t c = 0; c < sizeof bytes - 1; c++) {
                memcpy(buf, dates[k], n);
                buf[at] = bytes[c];
                dates_same(buf, n);
            }
    }
}

static void date_common_form_gives_utc_seconds(void **state)
{
    (void)state;
    time_t t = 0;
    const char *s = "Wed, 08 Jul 2020 10:12:33 +0200";
    assert_int_equal(mime_date_parse(s, strlen(s), &t), 0);
    assert_int_equal((long long)t, 1594195953LL);
}

/* ---- byte pairs ---------------------------------------------------------- */

static void find_pair_matches_memmem(void **state)
{
    (void)state;
    char buf[64];
    for (size_t n = 0; n < 40; n++)
        for (size_t at = 0; at < 40; at++)
            for (int variant = 0; variant < 4; variant++) {
                memset(buf, 'x', n);
                if (at < n)
                    buf[at] = variant & 1 ? '?' : '=';
                if (at + 1 < n)
                    buf[at + 1] = variant & 2 ? '=' : '?';
                if (n > 2 && variant == 3)
                    buf[n - 1] = '?';
                assert_ptr_equal(mime_find_pair(buf, n, '?', '='), memmem(buf, n, "?=", 2));
                assert_ptr_equal(mime_find_pair(buf, n, '=', '?'), memmem(buf, n, "=?", 2));
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qp_whole_input_decodes_as_fed_bytewise),
        cmocka_unit_test(qp_escape_at_every_offset_decodes_as_fed_bytewise),
        cmocka_unit_test(qp_decodes_escapes_and_soft_breaks),
        cmocka_unit_test(params_fast_path_matches_general_on_values),
        cmocka_unit_test(params_fast_path_matches_general_with_any_byte_at_every_offset),
        cmocka_unit_test(params_lookup_ignores_case),
        cmocka_unit_test(ids_fast_path_matches_general_on_lists),
        cmocka_unit_test(ids_fast_path_matches_general_with_any_byte_at_every_offset),
        cmocka_unit_test(ids_of_every_length_are_found_whole),
        cmocka_unit_test(date_fast_path_matches_general),
        cmocka_unit_test(date_fast_path_matches_general_with_a_byte_changed_at_every_offset),
        cmocka_unit_test(date_common_form_gives_utc_seconds),
        cmocka_unit_test(find_pair_matches_memmem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
