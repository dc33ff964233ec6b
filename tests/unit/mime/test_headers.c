/* Message header fields: injection refused, Bcc only when asked, custom
 * header rules, priority / sensitivity / receipt, Date, Message-ID, ids. */
#include "unit/mime/helpers.h"

#include <regex.h>

#include "envoi/error.h"

static envoi_message *basic(void)
{
    envoi_message *m = envoi_message_new();
    assert_non_null(m);
    assert_int_equal(envoi_message_set_from(m, "Alice <alice@example.org>"), 0);
    assert_int_equal(envoi_message_add_to(m, "bob@example.org"), 0);
    assert_int_equal(envoi_message_set_text(m, "hi", 2), 0);
    return m;
}

static void header_injection_is_refused_everywhere(void **state)
{
    (void)state;
    envoi_message *m = basic();
    assert_int_equal(envoi_message_set_subject(m, "hi\r\nBcc: evil@example.org"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_set_subject(m, "hi\nthere"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_set_subject(m, "hi\rthere"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_add_to(m, "x@example.org\r\nBcc: evil@example.org"),
                     ENVOI_EHEADER);
    assert_int_equal(envoi_message_set_from(m, "Name\n <a@example.org>"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_add_cc(m, "c@example.org\r"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_add_header(m, "X-Evil\r\nBcc", "v"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_add_header(m, "X-Ok", "v\r\nBcc: evil@example.org"),
                     ENVOI_EHEADER);
    assert_int_equal(envoi_message_add_header(m, "X-Ok", "v\nw"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_set_message_id(m, "id@host\r\nX: y"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_add_reference(m, "id@host\n"), ENVOI_EHEADER);
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "a\r\nb.txt", NULL), ENVOI_EHEADER);
    assert_int_equal(envoi_message_attach_data(m, "x", 1, "a.txt", "text/plain\r\nX: y"),
                     ENVOI_EHEADER);
    char *s = compose(m, NULL);
    assert_null(strstr(s, "evil"));
    assert_int_equal(count_str(s, "\nBcc"), 0);
    free(s);
    envoi_message_free(m);
}

static void bcc_is_written_only_when_asked(void **state)
{
    (void)state;
    envoi_message *m = basic();
    assert_int_equal(envoi_message_add_bcc(m, "Hidden <hidden@example.org>"), 0);
    char *s = compose(m, NULL);
    assert_null(strstr(s, "hidden@example.org"));
    assert_null(header_value(s, "Bcc"));
    free(s);
    assert_int_equal(envoi_message_recipient_count(m), 2);
    assert_string_equal(envoi_message_recipient(m, 1), "hidden@example.org");
    assert_int_equal(envoi_message_set_write_bcc(m, true), 0);
    s = compose(m, NULL);
    char *bcc = header_value(s, "Bcc");
    assert_string_equal(bcc, "Hidden <hidden@example.org>");
    free(bcc);
    free(s);
    envoi_message_free(m);
}

static void custom_header_names_are_checked(void **state)
{
    (void)state;
    envoi_message *m = basic();
    assert_int_equal(envoi_message_add_header(m, "X Space", "v"), ENVOI_EINVAL);
    assert_int_equal(envoi_message_add_header(m, "X:Colon", "v"), ENVOI_EINVAL);
    assert_int_equal(envoi_message_add_header(m, "", "v"), ENVOI_EINVAL);
    assert_int_equal(envoi_message_add_header(m, "X-\xc3\xa9", "v"), ENVOI_EINVAL);
    assert_int_equal(envoi_message_add_header(m, "X-Bad-Utf8", "\xff"), ENVOI_EINVAL);
    const char *structural[] = {"Content-Type", "content-transfer-encoding",
                                "MIME-Version", "From",
                                "to",           "Subject",
                                "Date",         "Message-ID",
                                "Bcc"};
    for (size_t i = 0; i < sizeof structural / sizeof structural[0]; i++)
        assert_int_equal(envoi_message_add_header(m, structural[i], "v"), ENVOI_EINVAL);
    assert_int_equal(envoi_message_add_header(m, "X-Mailer", "envoi ✓"), 0);
    assert_int_equal(envoi_message_add_header(m, "List-Unsubscribe", "<mailto:u@example.org>"), 0);
    char *s = compose(m, NULL);
    char *v = header_value(s, "X-Mailer");
    assert_string_equal(v, "envoi =?utf-8?b?4pyT?=");
    free(v);
    v = header_value(s, "List-Unsubscribe");
    assert_string_equal(v, "<mailto:u@example.org>");
    free(v);
    assert_int_equal(count_str(s, "Content-Type:"), 1);
    free(s);
    envoi_message_free(m);
}

static void priority_sensitivity_and_receipt_headers(void **state)
{
    (void)state;
    envoi_message *m = basic();
    char *s = compose(m, NULL);
    assert_null(header_value(s, "X-Priority"));
    assert_null(header_value(s, "Importance"));
    assert_null(header_value(s, "Sensitivity"));
    free(s);
    assert_int_equal(envoi_message_set_priority(m, ENVOI_PRIORITY_HIGH), 0);
    assert_int_equal(envoi_message_set_sensitivity(m, ENVOI_SENSITIVITY_CONFIDENTIAL), 0);
    assert_int_equal(envoi_message_set_read_receipt(m, "Alice <alice@example.org>"), 0);
    s = compose(m, NULL);
    char *v;
    assert_string_equal(v = header_value(s, "X-Priority"), "1 (Highest)");
    free(v);
    assert_string_equal(v = header_value(s, "Importance"), "high");
    free(v);
    assert_string_equal(v = header_value(s, "Sensitivity"), "Company-Confidential");
    free(v);
    assert_string_equal(v = header_value(s, "Disposition-Notification-To"),
                        "Alice <alice@example.org>");
    free(v);
    free(s);
    assert_int_equal(envoi_message_set_priority(m, ENVOI_PRIORITY_LOW), 0);
    assert_int_equal(envoi_message_set_sensitivity(m, ENVOI_SENSITIVITY_PERSONAL), 0);
    s = compose(m, NULL);
    assert_string_equal(v = header_value(s, "X-Priority"), "5 (Lowest)");
    free(v);
    assert_string_equal(v = header_value(s, "Importance"), "low");
    free(v);
    assert_string_equal(v = header_value(s, "Sensitivity"), "Personal");
    free(v);
    free(s);
    assert_int_equal(envoi_message_set_sensitivity(m, ENVOI_SENSITIVITY_PRIVATE), 0);
    s = compose(m, NULL);
    assert_string_equal(v = header_value(s, "Sensitivity"), "Private");
    free(v);
    free(s);
    assert_int_equal(envoi_message_set_priority(m, (envoi_priority)7), ENVOI_EINVAL);
    envoi_message_free(m);
}

static void date_header_has_rfc5322_form_and_set_date_is_used(void **state)
{
    (void)state;
    envoi_message *m = basic();
    char *s = compose(m, NULL);
    char *date = header_value(s, "Date");
    regex_t re;
    assert_int_equal(regcomp(&re,
                             "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} "
                             "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
                             "[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    assert_int_equal(regexec(&re, date, 0, NULL, 0), 0);
    regfree(&re);
    free(date);
    free(s);
    setenv("TZ", "UTC0", 1);
    tzset();
    assert_int_equal(envoi_message_set_date(m, 1795295237), 0);
    s = compose(m, NULL);
    assert_string_equal(date = header_value(s, "Date"), "Sat, 21 Nov 2026 21:07:17 +0000");
    free(date);
    free(s);
    envoi_message_free(m);
}

static void date_and_message_id_are_stable_across_writes(void **state)
{
    (void)state;
    envoi_message *m = basic();
    assert_int_equal(envoi_message_attach_data(m, "abc", 3, "a.bin", NULL), 0);
    size_t l1, l2;
    char *s1 = compose(m, &l1);
    sleep(1);
    char *s2 = compose(m, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(s1, s2, l1);
    char *id = header_value(s1, "Message-ID");
    regex_t re;
    assert_int_equal(regcomp(&re, "^<[A-Za-z0-9]{20,}@[A-Za-z0-9.-]+>$", REG_EXTENDED | REG_NOSUB),
                     0);
    assert_int_equal(regexec(&re, id, 0, NULL, 0), 0);
    regfree(&re);
    free(id);
    free(s1);
    free(s2);
    envoi_message *other = basic();
    s1 = compose(m, NULL);
    s2 = compose(other, NULL);
    char *a = header_value(s1, "Message-ID"), *b = header_value(s2, "Message-ID");
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    free(s1);
    free(s2);
    envoi_message_free(other);
    envoi_message_free(m);
}

static void ids_are_bracketed_and_checked(void **state)
{
    (void)state;
    envoi_message *m = basic();
    assert_int_equal(envoi_message_set_message_id(m, "abc@example.org"), 0);
    assert_int_equal(envoi_message_set_in_reply_to(m, "<parent@example.org>"), 0);
    assert_int_equal(envoi_message_add_reference(m, "root@example.org"), 0);
    assert_int_equal(envoi_message_add_reference(m, "parent@example.org"), 0);
    assert_int_equal(envoi_message_set_message_id(m, "has space@x"), ENVOI_EINVAL);
    assert_int_equal(envoi_message_set_message_id(m, ""), ENVOI_EINVAL);
    char *s = compose(m, NULL), *v;
    assert_string_equal(v = header_value(s, "Message-ID"), "<abc@example.org>");
    free(v);
    assert_string_equal(v = header_value(s, "In-Reply-To"), "<parent@example.org>");
    free(v);
    assert_string_equal(v = header_value(s, "References"),
                        "<root@example.org> <parent@example.org>");
    free(v);
    assert_string_equal(v = header_value(s, "MIME-Version"), "1.0");
    free(v);
    free(s);
    envoi_message_free(m);
}

static void envelope_comes_from_from_then_sender(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    assert_null(envoi_message_envelope_from(m));
    assert_int_equal(envoi_message_set_sender(m, "Sec <sec@example.org>"), 0);
    assert_string_equal(envoi_message_envelope_from(m), "sec@example.org");
    assert_int_equal(envoi_message_set_from(m, "Boss <boss@example.org>"), 0);
    assert_string_equal(envoi_message_envelope_from(m), "boss@example.org");
    assert_int_equal(envoi_message_add_to(m, "t@example.org"), 0);
    assert_int_equal(envoi_message_add_bcc(m, "b@example.org"), 0);
    assert_int_equal(envoi_message_add_cc(m, "c@example.org"), 0);
    assert_int_equal(envoi_message_recipient_count(m), 3);
    assert_string_equal(envoi_message_recipient(m, 0), "t@example.org");
    assert_string_equal(envoi_message_recipient(m, 1), "c@example.org");
    assert_string_equal(envoi_message_recipient(m, 2), "b@example.org");
    assert_null(envoi_message_recipient(m, 3));
    char *s = compose(m, NULL), *v;
    assert_string_equal(v = header_value(s, "Sender"), "Sec <sec@example.org>");
    free(v);
    free(s);
    envoi_message_free(m);
}

static void smtputf8_is_needed_only_for_non_ascii_local_parts(void **state)
{
    (void)state;
    envoi_message *m = basic();
    assert_int_equal(envoi_message_add_to(m, "Zoë <user@bücher.example>"), 0);
    assert_false(envoi_message_needs_smtputf8(m));
    char *s = compose(m, NULL);
    assert_non_null(strstr(s, "<user@xn--bcher-kva.example>"));
    free(s);
    assert_int_equal(envoi_message_add_bcc(m, "zoë@example.org"), 0);
    assert_true(envoi_message_needs_smtputf8(m));
    envoi_message_free(m);
    m = basic();
    assert_int_equal(envoi_message_set_from(m, "josé@example.org"), 0);
    assert_true(envoi_message_needs_smtputf8(m));
    s = compose(m, NULL);
    char *v = header_value(s, "From");
    assert_string_equal(v, "josé@example.org");
    free(v);
    free(s);
    envoi_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_injection_is_refused_everywhere),
        cmocka_unit_test(bcc_is_written_only_when_asked),
        cmocka_unit_test(custom_header_names_are_checked),
        cmocka_unit_test(priority_sensitivity_and_receipt_headers),
        cmocka_unit_test(date_header_has_rfc5322_form_and_set_date_is_used),
        cmocka_unit_test(date_and_message_id_are_stable_across_writes),
        cmocka_unit_test(ids_are_bracketed_and_checked),
        cmocka_unit_test(envelope_comes_from_from_then_sender),
        cmocka_unit_test(smtputf8_is_needed_only_for_non_ascii_local_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
