/* Modified UTF-7 mailbox names (RFC 3501 5.1.3): decoding to UTF-8 and
 * encoding back, the "&-" escape, surrogate pairs, names already in UTF-8,
 * and the invalid forms that are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imap/response.h"

static void decodes_to(const char *in, const char *want)
{
    char *out = NULL;
    assert_int_equal(imap_mutf7_decode(in, strlen(in), &out), 0);
    assert_string_equal(out, want);
    free(out);
}

static void encodes_to(const char *in, const char *want)
{
    char *out = NULL;
    assert_int_equal(imap_mutf7_encode(in, strlen(in), &out), 0);
    assert_string_equal(out, want);
    free(out);
}

static void refused(const char *in, size_t len)
{
    char *out = (char *)1;
    assert_int_equal(imap_mutf7_decode(in, len, &out), ENVOI_EPROTOCOL);
    assert_null(out);
}

static void names_decode_and_encode_both_ways(void **state)
{
    (void)state;
    static const char *pairs[][2] = {
        {"Entw&APw-rfe", "Entw\xc3\xbc"
                         "rfe"},
        {"&U,BTFw-", "\xe5\x8f\xb0\xe5\x8c\x97"},
        {"~peter/mail/&U,BTFw-/&ZeVnLIqe-",
         "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"},
        {"Gel&APY-schte Elemente", "Gel\xc3\xb6schte Elemente"},
        {"&BB8EQAQ4BDsEPgQ2BDUEPQQ4BE8-",
         "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xbb\xd0\xbe\xd0\xb6\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f"},
        {"&AOQA9g-", "\xc3\xa4\xc3\xb6"},
        {"INBOX", "INBOX"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        decodes_to(pairs[i][0], pairs[i][1]);
        encodes_to(pairs[i][1], pairs[i][0]);
    }
}

static void long_runs_of_three_byte_characters_decode_whole(void **state)
{
    (void)state;
    /* 3 UTF-8 bytes for every 8/3 base64 digits: more bytes out than in. */
    char utf8[3 * 300 + 1], *enc = NULL, *dec = NULL;
    for (int i = 0; i < 300; i++)
        memcpy(utf8 + 3 * i, "\xe6\x97\xa5", 3);
    utf8[900] = '\0';
    assert_int_equal(imap_mutf7_encode(utf8, 900, &enc), 0);
    assert_true(strlen(enc) < 900);
    assert_int_equal(imap_mutf7_decode(enc, strlen(enc), &dec), 0);
    assert_string_equal(dec, utf8);
    free(enc);
    free(dec);
}

static void ampersand_is_written_as_amp_dash(void **state)
{
    (void)state;
    decodes_to("&-", "&");
    decodes_to("a&-b&-&-", "a&b&&");
    encodes_to("R&D", "R&-D");
    encodes_to("&\xc3\xa4&", "&-&AOQ-&-");
    decodes_to("&-&AOQ-&-", "&\xc3\xa4&");
}

static void astral_characters_use_surrogate_pairs(void **state)
{
    (void)state;
    encodes_to("\xf0\x9f\x98\x80", "&2D3eAA-");
    decodes_to("&2D3eAA-", "\xf0\x9f\x98\x80");
    encodes_to("x\xf0\x9f\x98\x80\xc3\xa4y", "x&2D3eAADk-y");
    decodes_to("x&2D3eAADk-y", "x\xf0\x9f\x98\x80\xc3\xa4y");
}

static void control_characters_are_encoded(void **state)
{
    (void)state;
    encodes_to("a\tb", "a&AAk-b");
    decodes_to("a&AAk-b", "a\tb");
}

static void names_already_in_utf8_are_kept(void **state)
{
    (void)state;
    decodes_to("Entw\xc3\xbc"
               "rfe",
               "Entw\xc3\xbc"
               "rfe");
    decodes_to("\xe5\x8f\xb0&x", "\xe5\x8f\xb0&x");
    refused("Entw\xfcrfe", 8); /* Latin-1, not UTF-8 */
    refused("\xc0\xaf", 2);    /* overlong */
}

static void invalid_modified_utf7_is_refused(void **state)
{
    (void)state;
    refused("&AOQ", 4);        /* no closing '-' */
    refused("&AGE-", 5);       /* 'a' must be written as itself */
    refused("&ACY-", 5);       /* '&' must be "&-" */
    refused("&2D0-", 5);       /* lone high surrogate */
    refused("&3gA-", 5);       /* lone low surrogate */
    refused("&2D3YPQ-", 8);    /* high surrogate followed by another high */
    refused("&AOQ-&APY-", 10); /* two runs in a row should be one */
    refused("&AOR-", 5);       /* leftover bits not zero */
    refused("&AOQA-", 6);      /* a whole base64 digit left over */
    refused("&AO/k-", 6);      /* '/' is not the modified alphabet */
    refused("&AO=-", 5);       /* padding */
    refused("&AAA-", 5);       /* U+0000 */
    refused("a\tb", 3);        /* control characters are not direct */
    refused("a\0b", 3);
    refused("x\x7f", 2);
}

static void invalid_utf8_is_not_encoded(void **state)
{
    (void)state;
    char *out = (char *)1;
    assert_int_equal(imap_mutf7_encode("\xff", 1, &out), ENVOI_EINVAL);
    assert_null(out);
    assert_int_equal(imap_mutf7_encode("\xc3", 1, &out), ENVOI_EINVAL);
    assert_int_equal(imap_mutf7_encode("\xed\xa0\x80", 3, &out), ENVOI_EINVAL); /* surrogate */
    assert_int_equal(imap_mutf7_encode("\xf4\x90\x80\x80", 4, &out), ENVOI_EINVAL);
    assert_int_equal(imap_mutf7_encode("a\0b", 3, &out), ENVOI_EINVAL);
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static void every_kind_of_character_survives_a_round_trip(void **state)
{
    (void)state;
    /* Strings of 1 to 4 characters spread over the whole code space, mixed
     * with ASCII, so every bit alignment of a base64 run is exercised. */
    for (unsigned cp = 1; cp < 0x110000; cp += 251) {
        if (cp >= 0xd800 && cp <= 0xdfff)
            continue;
        char s[32];
        size_t len = 0;
        for (unsigned k = 0; k < 1 + cp % 4; k++) {
            unsigned c = (cp + k * 7919) % 0x110000;
            if (c == 0 || (c >= 0xd800 && c <= 0xdfff))
                c = 0xe000 + k;
            len += put_utf8(s + len, k == 2 ? 'a' + cp % 26 : c);
        }
        char *enc = NULL, *dec = NULL;
        assert_int_equal(imap_mutf7_encode(s, len, &enc), 0);
        for (const char *p = enc; *p; p++)
            assert_true(*p >= 0x20 && *p < 0x7f);
        assert_int_equal(imap_mutf7_decode(enc, strlen(enc), &dec), 0);
        assert_int_equal(strlen(dec), len);
        assert_memory_equal(dec, s, len);
        free(enc);
        free(dec);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_decode_and_encode_both_ways),
        cmocka_unit_test(long_runs_of_three_byte_characters_decode_whole),
        cmocka_unit_test(ampersand_is_written_as_amp_dash),
        cmocka_unit_test(astral_characters_use_surrogate_pairs),
        cmocka_unit_test(control_characters_are_encoded),
        cmocka_unit_test(names_already_in_utf8_are_kept),
        cmocka_unit_test(invalid_modified_utf7_is_refused),
        cmocka_unit_test(invalid_utf8_is_not_encoded),
        cmocka_unit_test(every_kind_of_character_survives_a_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
