/* JSON and raw bodies mapped to envoid submissions: the envelope (Bcc only
 * there), the serialized source, and each refusal naming its field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "daemon/submission.h"

#define LIMIT ((size_t)1 << 20)

static int from_json(const char *json, envoid_submission *sub, envoi_error *err)
{
    return envoid_submission_from_json(json, strlen(json), LIMIT, sub, err);
}

/* The refusal of json: its code, and a text containing what. */
static void assert_refused(const char *json, int code, const char *what)
{
    envoid_submission sub;
    envoi_error err = {0};
    int rc = from_json(json, &sub, &err);
    if (rc != code || !strstr(err.text, what))
        fail_msg("for %s: expected %d with \"%s\", got %d \"%s\"", json, code, what, rc, err.text);
    assert_null(sub.source);
    assert_int_equal(sub.recipient_count, 0);
}

static void test_structured_envelope_and_source(void **state)
{
    (void)state;
    envoid_submission sub;
    envoi_error err = {0};
    assert_int_equal(
        from_json("{\"from\":\"Ann <ann@example.org>\",\"to\":[\"Bob <bob@example.org>\"],"
                  "\"cc\":\"cy@example.org\",\"bcc\":[\"dan@example.org\"],"
                  "\"subject\":\"Hello\",\"text\":\"line\\n\",\"headers\":{\"X-Tag\":\"t1\"}}",
                  &sub, &err),
        0);
    assert_string_equal(sub.from, "ann@example.org");
    assert_int_equal(sub.recipient_count, 3);
    assert_string_equal(sub.recipients[0], "bob@example.org");
    assert_string_equal(sub.recipients[1], "cy@example.org");
    assert_string_equal(sub.recipients[2], "dan@example.org");
    assert_int_equal(strlen(sub.source), sub.source_len);
    assert_non_null(strstr(sub.source, "From: Ann <ann@example.org>\r\n"));
    assert_non_null(strstr(sub.source, "To: Bob <bob@example.org>\r\n"));
    assert_non_null(strstr(sub.source, "Cc: cy@example.org\r\n"));
    assert_non_null(strstr(sub.source, "Subject: Hello\r\n"));
    assert_non_null(strstr(sub.source, "X-Tag: t1\r\n"));
    assert_non_null(strstr(sub.source, "\r\n\r\nline\r\n"));
    assert_null(strstr(sub.source, "dan@example.org"));
    envoid_submission_free(&sub);
}

static void test_structured_html_and_utf8_subject(void **state)
{
    (void)state;
    envoid_submission sub;
    envoi_error err = {0};
    assert_int_equal(
        from_json("{\"from\":\"a@example.org\",\"bcc\":\"b@example.org\","
                  "\"subject\":\"R\\u00e9union\",\"text\":\"t\",\"html\":\"<p>h</p>\"}",
                  &sub, &err),
        0);
    assert_int_equal(sub.recipient_count, 1);
    assert_non_null(strstr(sub.source, "multipart/alternative"));
    assert_non_null(strstr(sub.source, "Subject: =?"));
    assert_null(strstr(sub.source, "Bcc"));
    envoid_submission_free(&sub);
}

static void test_raw_is_kept_as_is(void **state)
{
    (void)state;
    envoid_submission sub;
    envoi_error err = {0};
    assert_int_equal(
        from_json("{\"from\":\"\",\"recipients\":[\"x@example.org\",\"Y <y@example.org>\"],"
                  "\"raw\":\"Subject: s\\r\\n\\r\\nbody\\n\"}",
                  &sub, &err),
        0);
    assert_string_equal(sub.from, "");
    assert_int_equal(sub.recipient_count, 2);
    assert_string_equal(sub.recipients[1], "y@example.org");
    assert_int_equal(sub.source_len, strlen("Subject: s\r\n\r\nbody\n"));
    assert_memory_equal(sub.source, "Subject: s\r\n\r\nbody\n", sub.source_len);
    envoid_submission_free(&sub);
}

static void test_refusals_name_the_field(void **state)
{
    (void)state;
    assert_refused("{\"from\":", ENVOI_EINVAL, "malformed JSON");
    assert_refused("[1]", ENVOI_EINVAL, "expected a JSON object");
    assert_refused(
        "{\"from\":\"a@example.org\",\"from\":\"b@example.org\",\"to\":\"c@example.org\"}",
        ENVOI_EINVAL, "malformed JSON");
    assert_refused("{\"to\":\"b@example.org\"}", ENVOI_EINVAL, "from: missing");
    assert_refused("{\"from\":1,\"to\":\"b@example.org\"}", ENVOI_EINVAL,
                   "from: expected a string");
    assert_refused("{\"from\":\"a@example.org\"}", ENVOI_EINVAL, "to: missing");
    assert_refused("{\"from\":\"a@example.org\",\"to\":[]}", ENVOI_EINVAL, "to: missing");
    assert_refused("{\"from\":\"a@example.org\",\"to\":{}}", ENVOI_EINVAL, "to: expected an array");
    assert_refused("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\",2]}", ENVOI_EINVAL,
                   "to[1]: expected a string");
    assert_refused("{\"from\":\"a@example.org\",\"cc\":[\"b@\"]}", ENVOI_EADDRESS,
                   "cc[0]: 'b@' is not an email address");
    assert_refused("{\"from\":\"nobody\",\"to\":\"b@example.org\"}", ENVOI_EADDRESS, "from:");
    assert_refused("{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"cc\":\"c@example."
                   "org\\r\\nBcc: x@example.org\"}",
                   ENVOI_EHEADER, "cc: CR, LF");
    assert_refused("{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"subject\":\"x\\r\\nBcc: "
                   "v@example.org\"}",
                   ENVOI_EHEADER, "subject: CR, LF");
    assert_refused(
        "{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"headers\":{\"X-A\":\"1\\nB: 2\"}}",
        ENVOI_EHEADER, "headers: X-A: CR, LF");
    assert_refused(
        "{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"headers\":{\"Bad Name\":\"1\"}}",
        ENVOI_EINVAL, "headers: 'Bad Name' is not allowed");
    assert_refused(
        "{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"headers\":{\"Subject\":\"1\"}}",
        ENVOI_EINVAL, "headers: 'Subject' is not allowed");
    assert_refused("{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"headers\":[]}",
                   ENVOI_EINVAL, "headers: expected an object");
    assert_refused("{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"attachments\":[]}",
                   ENVOI_EINVAL, "attachments: unknown field");
    assert_refused("{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"text\":\"\\u0000\"}",
                   ENVOI_EINVAL, "malformed JSON");
    assert_refused("{\"from\":\"a@example.org\",\"recipients\":[\"b@example.org\"]}", ENVOI_EINVAL,
                   "raw: missing");
    assert_refused("{\"from\":\"a@example.org\",\"raw\":\"Subject: x\\r\\n\\r\\n\"}", ENVOI_EINVAL,
                   "recipients: missing");
    assert_refused(
        "{\"from\":\"a@example.org\",\"recipients\":\"b@example.org\",\"raw\":\"hello\"}",
        ENVOI_EINVAL, "raw: not a message source");
    assert_refused("{\"from\":\"a@example.org\",\"recipients\":\"b@example.org\",\"raw\":\"\"}",
                   ENVOI_EINVAL, "raw: the message source is empty");
    assert_refused("{\"from\":\"a@example.org\",\"recipients\":\"b@example.org\",\"raw\":\"S: "
                   "x\",\"to\":\"c@example.org\"}",
                   ENVOI_EINVAL, "to: unknown field for a raw message");
}

static void test_size_limit(void **state)
{
    (void)state;
    envoid_submission sub;
    envoi_error err = {0};
    const char *raw = "{\"from\":\"a@example.org\",\"recipients\":\"b@example.org\","
                      "\"raw\":\"Subject: x\\r\\n\\r\\n0123456789\"}";
    assert_int_equal(envoid_submission_from_json(raw, strlen(raw), 24, &sub, &err), 0);
    envoid_submission_free(&sub);
    assert_int_equal(envoid_submission_from_json(raw, strlen(raw), 23, &sub, &err), ENVOI_ETOOBIG);
    assert_non_null(strstr(err.text, "over the limit of 23 bytes"));
    const char *structured = "{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"text\":\"x\"}";
    assert_int_equal(envoid_submission_from_json(structured, strlen(structured), 100, &sub, &err),
                     ENVOI_ETOOBIG);
    assert_null(sub.source);
}

static void test_from_raw_body(void **state)
{
    (void)state;
    envoid_submission sub;
    envoi_error err = {0};
    const char *src = "From: a@example.org\r\n\r\nhi\r\n";
    const char *to[] = {"b@example.org", "c@example.org"};
    assert_int_equal(envoid_submission_from_raw("<>", to, 2, src, strlen(src), LIMIT, &sub, &err),
                     0);
    assert_string_equal(sub.from, "");
    assert_int_equal(sub.recipient_count, 2);
    assert_string_equal(sub.source, src);
    envoid_submission_free(&sub);
    assert_int_equal(envoid_submission_from_raw(NULL, to, 2, src, strlen(src), LIMIT, &sub, &err),
                     ENVOI_EINVAL);
    assert_non_null(strstr(err.text, "from: missing"));
    assert_int_equal(
        envoid_submission_from_raw("a@example.org", to, 0, src, strlen(src), LIMIT, &sub, &err),
        ENVOI_EINVAL);
    assert_non_null(strstr(err.text, "to: missing"));
    const char *bad[] = {"b@example.org\r\nX"};
    assert_int_equal(
        envoid_submission_from_raw("a@example.org", bad, 1, src, strlen(src), LIMIT, &sub, &err),
        ENVOI_EHEADER);
    assert_int_equal(
        envoid_submission_from_raw("a@example.org", to, 1, "x\0y", 3, LIMIT, &sub, &err),
        ENVOI_EINVAL);
    assert_non_null(strstr(err.text, "NUL"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structured_envelope_and_source),
        cmocka_unit_test(test_structured_html_and_utf8_subject),
        cmocka_unit_test(test_raw_is_kept_as_is),
        cmocka_unit_test(test_refusals_name_the_field),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_from_raw_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
