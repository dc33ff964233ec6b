/* Signed content made 7bit-safe: 8bit text leaves become quoted-printable,
 * other 8bit or long-line leaves base64, multipart structure, preamble and
 * 7bit parts kept byte for byte; bare LF read as CRLF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smime/smime_impl.h"

static char *seven_bit(const char *entity)
{
    envoi_buf e = ENVOI_BUF_INIT;
    assert_int_equal(smime_crlf(entity, strlen(entity), &e), 0);
    assert_int_equal(smime_make_7bit(&e), 0);
    for (size_t i = 0; i < e.len; i++)
        assert_true((unsigned char)e.data[i] < 0x80);
    return envoi_buf_steal(&e, NULL);
}

static void text_leaf_becomes_quoted_printable(void **state)
{
    (void)state;
    char *out = seven_bit("Content-Type: text/plain; charset=utf-8\n"
                          "Content-Transfer-Encoding: 8bit\n"
                          "\n"
                          "caf\xc3\xa9\n");
    assert_string_equal(out, "Content-Type: text/plain; charset=utf-8\r\n"
                             "Content-Transfer-Encoding: quoted-printable\r\n"
                             "\r\n"
                             "caf=C3=A9\r\n");
    free(out);
}

static void seven_bit_entity_is_unchanged(void **state)
{
    (void)state;
    const char *in = "Content-Type: text/plain\r\n\r\nplain ascii\r\n";
    char *out = seven_bit(in);
    assert_string_equal(out, in);
    free(out);
}

static void multipart_leaves_are_encoded_one_by_one(void **state)
{
    (void)state;
    char longline[1200];
    memset(longline, 'x', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    envoi_buf in = ENVOI_BUF_INIT;
    envoi_buf_printf(&in,
                     "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
                     "preamble\n"
                     "--b1\n"
                     "Content-Type: text/plain\n\n"
                     "ascii only\n"
                     "--b1\n"
                     "Content-Type: text/plain; charset=iso-8859-1\n\n"
                     "\xe9t\xe9\n"
                     "--b1\n"
                     "Content-Type: application/octet-stream\n\n"
                     "%s\n"
                     "--b1--\n"
                     "epilogue\n",
                     longline);
    char *out = seven_bit(in.data);
    assert_non_null(strstr(out, "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
                                "ascii only\r\n--b1\r\n"));
    assert_non_null(strstr(out, "charset=iso-8859-1\r\nContent-Transfer-Encoding: "
                                "quoted-printable\r\n\r\n=E9t=E9\r\n--b1\r\n"));
    assert_non_null(strstr(out, "application/octet-stream\r\nContent-Transfer-Encoding: "
                                "base64\r\n\r\neHh4"));
    assert_non_null(strstr(out, "\r\n--b1--\r\nepilogue\r\n"));
    free(out);
    envoi_buf_free(&in);
}

static void nested_message_is_walked(void **state)
{
    (void)state;
    char *out = seven_bit("Content-Type: message/rfc822\n\n"
                          "Subject: inner\n"
                          "Content-Type: text/plain; charset=utf-8\n\n"
                          "\xc3\xbc\n");
    assert_non_null(strstr(out, "Subject: inner\r\n"));
    assert_non_null(strstr(out, "quoted-printable\r\n\r\n=C3=BC\r\n"));
    free(out);
}

static void split_keeps_outer_fields_outside(void **state)
{
    (void)state;
    smime_split sp;
    const char *msg = "From: a@example.org\nMIME-Version: 1.0\nSubject: s\n"
                      "Content-Type: text/plain\n  ; charset=us-ascii\n\nbody\n";
    assert_int_equal(smime_split_message(msg, strlen(msg), &sp), 0);
    assert_string_equal(sp.outer.data, "From: a@example.org\r\nSubject: s\r\n");
    assert_string_equal(sp.content.data,
                        "Content-Type: text/plain\r\n  ; charset=us-ascii\r\n\r\nbody\r\n");
    smime_split_free(&sp);
    const char *bare = "Subject: no type\n\nb\xc3\xbc\n";
    assert_int_equal(smime_split_message(bare, strlen(bare), &sp), 0);
    assert_non_null(strstr(sp.content.data, "Content-Type: text/plain; charset=utf-8\r\n\r\n"));
    smime_split_free(&sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_leaf_becomes_quoted_printable),
        cmocka_unit_test(seven_bit_entity_is_unchanged),
        cmocka_unit_test(multipart_leaves_are_encoded_one_by_one),
        cmocka_unit_test(nested_message_is_walked),
        cmocka_unit_test(split_keeps_outer_fields_outside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
