/* mailto: URIs (RFC 6068): the RFC's own examples read and written, round
 * trips of UTF-8, line breaks and reserved characters, header injection
 * refused, and malformed URIs refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/mailto.h"

static envoi_mailto *m;
static envoi_error err;

static int teardown(void **state)
{
    (void)state;
    envoi_mailto_free(m);
    m = NULL;
    return 0;
}

static void parse_ok(const char *uri)
{
    envoi_mailto_free(m);
    m = NULL;
    memset(&err, 0, sizeof err);
    int rc = envoi_mailto_parse(uri, strlen(uri), &m, &err);
    if (rc != 0)
        fail_msg("parse %s: %d %s", uri, rc, err.text);
    assert_non_null(m);
}

/* Parse fails with code; err.text holds needle. */
static void parse_fails(const char *uri, size_t len, int code, const char *needle)
{
    envoi_mailto *got = (envoi_mailto *)1;
    memset(&err, 0, sizeof err);
    assert_int_equal(envoi_mailto_parse(uri, len, &got, &err), code);
    assert_null(got);
    assert_int_equal(err.code, code);
    if (!strstr(err.text, needle))
        fail_msg("error text \"%s\" lacks \"%s\"", err.text, needle);
}

/* The list holds exactly the addresses given (NULL-terminated). */
static void expect_list(envoi_mailto_list list, ...)
{
    va_list ap;
    va_start(ap, list);
    size_t n = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; n++) {
        const char *got = envoi_mailto_get(m, list, n);
        assert_non_null(got);
        assert_string_equal(got, want);
    }
    va_end(ap);
    assert_int_equal(envoi_mailto_count(m, list), n);
}

static void expect_header(size_t i, const char *name, const char *value)
{
    const char *n = NULL, *v = NULL;
    assert_int_equal(envoi_mailto_header(m, i, &n, &v), 0);
    assert_string_equal(n, name);
    assert_string_equal(v, value);
}

static void expect_build(const char *want)
{
    char *uri = NULL;
    assert_int_equal(envoi_mailto_build(m, &uri), 0);
    assert_string_equal(uri, want);
    free(uri);
}

static void fresh(void)
{
    envoi_mailto_free(m);
    m = envoi_mailto_new();
    assert_non_null(m);
}

/* RFC 6068 section 6.1: each URI and what it means. */
static void rfc_basic_examples_parse(void **state)
{
    (void)state;
    parse_ok("mailto:chris@example.com");
    expect_list(ENVOI_MAILTO_TO, "chris@example.com", NULL);
    assert_null(envoi_mailto_subject(m));
    assert_null(envoi_mailto_body(m));

    parse_ok("mailto:infobot@example.com?subject=current-issue");
    expect_list(ENVOI_MAILTO_TO, "infobot@example.com", NULL);
    assert_string_equal(envoi_mailto_subject(m), "current-issue");

    parse_ok("mailto:infobot@example.com?body=send%20current-issue");
    assert_string_equal(envoi_mailto_body(m), "send current-issue");

    parse_ok("mailto:infobot@example.com?body=send%20current-issue%0D%0Asend%20index");
    assert_string_equal(envoi_mailto_body(m), "send current-issue\r\nsend index");

    parse_ok("mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@example.com%3E");
    expect_list(ENVOI_MAILTO_TO, "list@example.org", NULL);
    assert_int_equal(envoi_mailto_header_count(m), 1);
    expect_header(0, "In-Reply-To", "<3469A91.D10AF4C@example.com>");

    parse_ok("mailto:majordomo@example.com?body=subscribe%20bamboo-l");
    assert_string_equal(envoi_mailto_body(m), "subscribe bamboo-l");

    parse_ok("mailto:joe@example.com?cc=bob@example.com&body=hello");
    expect_list(ENVOI_MAILTO_TO, "joe@example.com", NULL);
    expect_list(ENVOI_MAILTO_CC, "bob@example.com", NULL);
    assert_string_equal(envoi_mailto_body(m), "hello");

    parse_ok("mailto:gorby%25kremvax@example.com");
    expect_list(ENVOI_MAILTO_TO, "gorby%kremvax@example.com", NULL);

    parse_ok("mailto:unlikely%3Faddress@example.com?blat=foop");
    expect_list(ENVOI_MAILTO_TO, "unlikely?address@example.com", NULL);
    expect_header(0, "blat", "foop");

    parse_ok("mailto:Mike%26family@example.org");
    expect_list(ENVOI_MAILTO_TO, "Mike&family@example.org", NULL);
}

/* The same section's URIs, written from their fields, byte for byte. */
static void rfc_basic_examples_build(void **state)
{
    (void)state;
    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "infobot@example.com"), 0);
    assert_int_equal(envoi_mailto_set_body(m, "send current-issue\nsend index"), 0);
    expect_build("mailto:infobot@example.com?body=send%20current-issue%0D%0Asend%20index");

    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "list@example.org"), 0);
    assert_int_equal(envoi_mailto_add_header(m, "In-Reply-To", "<3469A91.D10AF4C@example.com>"), 0);
    expect_build("mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@example.com%3E");

    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "joe@example.com"), 0);
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_CC, "bob@example.com"), 0);
    assert_int_equal(envoi_mailto_set_body(m, "hello"), 0);
    expect_build("mailto:joe@example.com?cc=bob@example.com&body=hello");

    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "gorby%kremvax@example.com"), 0);
    expect_build("mailto:gorby%25kremvax@example.com");

    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "unlikely?address@example.com"), 0);
    assert_int_equal(envoi_mailto_add_header(m, "blat", "foop"), 0);
    expect_build("mailto:unlikely%3Faddress@example.com?blat=foop");

    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "Mike&family@example.org"), 0);
    expect_build("mailto:Mike%26family@example.org");
}

/* Section 6.1: three ways to write the same two recipients. */
static void rfc_two_recipients_three_ways(void **state)
{
    (void)state;
    const char *forms[] = {
        "mailto:addr1@an.example,addr2@an.example",
        "mailto:?to=addr1@an.example,addr2@an.example",
        "mailto:addr1@an.example?to=addr2@an.example",
    };
    for (size_t i = 0; i < 3; i++) {
        parse_ok(forms[i]);
        expect_list(ENVOI_MAILTO_TO, "addr1@an.example", "addr2@an.example", NULL);
    }
    expect_build("mailto:addr1@an.example,addr2@an.example");
}

/* Section 6.2: quoted local parts. */
static void rfc_complicated_addresses(void **state)
{
    (void)state;
    parse_ok("mailto:%22not%40me%22@example.org");
    expect_list(ENVOI_MAILTO_TO, "\"not@me\"@example.org", NULL);
    /* '@' may stay raw (section 2): the same address. */
    expect_build("mailto:%22not@me%22@example.org");

    parse_ok("mailto:%22oh%5C%5Cno%22@example.org");
    expect_list(ENVOI_MAILTO_TO, "\"oh\\\\no\"@example.org", NULL);
    expect_build("mailto:%22oh%5C%5Cno%22@example.org");

    const char *ugly = "mailto:%22%5C%5C%5C%22it's%5C%20ugly%5C%5C%5C%22%22@example.org";
    parse_ok(ugly);
    expect_list(ENVOI_MAILTO_TO, "\"\\\\\\\"it's\\ ugly\\\\\\\"\"@example.org", NULL);
    expect_build(ugly);
}

/* Section 6.3: UTF-8, percent-encoded; the domain stays UTF-8 too. */
static void rfc_utf8_examples(void **state)
{
    (void)state;
    parse_ok("mailto:user@example.org?subject=caf%C3%A9");
    assert_string_equal(envoi_mailto_subject(m), "caf\xc3\xa9");
    expect_build("mailto:user@example.org?subject=caf%C3%A9");

    parse_ok("mailto:user@example.org?subject=%3D%3Futf-8%3FQ%3Fcaf%3DC3%3DA9%3F%3D");
    assert_string_equal(envoi_mailto_subject(m), "=?utf-8?Q?caf=C3=A9?=");
    expect_build("mailto:user@example.org?subject=%3D%3Futf-8%3FQ%3Fcaf%3DC3%3DA9%3F%3D");

    parse_ok("mailto:user@example.org?subject=caf%C3%A9&body=caf%C3%A9");
    assert_string_equal(envoi_mailto_subject(m), "caf\xc3\xa9");
    assert_string_equal(envoi_mailto_body(m), "caf\xc3\xa9");

    const char *natto = "mailto:user@%E7%B4%8D%E8%B1%86.example.org?subject=Test&body=NATTO";
    parse_ok(natto);
    expect_list(ENVOI_MAILTO_TO, "user@\xe7\xb4\x8d\xe8\xb1\x86.example.org", NULL);
    assert_string_equal(envoi_mailto_subject(m), "Test");
    assert_string_equal(envoi_mailto_body(m), "NATTO");
    expect_build(natto);
}

/* Build, parse back: every field comes back as it went in. */
static void round_trip_utf8_reserved_line_breaks(void **state)
{
    (void)state;
    fresh();
    const char *subject = "Zoë & Chloé: 100% = \"sûr\"? #1 + a/b;c,d [x] {y} ~";
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "jörg@bücher.example"), 0);
    assert_int_equal(
        envoi_mailto_add(m, ENVOI_MAILTO_TO, "\"Doe, Jane\" <jane@example.org>, x@y.example"), 0);
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_CC, "a&b=c@example.org"), 0);
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_BCC, "\"a,b\"@example.org"), 0);
    assert_int_equal(envoi_mailto_set_subject(m, subject), 0);
    assert_int_equal(envoi_mailto_add_header(m, "X-Weird&Name=1", "v&w=x#y%z"), 0);
    assert_int_equal(envoi_mailto_set_body(m, "line 1\nline 2\rline 3\r\n\nend & more=%"), 0);
    char *uri = NULL;
    assert_int_equal(envoi_mailto_build(m, &uri), 0);
    /* Nothing that would end a value is left raw inside one. */
    assert_null(strchr(uri, '#'));
    assert_null(strchr(uri, ' '));
    assert_null(strchr(uri, '\n'));
    assert_non_null(strstr(uri, "line%201%0D%0Aline%202%0D%0Aline%203%0D%0A%0D%0Aend"));
    assert_non_null(strstr(uri, "j%C3%B6rg@b%C3%BCcher.example"));
    parse_ok(uri);
    free(uri);
    expect_list(ENVOI_MAILTO_TO, "jörg@bücher.example", "\"Doe, Jane\" <jane@example.org>",
                "x@y.example", NULL);
    expect_list(ENVOI_MAILTO_CC, "a&b=c@example.org", NULL);
    expect_list(ENVOI_MAILTO_BCC, "\"a,b\"@example.org", NULL);
    assert_string_equal(envoi_mailto_subject(m), subject);
    assert_int_equal(envoi_mailto_header_count(m), 1);
    expect_header(0, "X-Weird&Name=1", "v&w=x#y%z");
    assert_string_equal(envoi_mailto_body(m), "line 1\r\nline 2\r\nline 3\r\n\r\nend & more=%");
}

static void names_any_case_lists_joined_plus_is_plus(void **state)
{
    (void)state;
    parse_ok("MAILTO:a@x.example?TO=b@x.example&Cc=c@x.example&cC=d@x.example,%20e@x.example"
             "&BCC=f@x.example&SUBJECT=a+b&Body=1+1");
    expect_list(ENVOI_MAILTO_TO, "a@x.example", "b@x.example", NULL);
    expect_list(ENVOI_MAILTO_CC, "c@x.example", "d@x.example", "e@x.example", NULL);
    expect_list(ENVOI_MAILTO_BCC, "f@x.example", NULL);
    assert_string_equal(envoi_mailto_subject(m), "a+b");
    assert_string_equal(envoi_mailto_body(m), "1+1");
    assert_int_equal(envoi_mailto_header_count(m), 0);
}

static void unknown_and_dangerous_fields_kept(void **state)
{
    (void)state;
    parse_ok("mailto:a@x.example?from=evil@x.example&keywords=k1,k2&subject=s1&subject=s2"
             "&&x-empty&body=b1&body=b2");
    assert_int_equal(envoi_mailto_header_count(m), 3);
    expect_header(0, "from", "evil@x.example");
    expect_header(1, "keywords", "k1,k2");
    expect_header(2, "x-empty", "");
    assert_string_equal(envoi_mailto_subject(m), "s2");
    assert_string_equal(envoi_mailto_body(m), "b2");
    const char *name;
    assert_int_equal(envoi_mailto_header(m, 3, &name, NULL), ENVOI_ENOTFOUND);
}

static void empty_uri_and_empty_to(void **state)
{
    (void)state;
    parse_ok("mailto:");
    expect_list(ENVOI_MAILTO_TO, NULL);
    expect_build("mailto:");
    parse_ok("mailto:?to=&subject=hi");
    expect_list(ENVOI_MAILTO_TO, NULL);
    expect_build("mailto:?subject=hi");
    parse_ok("mailto:a@x.example?subject=&body=");
    assert_string_equal(envoi_mailto_subject(m), "");
    assert_string_equal(envoi_mailto_body(m), "");
    expect_build("mailto:a@x.example?subject=&body=");
}

static void line_breaks_refused_outside_body(void **state)
{
    (void)state;
    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "a@x.example\r\nBcc: v@x.example"),
                     ENVOI_EHEADER);
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_CC, "a@x.example\n"), ENVOI_EHEADER);
    assert_int_equal(envoi_mailto_set_subject(m, "hi\rthere"), ENVOI_EHEADER);
    assert_int_equal(envoi_mailto_add_header(m, "In-Reply-To", "<a@b>\nBcc: v"), ENVOI_EHEADER);
    assert_int_equal(envoi_mailto_add_header(m, "X-A\nB", "v"), ENVOI_EHEADER);
    assert_int_equal(envoi_mailto_add_header(m, "subject", "a\nb"), ENVOI_EHEADER);
    assert_int_equal(envoi_mailto_add_header(m, "body", "a\nb"), 0);
    assert_int_equal(envoi_mailto_count(m, ENVOI_MAILTO_TO), 0);
    assert_null(envoi_mailto_subject(m));
    assert_int_equal(envoi_mailto_header_count(m), 0);

    const char *bad[] = {
        "mailto:a@x.example?subject=hi%0D%0ABcc:%20v@x.example",
        "mailto:a@x.example%0ABcc:v@x.example",
        "mailto:?cc=a@x.example%0D",
        "mailto:?in-reply-to=%3Ca@b%3E%0Abcc:v",
        "mailto:?x%0Ay=1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_fails(bad[i], strlen(bad[i]), ENVOI_EHEADER, "line break");
}

static void malformed_uris_refused_with_reason(void **state)
{
    (void)state;
    parse_fails("mailto:a@x.example?subject=50%", 30, ENVOI_EINVAL, "percent escape");
    parse_fails("mailto:a@x.example?subject=%4", 29, ENVOI_EINVAL, "percent escape");
    parse_fails("mailto:a%zz@x.example", 21, ENVOI_EINVAL, "offset 8");
    parse_fails("mailto:a@x.example?body=a%00b", 29, ENVOI_EINVAL, "%00");
    parse_fails("mailto:a@x.example?subject=%FF", 30, ENVOI_EINVAL, "UTF-8");
    parse_fails("mailto:a@x.example?subject=%C3", 30, ENVOI_EINVAL, "UTF-8");
    parse_fails("http://example.org/", 19, ENVOI_EINVAL, "mailto:");
    parse_fails("mail", 4, ENVOI_EINVAL, "mailto:");
    parse_fails("mailto:a@x.example#frag", 23, ENVOI_EINVAL, "#");
    parse_fails("mailto:a@x.example?subject=a\tb", 30, ENVOI_EINVAL, "control");
    parse_fails("mailto:a@x.example?=value", 25, ENVOI_EINVAL, "no name");
    parse_fails("mailto:?a%20b=1", 15, ENVOI_EINVAL, "header field name");
    parse_fails("mailto:a\0b", 10, ENVOI_EINVAL, "NUL");

    size_t big = ENVOI_MAILTO_MAX_LEN + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memcpy(huge, "mailto:", 7);
    memset(huge + 7, 'a', big - 7);
    parse_fails(huge, big, ENVOI_EINVAL, "longer");
    free(huge);
}

/* RFC 5322 has no control characters in a header field; a body may. */
static void control_characters_only_in_body(void **state)
{
    (void)state;
    parse_fails("mailto:a@x.example?subject=%1B%5B31mred", 39, ENVOI_EINVAL, "control characters");
    parse_fails("mailto:a%07@x.example", 21, ENVOI_EINVAL, "a to address");
    parse_ok("mailto:a@x.example?subject=a%09b&body=%1B%07%09x");
    assert_string_equal(envoi_mailto_subject(m), "a\tb");
    assert_string_equal(envoi_mailto_body(m), "\x1b\x07\tx");
    expect_build("mailto:a@x.example?subject=a%09b&body=%1B%07%09x");
    fresh();
    assert_int_equal(envoi_mailto_set_subject(m, "\x1b[2J"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_BCC, "a\x7f@x.example"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_add_header(m, "X-A", "\x01"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_set_body(m, "\x1b[2J\f"), 0);
}

static void setters_refuse_bad_text(void **state)
{
    (void)state;
    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, ""), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, " , ,"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO, "\xff@x.example"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_set_subject(m, "caf\xe9"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_set_body(m, "\xc3"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_add_header(m, "", "v"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_add_header(m, "A:B", "v"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_add_header(m, "A B", "v"), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_set_subject(m, "x"), 0);
    assert_int_equal(envoi_mailto_set_subject(m, NULL), 0);
    assert_null(envoi_mailto_subject(m));
    expect_build("mailto:");
}

/* Commas inside quotes or angle brackets do not split; spaces trimmed. */
static void address_lists_split_like_headers(void **state)
{
    (void)state;
    fresh();
    assert_int_equal(envoi_mailto_add(m, ENVOI_MAILTO_TO,
                                      " a@x.example ,\"Doe, J\" <j@x.example>,<odd,one@x>, "),
                     0);
    expect_list(ENVOI_MAILTO_TO, "a@x.example", "\"Doe, J\" <j@x.example>", "<odd,one@x>", NULL);
    /* The plain address takes the path, the others a to= each. */
    expect_build("mailto:a@x.example?to=%22Doe%2C%20J%22%20%3Cj@x.example%3E"
                 "&to=%3Codd%2Cone@x%3E");
}

static void open_without_xdg_open_says_so(void **state)
{
    (void)state;
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent-envoi-dir", 1);
    memset(&err, 0, sizeof err);
    int rc = envoi_mailto_open("mailto:a@x.example", &err);
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    }
    assert_int_equal(rc, ENVOI_EUNSUPPORTED);
    assert_non_null(strstr(err.text, "xdg-open"));
    assert_non_null(strstr(err.text, "no mail program"));
    assert_int_equal(envoi_mailto_open("https://example.org/", &err), ENVOI_EINVAL);
    assert_int_equal(envoi_mailto_open("mailto:a@x.example?subject=%0A", &err), ENVOI_EHEADER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(rfc_basic_examples_parse, teardown),
        cmocka_unit_test_teardown(rfc_basic_examples_build, teardown),
        cmocka_unit_test_teardown(rfc_two_recipients_three_ways, teardown),
        cmocka_unit_test_teardown(rfc_complicated_addresses, teardown),
        cmocka_unit_test_teardown(rfc_utf8_examples, teardown),
        cmocka_unit_test_teardown(round_trip_utf8_reserved_line_breaks, teardown),
        cmocka_unit_test_teardown(names_any_case_lists_joined_plus_is_plus, teardown),
        cmocka_unit_test_teardown(unknown_and_dangerous_fields_kept, teardown),
        cmocka_unit_test_teardown(empty_uri_and_empty_to, teardown),
        cmocka_unit_test_teardown(line_breaks_refused_outside_body, teardown),
        cmocka_unit_test_teardown(malformed_uris_refused_with_reason, teardown),
        cmocka_unit_test_teardown(control_characters_only_in_body, teardown),
        cmocka_unit_test_teardown(setters_refuse_bad_text, teardown),
        cmocka_unit_test_teardown(address_lists_split_like_headers, teardown),
        cmocka_unit_test_teardown(open_without_xdg_open_says_so, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
