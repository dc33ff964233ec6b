/* Malformed IMAP responses: each is refused with ENVOI_EPROTOCOL and a
 * message naming what is wrong, without reading past the data (every input
 * sits in a buffer of its own size), whatever the nesting or the sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imap/response.h"

static int parse_n(const char *s, size_t len, imap_response *r, envoi_error *err)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, s, len);
    int rc = imap_response_parse(copy, len, r, err);
    free(copy);
    return rc;
}

/* s is refused and the message contains why. */
static void refused_n(const char *s, size_t len, const char *why)
{
    imap_response r;
    envoi_error err = {0};
    assert_int_equal(parse_n(s, len, &r, &err), ENVOI_EPROTOCOL);
    assert_int_equal(err.code, ENVOI_EPROTOCOL);
    if (!strstr(err.text, why))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.text, why);
    assert_null(r.arena_);
    imap_response_free(&r);
}

#define REFUSED(lit, why) refused_n(lit, sizeof lit - 1, why)

static void unbalanced_parentheses_are_named(void **state)
{
    (void)state;
    REFUSED("* 1 FETCH (FLAGS (\\Seen)\r\n", "unbalanced parenthesis");
    REFUSED("* SEARCH 1 2)\r\n", "unbalanced parenthesis");
    REFUSED("* 1 FETCH (UID 5))\r\n", "unbalanced parenthesis");
    REFUSED("* LIST (\\Noselect \"/\" foo\r\n", "unbalanced parenthesis");
    REFUSED("* 1 FETCH (BODY[] {3}\r\nabc\r\n", "unbalanced parenthesis");
}

static void bad_quoted_strings_are_named(void **state)
{
    (void)state;
    REFUSED("* LIST () \"/\" \"a\\nb\"\r\n", "bad escape");
    REFUSED("* LIST () \"/\" \"abc\r\n", "quoted string not closed");
    REFUSED("* LIST () \"/\" \"abc\\\r\n", "lone backslash");
    REFUSED("* LIST () \"/\" \"a\0b\"\r\n", "NUL byte in a quoted string");
    REFUSED("* LIST () \"/\" \"abc", "quoted string not closed");
}

static void lying_literals_are_named(void **state)
{
    (void)state;
    REFUSED("* 1 FETCH (BODY[] {10}\r\nabc)\r\n", "literal size 10 larger than the data");
    REFUSED("* 1 FETCH (BODY[] {3}abc)\r\n", "not followed by the end of the line");
    REFUSED("* 1 FETCH (BODY[] {x}\r\nabc)\r\n", "no size after '{'");
    REFUSED("* 1 FETCH (BODY[] {3\r\nabc)\r\n", "no '}' after the size");
    REFUSED("* 1 FETCH (BODY[] {99999999999999999999999}\r\n)\r\n", "does not fit in 64 bits");
    REFUSED("* 1 FETCH (BODY[] {18446744073709551615}\r\nab)\r\n", "larger than the data");
}

static void nul_and_stray_bytes_are_named(void **state)
{
    (void)state;
    REFUSED("* FLAGS (\\Se\0en)\r\n", "NUL byte where a value should start");
    REFUSED("* OK text with \0 inside\r\n", "NUL byte in the response text");
    REFUSED("* SEARCH 1\r2\r\n", "CR not followed by LF");
    REFUSED("* SEARCH 1 \x01\r\n", "unexpected byte 0x01");
    REFUSED("* 1 FETCH (BODY[1.2 \"x\")\r\n", "not closed by ']'");
    REFUSED("* OK [ALERT text\r\n", "not closed by ']'");
    REFUSED("* OK [CAPABILITY IMAP4rev1 text\r\n", "not closed by ']'");
}

static void truncated_responses_are_refused(void **state)
{
    (void)state;
    REFUSED("", "empty response");
    REFUSED("* 1 FETCH (", "unbalanced parenthesis");
    REFUSED("*", "missing space after '*'");
    REFUSED("* 5", "missing space after the message number");
    REFUSED("* 5 ", "missing response name");
    REFUSED("A1", "missing space after the tag");
    REFUSED("A1 ", "missing status after the tag");
    /* Every prefix of a real response either parses or is refused. */
    const char s[] =
        "* 7 FETCH (UID 9 FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {18}\r\n"
        "Subject: hi\r\n\r\n\r\n ENVELOPE (NIL \"x\" ((\"A\" NIL \"a\" \"b\")) NIL NIL "
        "NIL NIL NIL NIL \"<id@x>\"))\r\n";
    for (size_t cut = 0; cut <= sizeof s - 1; cut++) {
        imap_response r;
        envoi_error err = {0};
        int rc = parse_n(s, cut, &r, &err);
        assert_true(rc == 0 || rc == ENVOI_EPROTOCOL);
        /* "* 7 FETCH" alone is a response; once '(' is open, only the whole is. */
        if (cut > 10)
            assert_int_equal(rc == 0, cut >= sizeof s - 3);
        imap_response_free(&r);
    }
}

static void bad_starts_and_ends_are_named(void **state)
{
    (void)state;
    REFUSED("A1 FOO bar\r\n", "tagged response with status \"FOO\"");
    REFUSED("A1 BYE bar\r\n", "tagged response with status \"BYE\"");
    REFUSED("(A1 OK\r\n", "not a tag");
    REFUSED("A1 OK fine\r\nA2 OK more\r\n", "data after the end of the response");
    REFUSED("* 1 EXISTS\r\n\r\n", "data after the end of the response");
    REFUSED("* FLAGS(\\Seen)\r\n", "missing space after the response name");
    REFUSED("Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa OK\r\n",
            "tag longer than 63 bytes");
    REFUSED("* XAVERYLONGRESPONSENAMETHATNEVERENDS 1\r\n", "longer than 31 bytes");
}

static void huge_numbers_are_refused(void **state)
{
    (void)state;
    REFUSED("* SEARCH 9223372036854775808\r\n", "does not fit in 63 bits");
    REFUSED("* SEARCH 99999999999999999999999999999999\r\n", "does not fit in 63 bits");
    REFUSED("* 9223372036854775808 EXISTS\r\n", "does not fit in 63 bits");
    imap_response r;
    envoi_error err;
    const char ok[] = "* SEARCH 9223372036854775807 0 007\r\n";
    assert_int_equal(parse_n(ok, sizeof ok - 1, &r, &err), 0);
    assert_int_equal(r.values[0].number, 9223372036854775807ull);
    assert_int_equal(r.values[2].number, 7);
    imap_response_free(&r);
}

static char *nested(size_t depth, size_t *len)
{
    char *s = malloc(depth * 2 + 16);
    size_t n = 0;
    memcpy(s, "* X ", 4);
    n = 4;
    memset(s + n, '(', depth);
    n += depth;
    memset(s + n, ')', depth);
    n += depth;
    memcpy(s + n, "\r\n", 2);
    *len = n + 2;
    return s;
}

static void deep_nesting_is_bounded(void **state)
{
    (void)state;
    size_t len;
    char *s = nested(IMAP_MAX_DEPTH, &len);
    imap_response r;
    envoi_error err = {0};
    assert_int_equal(parse_n(s, len, &r, &err), 0);
    const imap_value *v = &r.values[0];
    for (int d = 1; d < IMAP_MAX_DEPTH; d++)
        v = &v->items[0];
    assert_int_equal(v->kind, IMAP_LIST);
    assert_int_equal(v->count, 0);
    imap_response_free(&r);
    free(s);
    s = nested(IMAP_MAX_DEPTH + 1, &len);
    refused_n(s, len, "nested deeper than 64");
    free(s);
    s = nested(100000, &len);
    refused_n(s, len, "nested deeper than 64");
    free(s);
}

static void random_bytes_never_crash(void **state)
{
    (void)state;
    /* Responses with random bytes substituted: parse or refuse, nothing else. */
    const char base[] = "* 3 FETCH (UID 12 FLAGS (\\Seen \\*) BODY[1.2]<0> {4}\r\nab\r\n "
                        "ENVELOPE (\"d\" NIL NIL NIL NIL NIL NIL NIL NIL NIL) X \"q\\\"\")\r\n";
    unsigned seed = 12345;
    char buf[sizeof base];
    static const char alphabet[] = "()[]{}\"\\ \r\n0123456789+~*%\0aZ";
    for (int round = 0; round < 20000; round++) {
        memcpy(buf, base, sizeof base);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245 + 12345;
            size_t at = (seed >> 8) % (sizeof base - 1);
            seed = seed * 1103515245 + 12345;
            buf[at] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
        }
        imap_response r;
        envoi_error err = {0};
        int rc = parse_n(buf, sizeof base - 1, &r, &err);
        assert_true(rc == 0 || rc == ENVOI_EPROTOCOL);
        if (rc < 0)
            assert_true(strlen(err.text) > 0);
        imap_response_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unbalanced_parentheses_are_named),
        cmocka_unit_test(bad_quoted_strings_are_named),
        cmocka_unit_test(lying_literals_are_named),
        cmocka_unit_test(nul_and_stray_bytes_are_named),
        cmocka_unit_test(truncated_responses_are_refused),
        cmocka_unit_test(bad_starts_and_ends_are_named),
        cmocka_unit_test(huge_numbers_are_refused),
        cmocka_unit_test(deep_nesting_is_bounded),
        cmocka_unit_test(random_bytes_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
