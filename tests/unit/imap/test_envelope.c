/* ENVELOPE of FETCH responses: the ten fields, address lists with RFC 3501
 * group markers, display names, group names and subjects decoded from
 * RFC 2047, and the shapes that are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imap/response.h"

/* The ENVELOPE item of "* 1 FETCH (ENVELOPE <env>)". */
static void read_env(const char *env, imap_response *r, imap_envelope *e, int want)
{
    char s[4096];
    int n = snprintf(s, sizeof s, "* 1 FETCH (ENVELOPE %s)\r\n", env);
    envoi_error err = {0};
    assert_int_equal(imap_response_parse(s, (size_t)n, r, &err), 0);
    const imap_value *v = imap_fetch_item(r, "ENVELOPE");
    assert_non_null(v);
    assert_int_equal(imap_envelope_read(v, e, &err), want);
    if (want < 0)
        assert_non_null(strstr(err.text, "ENVELOPE"));
}

static void the_rfc_3501_example_is_read(void **state)
{
    (void)state;
    imap_response r;
    imap_envelope e;
    read_env("(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
             "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
             "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
             "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
             "((NIL NIL \"imap\" \"cac.washington.edu\")) "
             "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" "
             "\"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\")",
             &r, &e, 0);
    assert_string_equal(e.date, "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)");
    assert_string_equal(e.subject, "IMAP4rev1 WG mtg summary and minutes");
    assert_int_equal(e.nfrom, 1);
    assert_string_equal(e.from[0].name, "Terry Gray");
    assert_string_equal(e.from[0].mailbox, "gray");
    assert_string_equal(e.from[0].host, "cac.washington.edu");
    assert_int_equal(e.nto, 1);
    assert_null(e.to[0].name);
    assert_int_equal(e.ncc, 2);
    assert_string_equal(e.cc[1].name, "John Klensin");
    assert_int_equal(e.nbcc, 0);
    assert_null(e.bcc);
    assert_null(e.in_reply_to);
    assert_string_equal(e.message_id, "<B27397-0100000@cac.washington.edu>");
    imap_envelope_free(&e);
    imap_envelope_free(&e);
    imap_response_free(&r);
}

static void groups_are_start_and_end_markers(void **state)
{
    (void)state;
    imap_response r;
    imap_envelope e;
    read_env("(NIL \"x\" NIL NIL NIL ((NIL NIL \"=?utf-8?q?Gr=C3=BCppe?=\" NIL)"
             "(\"Ann\" NIL \"ann\" \"example.org\")(NIL NIL NIL NIL)"
             "(NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL)",
             &r, &e, 0);
    assert_int_equal(e.nto, 5);
    assert_string_equal(e.to[0].mailbox, "Gr\xc3\xbcppe");
    assert_null(e.to[0].host);
    assert_string_equal(e.to[1].mailbox, "ann");
    assert_null(e.to[2].mailbox);
    assert_null(e.to[2].host);
    assert_string_equal(e.to[3].mailbox, "undisclosed-recipients");
    assert_null(e.to[4].mailbox);
    assert_null(e.date);
    imap_envelope_free(&e);
    imap_response_free(&r);
}

static void encoded_words_are_decoded_to_utf8(void **state)
{
    (void)state;
    imap_response r;
    imap_envelope e;
    read_env("(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"=?UTF-8?B?R3LDvMOfZQ==?= =?UTF-8?Q?_aus?= "
             "Berlin\" ((\"=?ISO-8859-1?Q?Andr=E9?= Pirard\" NIL \"PIRARD\" "
             "\"vm1.ulg.ac.be\")) NIL NIL ((\"Keld =?ISO-8859-1?Q?J=F8rn?= Simonsen\" NIL "
             "\"keld\" \"dkuug.dk\")) NIL NIL \"<a@b>\" \"<c@d>\")",
             &r, &e, 0);
    assert_string_equal(e.subject, "Gr\xc3\xbc\xc3\x9f"
                                   "e aus Berlin");
    assert_string_equal(e.from[0].name, "Andr\xc3\xa9 Pirard");
    assert_string_equal(e.from[0].mailbox, "PIRARD");
    assert_string_equal(e.to[0].name, "Keld J\xc3\xb8rn Simonsen");
    assert_string_equal(e.in_reply_to, "<a@b>");
    imap_envelope_free(&e);
    imap_response_free(&r);

    /* A literal subject with 8-bit UTF-8 is kept as it is. */
    read_env("(NIL {5}\r\nK\xc3\xa4se NIL NIL NIL NIL NIL NIL NIL NIL)", &r, &e, 0);
    assert_string_equal(e.subject, "K\xc3\xa4se");
    imap_envelope_free(&e);
    imap_response_free(&r);
}

static void malformed_envelopes_are_refused(void **state)
{
    (void)state;
    imap_response r;
    imap_envelope e;
    read_env("(NIL NIL NIL NIL NIL NIL NIL NIL NIL)", &r, &e, ENVOI_EPROTOCOL);
    imap_response_free(&r);
    read_env("(NIL (\"x\") NIL NIL NIL NIL NIL NIL NIL NIL)", &r, &e, ENVOI_EPROTOCOL);
    imap_response_free(&r);
    read_env("(NIL NIL ((NIL \"a\" \"b\")) NIL NIL NIL NIL NIL NIL NIL)", &r, &e, ENVOI_EPROTOCOL);
    imap_response_free(&r);
    read_env("(NIL NIL \"a@b\" NIL NIL NIL NIL NIL NIL NIL)", &r, &e, ENVOI_EPROTOCOL);
    imap_response_free(&r);
    read_env("(NIL NIL ((NIL NIL (\"a\") \"b\")) NIL NIL NIL NIL NIL NIL NIL)", &r, &e,
             ENVOI_EPROTOCOL);
    imap_response_free(&r);
    read_env("NIL", &r, &e, ENVOI_EPROTOCOL);
    assert_null(e.arena_);
    imap_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_rfc_3501_example_is_read),
        cmocka_unit_test(groups_are_start_and_end_markers),
        cmocka_unit_test(encoded_words_are_decoded_to_utf8),
        cmocka_unit_test(malformed_envelopes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
