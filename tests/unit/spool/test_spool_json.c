/* The spool's reader of envoid's JSON answers: members found by name at the
 * top level only, nested values skipped, strings decoded (escapes, \u
 * surrogate pairs) and cut at a character boundary, times and counts read,
 * malformed text refused without reading past its end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envoi/error.h"
#include "spool/spool_json.h"

static int member(const char *text, const char *key, spool_json_value *v)
{
    return spool_json_member(text, strlen(text), key, v);
}

static void top_level_members_are_found_and_nested_ones_skipped(void **state)
{
    (void)state;
    const char *text = "{\"recipients\":[{\"status\":\"failed\",\"x\":\"}]\"}],"
                       " \"history\" : {\"a\":[1,2,{\"b\":\"\\\"\"}]}, \"status\":\"sent\","
                       "\"attempts\":3,\"done\":null}";
    spool_json_value v;
    char out[32];
    assert_int_equal(member(text, "status", &v), 0);
    assert_int_equal(v.type, SPOOL_JSON_STRING);
    assert_int_equal(spool_json_string(&v, out, sizeof out), 0);
    assert_string_equal(out, "sent");
    uint64_t n = 0;
    assert_int_equal(member(text, "attempts", &v), 0);
    assert_int_equal(spool_json_uint(&v, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(member(text, "history", &v), 0);
    assert_int_equal(v.type, SPOOL_JSON_NESTED);
    assert_int_equal(member(text, "b", &v), ENVOI_ENOTFOUND);
    assert_int_equal(member(text, "missing", &v), ENVOI_ENOTFOUND);
    int64_t ms = 1;
    assert_int_equal(member(text, "done", &v), 0);
    assert_int_equal(spool_json_time(&v, &ms), 0);
    assert_int_equal(ms, 0);
}

static void strings_are_decoded(void **state)
{
    (void)state;
    spool_json_value v;
    char out[64];
    assert_int_equal(member("{\"r\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\u20ac\\ud83d\\ude00\"}", "r", &v),
                     0);
    assert_int_equal(spool_json_string(&v, out, sizeof out), 0);
    assert_string_equal(out, "a\"b\\c/d\n\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    /* A lone surrogate or a bad escape does not end the text. */
    assert_int_equal(member("{\"r\":\"x\\ud800y\\uzzzz\"}", "r", &v), 0);
    assert_int_equal(spool_json_string(&v, out, sizeof out), 0);
    assert_string_equal(out, "x\xef\xbf\xbdy?zzzz");
}

static void long_strings_are_cut_at_a_character_boundary(void **state)
{
    (void)state;
    spool_json_value v;
    char out[6];
    /* "abc" then a 3-byte character: only "abc" fits with its NUL. */
    assert_int_equal(member("{\"r\":\"abc\\u20acd\"}", "r", &v), 0);
    assert_int_equal(spool_json_string(&v, out, sizeof out), 0);
    assert_string_equal(out, "abc");
    /* The same character raw (UTF-8 bytes in the text). */
    assert_int_equal(member("{\"r\":\"abcd\xe2\x82\xac\"}", "r", &v), 0);
    assert_int_equal(spool_json_string(&v, out, sizeof out), 0);
    assert_string_equal(out, "abcd");
}

static void times_are_read_as_unix_milliseconds(void **state)
{
    (void)state;
    spool_json_value v;
    int64_t ms = 0;
    assert_int_equal(member("{\"t\":\"2024-05-01T12:00:00.123Z\"}", "t", &v), 0);
    assert_int_equal(spool_json_time(&v, &ms), 0);
    assert_int_equal(ms, (int64_t)1714564800 * 1000 + 123);
    assert_int_equal(member("{\"t\":\"yesterday\"}", "t", &v), 0);
    assert_int_equal(spool_json_time(&v, &ms), ENVOI_EINVAL);
    assert_int_equal(member("{\"t\":-5}", "t", &v), 0);
    uint64_t n;
    assert_int_equal(spool_json_uint(&v, &n), ENVOI_EINVAL);
}

static void malformed_text_is_refused(void **state)
{
    (void)state;
    spool_json_value v;
    assert_int_equal(member("", "a", &v), ENVOI_EPROTOCOL);
    assert_int_equal(member("[1,2]", "a", &v), ENVOI_EPROTOCOL);
    assert_int_equal(member("{\"a\" 1}", "a", &v), ENVOI_EPROTOCOL);
    assert_int_equal(member("{\"b\":\"unterminated", "a", &v), ENVOI_EPROTOCOL);
    assert_int_equal(member("{\"b\":[1,2", "a", &v), ENVOI_EPROTOCOL);
    assert_int_equal(member("{\"b\":1 \"a\":2}", "a", &v), ENVOI_EPROTOCOL);
    assert_int_equal(member("{\"b\":", "a", &v), ENVOI_EPROTOCOL);
    /* The length bounds the reading, not a NUL. */
    const char text[] = {'{', '"', 'a', '"', ':', '"', 'x'};
    assert_int_equal(spool_json_member(text, sizeof text, "a", &v), ENVOI_EPROTOCOL);
    assert_int_equal(member("{}", "a", &v), ENVOI_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(top_level_members_are_found_and_nested_ones_skipped),
        cmocka_unit_test(strings_are_decoded),
        cmocka_unit_test(long_strings_are_cut_at_a_character_boundary),
        cmocka_unit_test(times_are_read_as_unix_milliseconds),
        cmocka_unit_test(malformed_text_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
