/* BODYSTRUCTURE flattened into parts: section numbers through nested
 * multiparts and message/rfc822, media types, parameters with RFC 2231 and
 * RFC 2047 file names, dispositions, sizes and lines, extension data
 * tolerated, malformed structures refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imap/response.h"

#define ENV "(NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL)"

static int read_bs(const char *bs, imap_body **parts, size_t *n)
{
    char s[8192];
    int len = snprintf(s, sizeof s, "* 9 FETCH (UID 4 BODYSTRUCTURE %s)\r\n", bs);
    imap_response r;
    envoi_error err = {0};
    assert_int_equal(imap_response_parse(s, (size_t)len, &r, &err), 0);
    const imap_value *v = imap_fetch_item(&r, "BODYSTRUCTURE");
    assert_non_null(v);
    int rc = imap_bodystructure_read(v, parts, n, &err);
    if (rc < 0)
        assert_non_null(strstr(err.text, "BODYSTRUCTURE"));
    imap_response_free(&r); /* the parts do not depend on the response */
    return rc;
}

static void nested_message_is_flattened_with_sections(void **state)
{
    (void)state;
    const char bs[] =
        "((("
        "\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 120 5 NIL NIL "
        "NIL NIL)("
        "\"text\" \"html\" (\"charset\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 300 10 NIL NIL "
        "NIL NIL) \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)("
        "\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 2000 " ENV " (("
        "\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 20 1 NIL NIL NIL NIL)("
        "\"image\" \"png\" (\"name\" \"a.png\") \"<img1@x>\" \"the logo\" \"base64\" 1000 NIL "
        "(\"inline\" (\"filename\" \"logo.png\")) NIL NIL) \"mixed\" (\"boundary\" \"b3\") NIL "
        "NIL NIL) 40 NIL NIL NIL NIL)("
        "\"application\" \"pdf\" (\"name\" \"=?utf-8?q?Gr=C3=BC=C3=9Fe.pdf?=\") NIL NIL "
        "\"base64\" 5000 NIL (\"attachment\" (\"filename*\" \"utf-8''Gr%C3%BC%C3%9Fe.pdf\" "
        "\"size\" \"3650\")) NIL NIL)("
        "\"message\" \"rfc822\" NIL NIL NIL \"8bit\" 300 " ENV " (\"text\" \"plain\" "
        "(\"charset\" \"iso-8859-1\") NIL NIL \"8bit\" 30 2 NIL NIL NIL NIL) 12 NIL NIL NIL NIL) "
        "\"mixed\" (\"boundary\" \"b1\") NIL (\"en\") NIL)";
    imap_body *p;
    size_t n;
    assert_int_equal(read_bs(bs, &p, &n), 0);
    assert_int_equal(n, 11);
    static const char *want[][3] = {
        {"", "multipart", "mixed"},  {"1", "multipart", "alternative"},
        {"1.1", "text", "plain"},    {"1.2", "text", "html"},
        {"2", "message", "rfc822"},  {"2.TEXT", "multipart", "mixed"},
        {"2.1", "text", "plain"},    {"2.2", "image", "png"},
        {"3", "application", "pdf"}, {"4", "message", "rfc822"},
        {"4.1", "text", "plain"},
    };
    static const size_t parents[] = {SIZE_MAX, 0, 1, 1, 0, 4, 5, 5, 0, 0, 9};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(p[i].section, want[i][0]);
        assert_string_equal(p[i].type, want[i][1]);
        assert_string_equal(p[i].subtype, want[i][2]);
        assert_int_equal(p[i].parent, parents[i]);
    }
    assert_string_equal(p[2].charset, "utf-8");
    assert_string_equal(p[2].encoding, "quoted-printable");
    assert_int_equal(p[2].size, 120);
    assert_int_equal(p[2].lines, 5);
    assert_null(p[2].name);
    assert_null(p[2].disposition);
    assert_string_equal(p[3].encoding, "quoted-printable");
    assert_string_equal(p[3].charset, "UTF-8");
    assert_int_equal(p[4].size, 2000);
    assert_int_equal(p[4].lines, 40);
    assert_string_equal(p[7].name, "logo.png"); /* the disposition's filename wins */
    assert_string_equal(p[7].disposition, "inline");
    assert_string_equal(p[7].id, "<img1@x>");
    assert_string_equal(p[7].description, "the logo");
    assert_string_equal(p[8].name, "Gr\xc3\xbc\xc3\x9f"
                                   "e.pdf");
    assert_string_equal(p[8].disposition, "attachment");
    assert_int_equal(p[8].size, 5000);
    assert_string_equal(p[10].charset, "iso-8859-1");
    assert_int_equal(p[9].lines, 12);
    assert_int_equal(p[10].lines, 2);
    free(p);
}

static void a_single_part_message_is_part_one(void **state)
{
    (void)state;
    imap_body *p;
    size_t n;
    assert_int_equal(read_bs("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" "
                             "3028 92)",
                             &p, &n),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].section, "1");
    assert_string_equal(p[0].type, "text");
    assert_string_equal(p[0].subtype, "plain");
    assert_string_equal(p[0].charset, "US-ASCII");
    assert_string_equal(p[0].encoding, "7bit");
    assert_int_equal(p[0].size, 3028);
    assert_int_equal(p[0].lines, 92);
    assert_int_equal(p[0].parent, SIZE_MAX);
    free(p);
}

static void rfc2231_continuations_and_name_parameters_are_decoded(void **state)
{
    (void)state;
    imap_body *p;
    size_t n;
    assert_int_equal(
        read_bs("((\"application\" \"octet-stream\" (\"name\" \"fallback.bin\") NIL NIL "
                "\"base64\" 10 NIL (\"attachment\" (\"filename*0*\" \"utf-8''%E2%82%AC%20\" "
                "\"filename*1\" \"rate \\\"q\\\".txt\")) NIL NIL)(\"application\" \"zip\" "
                "(\"name\" \"plain name.zip\") NIL NIL \"base64\" 20 NIL NIL NIL NIL)(\"audio\" "
                "\"ogg\" (\"NAME*\" \"iso-8859-1'de'%E4.ogg\") NIL NIL \"base64\" 30) \"mixed\")",
                &p, &n),
        0);
    assert_int_equal(n, 4);
    assert_string_equal(p[1].name, "\xe2\x82\xac rate \"q\".txt");
    assert_string_equal(p[2].name, "plain name.zip");
    assert_null(p[2].disposition);
    assert_string_equal(p[3].name, "\xc3\xa4.ogg");
    assert_int_equal(p[3].size, 30);
    free(p);
}

static void malformed_extension_data_is_skipped(void **state)
{
    (void)state;
    imap_body *p;
    size_t n;
    /* md5 as a list, disposition as a string, parameters of odd count. */
    assert_int_equal(read_bs("((\"text\" \"plain\" (\"charset\") NIL NIL \"7bit\" 1 1 (\"x\") "
                             "\"attachment\" NIL NIL (1 (2))) (\"text\" \"plain\" NIL NIL NIL "
                             "\"7bit\" 1 1 NIL (\"inline\" NIL))\"mixed\" 17 18 NIL)",
                             &p, &n),
                     0);
    assert_int_equal(n, 3);
    assert_null(p[1].charset);
    assert_null(p[1].disposition);
    assert_string_equal(p[2].disposition, "inline");
    assert_null(p[2].name);
    free(p);
}

static void malformed_structures_are_refused(void **state)
{
    (void)state;
    imap_body *p = (imap_body *)1;
    size_t n = 7;
    assert_int_equal(read_bs("(\"text\" \"plain\" NIL NIL NIL \"7bit\" \"big\" 1)", &p, &n),
                     ENVOI_EPROTOCOL);
    assert_null(p);
    assert_int_equal(n, 0);
    assert_int_equal(read_bs("(\"text\" \"plain\" NIL NIL NIL \"7bit\")", &p, &n), ENVOI_EPROTOCOL);
    assert_int_equal(read_bs("((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1))", &p, &n),
                     ENVOI_EPROTOCOL);
    assert_int_equal(read_bs("(NIL \"plain\" NIL NIL NIL \"7bit\" 1 1)", &p, &n), ENVOI_EPROTOCOL);
    assert_int_equal(read_bs("(\"text\" \"plain\" \"charset\" NIL NIL \"7bit\" 1 1)", &p, &n),
                     ENVOI_EPROTOCOL);
    assert_int_equal(read_bs("NIL", &p, &n), ENVOI_EPROTOCOL);
    assert_int_equal(read_bs("()", &p, &n), ENVOI_EPROTOCOL);
    assert_int_equal(read_bs("((()) \"mixed\")", &p, &n), ENVOI_EPROTOCOL);
    char type[200];
    snprintf(type, sizeof type, "(\"%070d\" \"plain\" NIL NIL NIL \"7bit\" 1 1)", 0);
    assert_int_equal(read_bs(type, &p, &n), ENVOI_EPROTOCOL);
}

static void deep_multiparts_stop_at_the_section_limit(void **state)
{
    (void)state;
    /* 40 nested multiparts: sections "1.1.1..." outgrow 63 bytes. */
    char s[4096];
    size_t len = 0;
    for (int i = 0; i < 40; i++)
        s[len++] = '(';
    len +=
        (size_t)snprintf(s + len, sizeof s - len, "\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)");
    for (int i = 0; i < 39; i++)
        len += (size_t)snprintf(s + len, sizeof s - len, " \"mixed\")");
    imap_body *p;
    size_t n;
    assert_int_equal(read_bs(s, &p, &n), ENVOI_EPROTOCOL);
    /* 20 levels fit. */
    len = 0;
    for (int i = 0; i < 20; i++)
        s[len++] = '(';
    len +=
        (size_t)snprintf(s + len, sizeof s - len, "\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)");
    for (int i = 0; i < 19; i++)
        len += (size_t)snprintf(s + len, sizeof s - len, " \"mixed\")");
    assert_int_equal(read_bs(s, &p, &n), 0);
    assert_int_equal(n, 20);
    assert_string_equal(p[19].section, "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nested_message_is_flattened_with_sections),
        cmocka_unit_test(a_single_part_message_is_part_one),
        cmocka_unit_test(rfc2231_continuations_and_name_parameters_are_decoded),
        cmocka_unit_test(malformed_extension_data_is_skipped),
        cmocka_unit_test(malformed_structures_are_refused),
        cmocka_unit_test(deep_multiparts_stop_at_the_section_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
