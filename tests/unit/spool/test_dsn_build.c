/* Delivery status notifications: the multipart/report built for failed and
 * delayed recipients parses back with envoi's parser and with Python's
 * email package into the expected parts and per-recipient fields; the
 * status code comes from the relay's enhanced code; never for the null
 * sender. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "envoi/parse.h"
#include "spool/dsn.h"

static const char original[] = "From: Alice <alice@example.org>\r\n"
                               "To: bob@example.net, carol@example.net\r\n"
                               "Subject: Quarterly report\r\n"
                               "Message-ID: <orig-1@example.org>\r\n"
                               "\r\n"
                               "The body must not be returned.\r\n";

static const spool_dsn_rcpt two[] = {
    {"bob@example.net", false, false, 550,
     "550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in local table"},
    {"carol@example.net", false, true, 451, "451 4.3.0 Temporary lookup failure"},
};

static void build(const spool_dsn_rcpt *r, size_t n, envoi_buf *out)
{
    spool_dsn d = {"mx.example.org",
                   "relay.example.net",
                   "alice@example.org",
                   "0abc123",
                   1700000000000LL,
                   1700000300000LL,
                   original,
                   sizeof original - 1,
                   r,
                   n};
    assert_int_equal(spool_dsn_build(&d, out), 0);
}

static const envoi_part *child_of_type(const envoi_part *p, const char *type)
{
    for (size_t i = 0; i < envoi_part_child_count(p); i++)
        if (strcmp(envoi_part_content_type(envoi_part_child(p, i)), type) == 0)
            return envoi_part_child(p, i);
    return NULL;
}

static char *body_text(const envoi_part *p)
{
    const void *data;
    size_t len;
    assert_int_equal(envoi_part_body(p, &data, &len), 0);
    return strndup(data, len);
}

static void parses_into_report_parts(void **state)
{
    envoi_buf b = ENVOI_BUF_INIT;
    build(two, 2, &b);
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(b.data, b.len, &m), 0);
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_content_type(root), "multipart/report");
    assert_string_equal(envoi_part_param(root, "report-type"), "delivery-status");
    assert_int_equal(envoi_part_child_count(root), 3);
    assert_string_equal(envoi_part_content_type(envoi_part_child(root, 0)), "text/plain");
    assert_string_equal(envoi_part_content_type(envoi_part_child(root, 1)),
                        "message/delivery-status");
    assert_string_equal(envoi_part_content_type(envoi_part_child(root, 2)), "text/rfc822-headers");
    assert_int_equal(envoi_message_defect_count(m), 0);

    const char *name, *addr;
    assert_int_equal(envoi_message_address_at(m, ENVOI_FIELD_FROM, 0, &name, &addr), 0);
    assert_string_equal(addr, "MAILER-DAEMON@mx.example.org");
    assert_int_equal(envoi_message_address_at(m, ENVOI_FIELD_TO, 0, &name, &addr), 0);
    assert_string_equal(addr, "alice@example.org");
    assert_string_equal(envoi_part_header(root, "Auto-Submitted"), "auto-replied");

    char *status = body_text(child_of_type(root, "message/delivery-status"));
    assert_non_null(strstr(status, "Reporting-MTA: dns; mx.example.org\r\n"));
    assert_non_null(strstr(status, "Arrival-Date: "));
    assert_non_null(strstr(status, "Final-Recipient: rfc822; bob@example.net\r\n"
                                   "Action: failed\r\nStatus: 5.1.1\r\n"
                                   "Remote-MTA: dns; relay.example.net\r\n"
                                   "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>:"));
    assert_non_null(strstr(status, "Final-Recipient: rfc822; carol@example.net\r\n"
                                   "Action: failed\r\nStatus: 5.4.7\r\n"));
    assert_non_null(strstr(status, "Last-Attempt-Date: "));
    free(status);

    char *hdrs = body_text(child_of_type(root, "text/rfc822-headers"));
    assert_non_null(strstr(hdrs, "Subject: Quarterly report\r\n"));
    assert_non_null(strstr(hdrs, "Message-ID: <orig-1@example.org>\r\n"));
    assert_null(strstr(hdrs, "The body"));
    free(hdrs);

    char *text = body_text(child_of_type(root, "text/plain"));
    assert_non_null(strstr(text, "<bob@example.net>"));
    assert_non_null(strstr(text, "User unknown"));
    free(text);
    envoi_message_free(m);
    envoi_buf_free(&b);
}

static void python_reads_the_report(void **state)
{
    if (access("/usr/bin/python3", X_OK) != 0)
        skip();
    envoi_buf b = ENVOI_BUF_INIT;
    build(two, 2, &b);
    char path[] = "/tmp/envoi-dsn-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
    close(fd);
    static const char script[] =
        "import email, email.policy, sys\n"
        "m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n"
        "assert not m.defects, m.defects\n"
        "assert m.get_content_type() == 'multipart/report'\n"
        "assert m.get_param('report-type') == 'delivery-status'\n"
        "parts = m.get_payload()\n"
        "assert [p.get_content_type() for p in parts] == ['text/plain', "
        "'message/delivery-status', 'text/rfc822-headers'], parts\n"
        "blocks = parts[1].get_payload()\n"
        "assert len(blocks) == 3, len(blocks)\n"
        "assert blocks[0]['Reporting-MTA'] == 'dns; mx.example.org'\n"
        "assert blocks[1]['Final-Recipient'] == 'rfc822; bob@example.net'\n"
        "assert blocks[1]['Action'] == 'failed' and blocks[1]['Status'] == '5.1.1'\n"
        "assert 'User unknown' in str(blocks[1]['Diagnostic-Code'])\n"
        "assert blocks[2]['Final-Recipient'] == 'rfc822; carol@example.net'\n"
        "assert blocks[2]['Status'] == '5.4.7'\n"
        "assert 'Quarterly report' in parts[2].get_content()\n";
    pid_t pid = fork();
    if (pid == 0) {
        execl("/usr/bin/python3", "python3", "-c", script, path, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    unlink(path);
    envoi_buf_free(&b);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void delayed_report_says_delayed(void **state)
{
    spool_dsn_rcpt r = {"dan@example.net", true, false, 450, "450 4.2.0 Mailbox busy"};
    envoi_buf b = ENVOI_BUF_INIT;
    build(&r, 1, &b);
    assert_non_null(strstr(b.data, "Action: delayed\r\nStatus: 4.2.0\r\n"));
    assert_non_null(strstr(b.data, "Subject: Delayed Mail"));
    envoi_buf_free(&b);
}

static void status_codes(void **state)
{
    char s[16];
    spool_dsn_rcpt r = {"x@example.net", false, false, 550, "550 5.7.1 Relaying denied"};
    spool_dsn_status(&r, s, sizeof s);
    assert_string_equal(s, "5.7.1");
    r.reply = "550 Relaying denied"; /* no enhanced code */
    spool_dsn_status(&r, s, sizeof s);
    assert_string_equal(s, "5.0.0");
    r.reply_code = 0;
    r.reply = "connection refused";
    spool_dsn_status(&r, s, sizeof s);
    assert_string_equal(s, "5.0.0");
    r.expired = true;
    spool_dsn_status(&r, s, sizeof s);
    assert_string_equal(s, "5.4.7");
    r = (spool_dsn_rcpt){"x@example.net", true, false, 451, "451 4.4.1 No answer"};
    spool_dsn_status(&r, s, sizeof s);
    assert_string_equal(s, "4.4.1");
    r.delayed = false; /* a 4.x.x code never goes with Action: failed */
    spool_dsn_status(&r, s, sizeof s);
    assert_string_equal(s, "5.0.0");
}

static void never_to_the_null_sender(void **state)
{
    assert_false(spool_dsn_wanted(""));
    assert_false(spool_dsn_wanted("<>"));
    assert_false(spool_dsn_wanted(NULL));
    assert_true(spool_dsn_wanted("alice@example.org"));
    spool_dsn d = {NULL, NULL, "", NULL, 0, 0, original, sizeof original - 1, two, 2};
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(spool_dsn_build(&d, &b), ENVOI_EINVAL);
    assert_int_equal(b.len, 0);
    d.sender = "alice@example.org\r\nBcc: x@example.com";
    assert_int_equal(spool_dsn_build(&d, &b), ENVOI_EINVAL);
    envoi_buf_free(&b);
}

static void long_words_are_folded(void **state)
{
    char reply[700];
    size_t len = (size_t)snprintf(reply, sizeof reply, "550 5.7.1");
    for (int i = 0; i < 60; i++)
        len += (size_t)snprintf(reply + len, sizeof reply - len, " blocked");
    spool_dsn_rcpt r = {"x@example.net", false, false, 550, reply};
    envoi_buf b = ENVOI_BUF_INIT;
    build(&r, 1, &b);
    for (const char *line = b.data; *line;) {
        const char *end = strstr(line, "\r\n");
        assert_non_null(end);
        assert_true(end - line <= 78);
        line = end + 2;
    }
    envoi_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_into_report_parts),    cmocka_unit_test(python_reads_the_report),
        cmocka_unit_test(delayed_report_says_delayed), cmocka_unit_test(status_codes),
        cmocka_unit_test(never_to_the_null_sender),    cmocka_unit_test(long_words_are_folded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
