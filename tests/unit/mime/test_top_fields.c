/* The message getters find their fields in one pass over the top-level
 * header, by name length and first letter: what they give is what looking
 * each field up by name gives, whatever the case of the names, repeated
 * fields, and names that nearly match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/parse.h"
#include "mime/decode.h"

static const char *const list_names[6] = {"From", "Sender", "Reply-To", "To", "Cc", "Bcc"};

static void same_list(const envoi_message *m, envoi_field field)
{
    const char *v = envoi_part_header(envoi_message_root(m), list_names[field]);
    mime_addr_list want = {0};
    if (v)
        assert_int_equal(mime_addr_list_parse(v, strlen(v), &want, NULL), 0);
    assert_int_equal(envoi_message_address_count(m, field), want.len);
    for (size_t i = 0; i < want.len; i++) {
        const char *name, *addr;
        assert_int_equal(envoi_message_address_at(m, field, i, &name, &addr), 0);
        assert_string_equal(addr, want.items[i].addr);
        if (want.items[i].name)
            assert_string_equal(name, want.items[i].name);
        else
            assert_null(name);
    }
    mime_addr_list_free(&want);
}

static const char *first_id(const char *v, mime_id_list *l)
{
    if (!v)
        return NULL;
    assert_int_equal(mime_id_list_parse(v, strlen(v), l, NULL), 0);
    return l->len ? l->items[0] : NULL;
}

static void same_string(const char *got, const char *want)
{
    if (want)
        assert_string_equal(got, want);
    else
        assert_null(got);
}

/* Every getter of the message in text against the general lookups. */
static void getters_match_lookups(const char *text)
{
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(text, strlen(text), &m), 0);
    const envoi_part *root = envoi_message_root(m);
    same_string(envoi_message_get_subject(m), envoi_part_header_decoded(root, "Subject"));
    for (int f = ENVOI_FIELD_FROM; f <= ENVOI_FIELD_BCC; f++)
        same_list(m, (envoi_field)f);
    const char *date = envoi_part_header(root, "Date");
    time_t want_t = 0, got_t = 0;
    int want_rc = date ? mime_date_parse(date, strlen(date), &want_t) : ENVOI_EINVAL;
    assert_int_equal(envoi_message_get_date(m, &got_t), want_rc);
    if (want_rc == 0)
        assert_int_equal((long long)got_t, (long long)want_t);
    mime_id_list a = {0}, b = {0}, c = {0};
    same_string(envoi_message_get_message_id(m),
                first_id(envoi_part_header(root, "Message-ID"), &a));
    same_string(envoi_message_get_in_reply_to(m),
                first_id(envoi_part_header(root, "In-Reply-To"), &b));
    first_id(envoi_part_header(root, "References"), &c);
    assert_int_equal(envoi_message_reference_count(m), c.len);
    for (size_t i = 0; i < c.len; i++)
        assert_string_equal(envoi_message_reference_at(m, i), c.items[i]);
    mime_id_list_free(&a);
    mime_id_list_free(&b);
    mime_id_list_free(&c);
    envoi_message_free(m);
}

static void getters_match_lookups_on_a_plain_message(void **state)
{
    (void)state;
    getters_match_lookups("From: A <a@example.com>\r\n"
                          "Sender: s@example.com\r\n"
                          "Reply-To: r@example.com\r\n"
                          "To: b@example.com, C <c@example.com>\r\n"
                          "Cc: d@example.com\r\n"
                          "Bcc: e@example.com\r\n"
                          "Subject: =?utf-8?q?caf=C3=A9?=\r\n"
                          "Date: Wed, 08 Jul 2020 10:12:33 +0200\r\n"
                          "Message-ID: <m1@example.com>\r\n"
                          "In-Reply-To: <p1@example.com>\r\n"
                          "References: <r1@example.com> <r2@example.com>\r\n"
                          "\r\nbody\r\n");
}

static void getters_take_the_first_field_whatever_the_case(void **state)
{
    (void)state;
    getters_match_lookups("FROM: first@example.com\r\n"
                          "from: second@example.com\r\n"
                          "sUbJeCt: one\r\n"
                          "SUBJECT: two\r\n"
                          "tO: t1@example.com\r\n"
                          "To: t2@example.com\r\n"
                          "cc: c1@example.com\r\n"
                          "BCC: b1@example.com\r\n"
                          "reply-TO: r@example.com\r\n"
                          "SENDER: s@example.com\r\n"
                          "date: Thu, 12 Apr 2018 09:25:24 -0000\r\n"
                          "DATE: Fri, 13 Apr 2018 09:25:24 -0000\r\n"
                          "message-id: <m1@x>\r\n"
                          "Message-Id: <m2@x>\r\n"
                          "IN-REPLY-TO: <i@x>\r\n"
                          "rEfErEnCeS: <a@x> <b@x>\r\n"
                          "\r\n");
}

static void names_that_nearly_match_are_not_taken(void **state)
{
    (void)state;
    getters_match_lookups("Fro: no@example.com\r\n"
                          "Fromm: no@example.com\r\n"
                          "Tx: no@example.com\r\n"
                          "Ct: no@example.com\r\n"
                          "Bcd: no@example.com\r\n"
                          "Subjects: no\r\n"
                          "Sendex: no@example.com\r\n"
                          "Reply-Tx: no@example.com\r\n"
                          "Received: from x by y\r\n"
                          "Resent-To: no@example.com\r\n"
                          "Message-Ix: <no@x>\r\n"
                          "Referencex: <no@x>\r\n"
                          "In-Reply-Tx: <no@x>\r\n"
                          "Data: Wed, 08 Jul 2020 10:12:33 GMT\r\n"
                          "Content-Type: text/plain\r\n"
                          "X-From: no@example.com\r\n"
                          "\r\n");
}

static void fields_after_near_misses_are_found(void **state)
{
    (void)state;
    getters_match_lookups("Received: from x by y\r\n"
                          "Return-Path: <bounce@example.com>\r\n"
                          "Fromx: no@example.com\r\n"
                          "From: yes@example.com\r\n"
                          "Subject: plain subject\r\n"
                          "References: <r@x>\r\n"
                          "Reply-To: yes@example.com\r\n"
                          "\r\n");
}

static void message_without_getter_fields_has_none(void **state)
{
    (void)state;
    getters_match_lookups("X-Only: something\r\n\r\nbody\r\n");
    envoi_message *m = NULL;
    const char *text = "X-Only: something\r\n\r\nbody\r\n";
    assert_int_equal(envoi_message_parse(text, strlen(text), &m), 0);
    assert_null(envoi_message_get_subject(m));
    assert_int_equal(envoi_message_address_count(m, ENVOI_FIELD_FROM), 0);
    envoi_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(getters_match_lookups_on_a_plain_message),
        cmocka_unit_test(getters_take_the_first_field_whatever_the_case),
        cmocka_unit_test(names_that_nearly_match_are_not_taken),
        cmocka_unit_test(fields_after_near_misses_are_found),
        cmocka_unit_test(message_without_getter_fields_has_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
