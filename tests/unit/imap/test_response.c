/* Parsing of IMAP responses in the shapes real servers send (greetings,
 * SELECT, FETCH with literals, LIST, STATUS, SEARCH, ESEARCH, ID,
 * NAMESPACE, continuation requests) and the typed readers for FETCH items,
 * flags and INTERNALDATE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imap/response.h"

/* Parse s[0..len) from a buffer of exactly that size. */
static int parse_n(const char *s, size_t len, imap_response *r)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, s, len);
    envoi_error err = {0};
    int rc = imap_response_parse(copy, len, r, &err);
    free(copy); /* the response owns copies of everything */
    return rc;
}

#define PARSE(lit, r) assert_int_equal(parse_n(lit, sizeof lit - 1, r), 0)

static void atom_is(const imap_value *v, const char *s)
{
    assert_int_equal(v->kind, IMAP_ATOM);
    assert_string_equal(v->data, s);
    assert_int_equal(v->len, strlen(s));
}

static void string_is(const imap_value *v, const char *s)
{
    assert_int_equal(v->kind, IMAP_STRING);
    assert_string_equal(v->data, s);
}

static void number_is(const imap_value *v, uint64_t n)
{
    assert_int_equal(v->kind, IMAP_NUMBER);
    assert_int_equal(v->number, n);
}

static void greeting_gives_status_code_and_capabilities(void **state)
{
    (void)state;
    imap_response r;
    PARSE("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
          "AUTH=PLAIN] Dovecot ready.\r\n",
          &r);
    assert_int_equal(r.kind, IMAP_RESP_UNTAGGED);
    assert_int_equal(r.status, IMAP_STATUS_OK);
    assert_string_equal(r.name, "OK");
    assert_string_equal(r.code, "CAPABILITY");
    assert_int_equal(r.code_count, 9);
    atom_is(&r.code_args[0], "IMAP4rev1");
    atom_is(&r.code_args[7], "STARTTLS");
    atom_is(&r.code_args[8], "AUTH=PLAIN");
    assert_string_equal(r.text, "Dovecot ready.");
    imap_response_free(&r);

    PARSE("* PREAUTH [CAPABILITY IMAP4rev1] Logged in as alice\r\n", &r);
    assert_int_equal(r.status, IMAP_STATUS_PREAUTH);
    imap_response_free(&r);
    PARSE("* BYE Server shutting down.\r\n", &r);
    assert_int_equal(r.status, IMAP_STATUS_BYE);
    assert_string_equal(r.code, "");
    assert_string_equal(r.text, "Server shutting down.");
    imap_response_free(&r);
}

static void tagged_responses_carry_tag_status_and_code(void **state)
{
    (void)state;
    imap_response r;
    PARSE("a0001 OK [CAPABILITY IMAP4rev1 MOVE UIDPLUS] Logged in\r\n", &r);
    assert_int_equal(r.kind, IMAP_RESP_TAGGED);
    assert_string_equal(r.tag, "a0001");
    assert_int_equal(r.status, IMAP_STATUS_OK);
    assert_int_equal(r.code_count, 3);
    imap_response_free(&r);

    PARSE("A2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", &r);
    assert_int_equal(r.status, IMAP_STATUS_NO);
    assert_string_equal(r.code, "AUTHENTICATIONFAILED");
    assert_int_equal(r.code_count, 0);
    assert_string_equal(r.text, "Authentication failed.");
    imap_response_free(&r);

    PARSE("A3 BAD Error in IMAP command received by server.\n", &r);
    assert_int_equal(r.status, IMAP_STATUS_BAD);
    imap_response_free(&r);

    PARSE("A4 ok [read-write] Select completed (0.001 + 0.000 secs).\r\n", &r);
    assert_int_equal(r.status, IMAP_STATUS_OK);
    assert_string_equal(r.code, "READ-WRITE");
    imap_response_free(&r);

    PARSE("A5 OK\r\n", &r);
    assert_string_equal(r.text, "");
    imap_response_free(&r);

    PARSE("A6 OK [APPENDUID 1700000001 3955] Append completed.\r\n", &r);
    assert_string_equal(r.code, "APPENDUID");
    number_is(&r.code_args[0], 1700000001);
    number_is(&r.code_args[1], 3955);
    imap_response_free(&r);

    PARSE("A7 OK [COPYUID 38505 304,319:320 3956:*] Moved UIDs.\r\n", &r);
    assert_int_equal(r.code_count, 3);
    atom_is(&r.code_args[1], "304,319:320");
    atom_is(&r.code_args[2], "3956:*");
    imap_response_free(&r);

    PARSE("A8 NO [TRYCREATE] Mailbox doesn't exist: Archive\r\n", &r);
    assert_string_equal(r.code, "TRYCREATE");
    imap_response_free(&r);
}

static void select_untagged_data_is_read(void **state)
{
    (void)state;
    imap_response r;
    PARSE("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n", &r);
    assert_string_equal(r.name, "FLAGS");
    assert_int_equal(r.status, IMAP_STATUS_NONE);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.values[0].kind, IMAP_LIST);
    assert_int_equal(r.values[0].count, 6);
    atom_is(&r.values[0].items[0], "\\Answered");
    atom_is(&r.values[0].items[5], "$Forwarded");
    unsigned mask = 0;
    assert_int_equal(imap_flags_mask(&r.values[0], &mask), 0);
    assert_int_equal(mask, IMAP_FLAG_ANSWERED | IMAP_FLAG_FLAGGED | IMAP_FLAG_DELETED |
                               IMAP_FLAG_SEEN | IMAP_FLAG_DRAFT);
    imap_response_free(&r);

    PARSE("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags "
          "permitted.\r\n",
          &r);
    assert_string_equal(r.code, "PERMANENTFLAGS");
    assert_int_equal(r.code_count, 1);
    atom_is(&r.code_args[0].items[5], "\\*");
    imap_response_free(&r);

    PARSE("* 172 EXISTS\r\n", &r);
    assert_true(r.has_number);
    assert_int_equal(r.number, 172);
    assert_string_equal(r.name, "EXISTS");
    assert_int_equal(r.count, 0);
    imap_response_free(&r);

    PARSE("* 3 expunge\r\n", &r);
    assert_string_equal(r.name, "EXPUNGE");
    assert_int_equal(r.number, 3);
    imap_response_free(&r);

    PARSE("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", &r);
    number_is(&r.code_args[0], 3857529045u);
    imap_response_free(&r);

    PARSE("* OK [HIGHESTMODSEQ 9223372036854775807] Highest\r\n", &r);
    number_is(&r.code_args[0], 9223372036854775807ull);
    imap_response_free(&r);
}

static void fetch_items_are_found_by_name(void **state)
{
    (void)state;
    imap_response r;
    const char s[] = "* 12 FETCH (UID 4827313 FLAGS (\\Seen $Label1) RFC822.SIZE 44827 "
                     "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" BODY[HEADER.FIELDS (FROM TO)] "
                     "{22}\r\nFrom: a@b\r\nTo: c@d\r\n\r\n BODY[1.2.MIME]<0> \"x\" "
                     "BODY[] {11}\r\nab\0c\r\n\r\nxyz MODSEQ (12121231000))\r\n";
    PARSE(s, &r);
    assert_string_equal(r.name, "FETCH");
    assert_int_equal(r.number, 12);
    assert_int_equal(r.count, 1);
    number_is(imap_fetch_item(&r, "UID"), 4827313);
    number_is(imap_fetch_item(&r, "rfc822.size"), 44827);
    const imap_value *flags = imap_fetch_item(&r, "FLAGS");
    unsigned mask;
    assert_int_equal(imap_flags_mask(flags, &mask), 0);
    assert_int_equal(mask, IMAP_FLAG_SEEN);
    atom_is(&flags->items[1], "$Label1");
    const imap_value *h = imap_fetch_item(&r, "BODY.PEEK[HEADER.FIELDS (FROM TO)]");
    assert_non_null(h);
    string_is(h, "From: a@b\r\nTo: c@d\r\n\r\n");
    string_is(imap_fetch_item(&r, "BODY[1.2.MIME]"), "x");
    string_is(imap_fetch_item(&r, "body[1.2.mime]<0>"), "x");
    assert_null(imap_fetch_item(&r, "BODY[1.2.MIME]<5>"));
    const imap_value *body = imap_fetch_item(&r, "BODY[]");
    assert_int_equal(body->kind, IMAP_STRING);
    assert_int_equal(body->len, 11);
    assert_memory_equal(body->data, "ab\0c\r\n\r\nxyz", 11);
    assert_null(imap_fetch_item(&r, "BODY[TEXT]"));
    assert_null(imap_fetch_item(&r, "ENVELOPE"));
    time_t t;
    assert_int_equal(imap_parse_internaldate(imap_fetch_item(&r, "INTERNALDATE"), &t), 0);
    assert_int_equal(t, 837596665); /* 1996-07-17 09:44:25 UTC */
    number_is(&imap_fetch_item(&r, "MODSEQ")->items[0], 12121231000ull);
    imap_response_free(&r);
}

static void list_and_lsub_give_attributes_delimiter_and_name(void **state)
{
    (void)state;
    imap_response r;
    PARSE("* LIST (\\HasNoChildren \\Sent) \"/\" \"Gesendete Objekte\"\r\n", &r);
    assert_string_equal(r.name, "LIST");
    assert_int_equal(r.count, 3);
    atom_is(&r.values[0].items[1], "\\Sent");
    string_is(&r.values[1], "/");
    string_is(&r.values[2], "Gesendete Objekte");
    imap_response_free(&r);

    PARSE("* LIST (\\Noselect) NIL \"\"\r\n", &r);
    assert_int_equal(r.values[1].kind, IMAP_NIL);
    string_is(&r.values[2], "");
    imap_response_free(&r);

    PARSE("* LSUB () \".\" Entw&APw-rfe\r\n", &r);
    atom_is(&r.values[2], "Entw&APw-rfe");
    char *name = NULL;
    assert_int_equal(imap_mutf7_decode(r.values[2].data, r.values[2].len, &name), 0);
    assert_string_equal(name, "Entw\xc3\xbcrfe");
    free(name);
    imap_response_free(&r);

    /* A name with a quote and a backslash, one sent as a literal, one that
     * looks like a number. */
    PARSE("* LIST () \"/\" \"a\\\"b\\\\c\"\r\n", &r);
    string_is(&r.values[2], "a\"b\\c");
    imap_response_free(&r);
    PARSE("* LIST () \"/\" {8}\r\nfoo\r\nbar\r\n", &r);
    string_is(&r.values[2], "foo\r\nbar");
    imap_response_free(&r);
    PARSE("* LIST (\\HasChildren) \"/\" 2024 (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", &r);
    number_is(&r.values[2], 2024);
    assert_string_equal(r.values[2].data, "2024");
    assert_int_equal(r.values[3].items[1].kind, IMAP_LIST);
    imap_response_free(&r);
}

static void status_search_and_esearch_are_read(void **state)
{
    (void)state;
    imap_response r;
    PARSE("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 UNSEEN 0)\r\n", &r);
    atom_is(&r.values[0], "blurdybloop");
    assert_int_equal(r.values[1].count, 6);
    number_is(&r.values[1].items[3], 44292);
    imap_response_free(&r);

    PARSE("* SEARCH 2 84 882\r\n", &r);
    assert_int_equal(r.count, 3);
    number_is(&r.values[2], 882);
    imap_response_free(&r);
    PARSE("* SEARCH\r\n", &r);
    assert_string_equal(r.name, "SEARCH");
    assert_int_equal(r.count, 0);
    imap_response_free(&r);

    PARSE("* ESEARCH (TAG \"A282\") UID MIN 2 COUNT 3 ALL 2,10:11\r\n", &r);
    assert_string_equal(r.name, "ESEARCH");
    assert_int_equal(r.count, 8);
    string_is(&r.values[0].items[1], "A282");
    atom_is(&r.values[7], "2,10:11");
    imap_response_free(&r);
}

static void other_untagged_data_is_read_generically(void **state)
{
    (void)state;
    imap_response r;
    PARSE("* ID (\"name\" \"Dovecot\" \"version\" \"2.3.19\")\r\n", &r);
    assert_string_equal(r.name, "ID");
    string_is(&r.values[0].items[3], "2.3.19");
    imap_response_free(&r);
    PARSE("* ID NIL\r\n", &r);
    assert_int_equal(r.values[0].kind, IMAP_NIL);
    imap_response_free(&r);
    PARSE("* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))\r\n", &r);
    assert_int_equal(r.count, 3);
    string_is(&r.values[0].items[0].items[1], "/");
    assert_int_equal(r.values[1].kind, IMAP_NIL);
    imap_response_free(&r);
    PARSE("* ENABLED CONDSTORE QRESYNC\r\n", &r);
    assert_int_equal(r.count, 2);
    imap_response_free(&r);
    PARSE("* CAPABILITY IMAP4rev1 LITERAL+ AUTH=SCRAM-SHA-256\r\n", &r);
    atom_is(&r.values[2], "AUTH=SCRAM-SHA-256");
    imap_response_free(&r);
    PARSE("* VANISHED (EARLIER) 41,43:116\r\n", &r);
    atom_is(&r.values[0].items[0], "EARLIER");
    imap_response_free(&r);
}

static void continuation_requests_keep_their_text(void **state)
{
    (void)state;
    imap_response r;
    PARSE("+ idling\r\n", &r);
    assert_int_equal(r.kind, IMAP_RESP_CONTINUATION);
    assert_string_equal(r.text, "idling");
    imap_response_free(&r);
    PARSE("+ \r\n", &r);
    assert_string_equal(r.text, "");
    imap_response_free(&r);
    PARSE("+\r\n", &r);
    assert_string_equal(r.text, "");
    imap_response_free(&r);
    PARSE("+ cj1hYmNkZWZnaCxzPVFTWGN=\r\n", &r);
    assert_string_equal(r.text, "cj1hYmNkZWZnaCxzPVFTWGN=");
    imap_response_free(&r);
    PARSE("+ [ALERT] go ahead\r\n", &r);
    assert_string_equal(r.code, "ALERT");
    assert_string_equal(r.text, "go ahead");
    imap_response_free(&r);
}

static void response_codes_with_free_text_are_kept_whole(void **state)
{
    (void)state;
    imap_response r;
    PARSE("* OK [XAPPLE some \"odd) text] hello\r\n", &r);
    assert_string_equal(r.code, "XAPPLE");
    assert_int_equal(r.code_count, 1);
    atom_is(&r.code_args[0], "some \"odd) text");
    assert_string_equal(r.text, "hello");
    imap_response_free(&r);
    PARSE("* NO [BADCHARSET (US-ASCII UTF-8)] unknown charset\r\n", &r);
    assert_int_equal(r.code_args[0].count, 2);
    imap_response_free(&r);
    PARSE("* OK [REFERRAL imap://user;AUTH=*@SERVER2/] Try there\r\n", &r);
    atom_is(&r.code_args[0], "imap://user;AUTH=*@SERVER2/");
    imap_response_free(&r);
}

static void flags_mask_refuses_what_is_not_a_flag_list(void **state)
{
    (void)state;
    imap_response r;
    PARSE("* X (\\seen \\RECENT \\Deleted) (\"Seen\") \\Seen (NIL)\r\n", &r);
    unsigned mask = 99;
    assert_int_equal(imap_flags_mask(&r.values[0], &mask), 0);
    assert_int_equal(mask, IMAP_FLAG_SEEN | IMAP_FLAG_RECENT | IMAP_FLAG_DELETED);
    assert_int_equal(imap_flags_mask(&r.values[1], &mask), ENVOI_EPROTOCOL);
    assert_int_equal(mask, 0);
    assert_int_equal(imap_flags_mask(&r.values[2], &mask), ENVOI_EPROTOCOL);
    assert_int_equal(imap_flags_mask(&r.values[3], &mask), ENVOI_EPROTOCOL);
    assert_int_equal(imap_flags_mask(NULL, &mask), ENVOI_EPROTOCOL);
    imap_response_free(&r);
}

static int date(const char *s, time_t *t)
{
    imap_value v = {.kind = IMAP_STRING, .data = s, .len = strlen(s)};
    return imap_parse_internaldate(&v, t);
}

static void internaldate_is_read_to_utc(void **state)
{
    (void)state;
    time_t t;
    assert_int_equal(date("17-Jul-1996 02:44:25 -0700", &t), 0);
    assert_int_equal(t, 837596665);
    assert_int_equal(date(" 1-Jan-1970 00:00:00 +0000", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(date("1-Jan-1970 01:00:00 +0100", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(date("29-feb-2024 23:59:59 +0000", &t), 0);
    assert_int_equal(t, 1709251199);
    assert_int_equal(date("31-Dec-2099 12:00:00 -1130", &t), 0);
    assert_int_equal(t, 4102401600 + 41400);
    assert_int_equal(date("29-Feb-2023 00:00:00 +0000", &t), ENVOI_EPROTOCOL);
    assert_int_equal(date("32-Jan-2023 00:00:00 +0000", &t), ENVOI_EPROTOCOL);
    assert_int_equal(date("01-Foo-2023 00:00:00 +0000", &t), ENVOI_EPROTOCOL);
    assert_int_equal(date("01-Jan-2023 24:00:00 +0000", &t), ENVOI_EPROTOCOL);
    assert_int_equal(date("01-Jan-2023 00:00:00 0000", &t), ENVOI_EPROTOCOL);
    assert_int_equal(date("01-Jan-2023 00:00:00 +00000", &t), ENVOI_EPROTOCOL);
    assert_int_equal(date("", &t), ENVOI_EPROTOCOL);
    imap_value nil = {.kind = IMAP_NIL};
    assert_int_equal(imap_parse_internaldate(&nil, &t), ENVOI_EPROTOCOL);
}

static void big_responses_keep_every_value(void **state)
{
    (void)state;
    /* A SEARCH of 100,000 numbers: the values go beyond the first region. */
    size_t n = 100000, cap = 16 + n * 8, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s, cap, "* SEARCH");
    for (size_t i = 1; i <= n; i++)
        len += (size_t)snprintf(s + len, cap - len, " %zu", i * 3);
    memcpy(s + len, "\r\n", 2);
    len += 2;
    imap_response r;
    assert_int_equal(parse_n(s, len, &r), 0);
    assert_int_equal(r.count, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r.values[i].number, (i + 1) * 3);
    imap_response_free(&r);
    free(s);
}

static void free_is_safe_twice_and_after_failure(void **state)
{
    (void)state;
    imap_response r;
    assert_int_equal(parse_n("* 1 FETCH (", 11, &r), ENVOI_EPROTOCOL);
    assert_null(r.arena_);
    imap_response_free(&r);
    PARSE("* 1 EXISTS\r\n", &r);
    imap_response_free(&r);
    imap_response_free(&r);
    imap_response_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(greeting_gives_status_code_and_capabilities),
        cmocka_unit_test(tagged_responses_carry_tag_status_and_code),
        cmocka_unit_test(select_untagged_data_is_read),
        cmocka_unit_test(fetch_items_are_found_by_name),
        cmocka_unit_test(list_and_lsub_give_attributes_delimiter_and_name),
        cmocka_unit_test(status_search_and_esearch_are_read),
        cmocka_unit_test(other_untagged_data_is_read_generically),
        cmocka_unit_test(continuation_requests_keep_their_text),
        cmocka_unit_test(response_codes_with_free_text_are_kept_whole),
        cmocka_unit_test(flags_mask_refuses_what_is_not_a_flag_list),
        cmocka_unit_test(internaldate_is_read_to_utc),
        cmocka_unit_test(big_responses_keep_every_value),
        cmocka_unit_test(free_is_safe_twice_and_after_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
