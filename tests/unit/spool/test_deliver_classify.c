/* Classifying an SMTP attempt per recipient: 2xx sent with the relay's
 * queue id reply; 4xx, timeouts and broken connections deferred; 5xx
 * failed; a refused MAIL FROM or message decides for everyone; a refused
 * RCPT keeps its own verdict. Both from made-up session results and from a
 * real session against scripted servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "envoi/smtp.h"
#include "spool/relay.h"
#include "unit/smtp/fault_server.h"

static const char *const rcpts[] = {"a@example.net", "b@example.net", "c@example.net"};

static envoi_rcpt_status st(const char *addr, int code, const char *enh, const char *text,
                            bool accepted)
{
    return (envoi_rcpt_status){addr, code, enh, text, accepted};
}

static envoi_error error_of(int code, int reply, const char *enh, const char *text)
{
    envoi_error e = {.code = code, .reply_code = reply};
    snprintf(e.enhanced, sizeof e.enhanced, "%s", enh);
    snprintf(e.text, sizeof e.text, "%s", text);
    return e;
}

static void all_accepted_are_sent_with_the_queue_reply(void **state)
{
    envoi_rcpt_status s[] = {st(rcpts[0], 250, "2.1.5", "Ok", true),
                             st(rcpts[1], 250, "2.1.5", "Ok", true)};
    envoi_error e = {0};
    spool_outcomes o;
    assert_int_equal(spool_classify(0, &e, s, 2, "250 2.0.0 Ok: queued as 4XyZ", rcpts, 2, &o), 0);
    assert_int_equal(o.sent, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(o.results[i].outcome, SPOOL_OUT_SENT);
        assert_int_equal(o.results[i].reply_code, 250);
        assert_string_equal(o.results[i].reply, "250 2.0.0 Ok: queued as 4XyZ");
        assert_string_equal(o.results[i].recipient, rcpts[i]);
    }
    assert_string_equal(o.summary, "250 2.0.0 Ok: queued as 4XyZ");
    spool_outcomes_free(&o);
}

static void partial_send_keeps_each_verdict(void **state)
{
    envoi_rcpt_status s[] = {st(rcpts[0], 250, "2.1.5", "Ok", true),
                             st(rcpts[1], 550, "5.1.1", "User unknown", false),
                             st(rcpts[2], 450, "4.2.0", "Mailbox busy", false)};
    envoi_error e = {0};
    spool_outcomes o;
    assert_int_equal(spool_classify(0, &e, s, 3, "250 2.0.0 Ok: queued as 7", rcpts, 3, &o), 0);
    assert_int_equal(o.results[0].outcome, SPOOL_OUT_SENT);
    assert_int_equal(o.results[1].outcome, SPOOL_OUT_FAILED);
    assert_int_equal(o.results[1].reply_code, 550);
    assert_string_equal(o.results[1].reply, "550 5.1.1 User unknown");
    assert_int_equal(o.results[2].outcome, SPOOL_OUT_DEFERRED);
    assert_string_equal(o.results[2].reply, "450 4.2.0 Mailbox busy");
    assert_true(o.sent == 1 && o.failed == 1 && o.deferred == 1);
    spool_outcomes_free(&o);
}

static void refused_sender_decides_for_everyone(void **state)
{
    /* Pipelined: the RCPTs were answered 503 after the refused MAIL. */
    envoi_rcpt_status s[] = {st(rcpts[0], 503, "5.5.1", "need MAIL", false),
                             st(rcpts[1], 503, "5.5.1", "need MAIL", false)};
    envoi_error e =
        error_of(ENVOI_ETEMPFAIL, 451, "4.3.0", "sender refused (MAIL FROM): Temporary failure");
    spool_outcomes o;
    assert_int_equal(spool_classify(ENVOI_ETEMPFAIL, &e, s, 2, "", rcpts, 2, &o), 0);
    assert_int_equal(o.deferred, 2);
    assert_int_equal(o.results[0].reply_code, 451);
    spool_outcomes_free(&o);

    e = error_of(ENVOI_EPERMFAIL, 553, "5.7.1", "sender refused (MAIL FROM): not allowed");
    assert_int_equal(spool_classify(ENVOI_EPERMFAIL, &e, s, 2, "", rcpts, 2, &o), 0);
    assert_int_equal(o.failed, 2);
    assert_string_equal(o.results[1].reply, "553 5.7.1 sender refused (MAIL FROM): not allowed");
    spool_outcomes_free(&o);
}

static void refused_message_fails_or_defers_the_accepted(void **state)
{
    envoi_rcpt_status s[] = {st(rcpts[0], 250, "2.1.5", "Ok", false),
                             st(rcpts[1], 550, "5.1.1", "User unknown", false)};
    envoi_error e = error_of(ENVOI_EPERMFAIL, 554, "5.6.0", "message refused (end of DATA): spam");
    spool_outcomes o;
    assert_int_equal(spool_classify(ENVOI_EPERMFAIL, &e, s, 2, "554 5.6.0 spam", rcpts, 2, &o), 0);
    assert_int_equal(o.failed, 2);
    assert_int_equal(o.results[0].reply_code, 554);
    assert_int_equal(o.results[1].reply_code, 550);
    spool_outcomes_free(&o);

    e = error_of(ENVOI_ETEMPFAIL, 451, "4.3.0", "DATA refused: try later");
    assert_int_equal(spool_classify(ENVOI_ETEMPFAIL, &e, s, 2, "", rcpts, 2, &o), 0);
    assert_int_equal(o.results[0].outcome, SPOOL_OUT_DEFERRED);
    assert_int_equal(o.results[1].outcome, SPOOL_OUT_FAILED); /* its RCPT said 550 */
    spool_outcomes_free(&o);
}

static void broken_connections_and_timeouts_defer(void **state)
{
    int codes[] = {ENVOI_ECLOSED, ENVOI_ETIMEDOUT, ENVOI_ECONNECT,
                   ENVOI_ETLS,    ENVOI_EIO,       ENVOI_EPROTOCOL};
    envoi_rcpt_status s[] = {st(rcpts[0], 250, "2.1.5", "Ok", false)};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        envoi_error e = error_of(codes[i], 0, "", "the connection broke");
        spool_outcomes o;
        assert_int_equal(spool_classify(codes[i], &e, s, 1, "", rcpts, 1, &o), 0);
        assert_int_equal(o.results[0].outcome, SPOOL_OUT_DEFERRED);
        assert_int_equal(o.results[0].reply_code, 0);
        assert_string_equal(o.results[0].reply, "the connection broke");
        spool_outcomes_free(&o);
    }
}

static void hopeless_messages_fail_without_a_reply(void **state)
{
    envoi_error e = error_of(ENVOI_ETOOBIG, 0, "", "the message is larger than the server accepts");
    spool_outcomes o;
    assert_int_equal(spool_classify(ENVOI_ETOOBIG, &e, NULL, 0, "", rcpts, 2, &o), 0);
    assert_int_equal(o.failed, 2);
    spool_outcomes_free(&o);
}

static void all_refused_keeps_each_verdict(void **state)
{
    envoi_rcpt_status s[] = {st(rcpts[0], 550, "5.1.1", "unknown", false),
                             st(rcpts[1], 452, "4.2.2", "over quota", false)};
    envoi_error e = error_of(ENVOI_ENORCPT, 550, "5.1.1", "no recipient accepted: ...");
    spool_outcomes o;
    assert_int_equal(spool_classify(ENVOI_ENORCPT, &e, s, 2, "", rcpts, 2, &o), 0);
    assert_int_equal(o.results[0].outcome, SPOOL_OUT_FAILED);
    assert_int_equal(o.results[1].outcome, SPOOL_OUT_DEFERRED);
    spool_outcomes_free(&o);
}

/* A real session against a scripted server, pipelined: 550 for one
 * recipient, 250 for the other, the message accepted. */
static void real_session_partial(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 fault ESMTP\r\n"},
        {'E', "EHLO"},
        {'S', "250-fault\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n"},
        {'E', "MAIL FROM:<s@example.org>"},
        {'E', "RCPT TO:<a@example.net>"},
        {'E', "RCPT TO:<b@example.net>"},
        {'E', "DATA"},
        {'S', "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <b@example.net>: no such user\r\n"
              "354 go ahead\r\n"},
        {'D', NULL},
        {'S', "250 2.0.0 Ok: queued as ABC123\r\n"},
        {'E', "QUIT"},
        {'S', "221 bye\r\n"},
        {0, NULL},
    };
    fault_server fs;
    fs_start(&fs, script);
    spool_relay r = {.host = "127.0.0.1", .port = fs.port, .timeout_ms = 5000};
    envoi_smtp *s = envoi_smtp_new();
    assert_int_equal(spool_relay_configure(&r, s), 0);
    const char *to[] = {"a@example.net", "b@example.net"};
    int rc = envoi_smtp_send_data(s, "Subject: x\r\n\r\nhi\r\n", 19, "s@example.org", to, 2);
    spool_outcomes o;
    assert_int_equal(spool_classify_session(s, rc, to, 2, &o), 0);
    assert_int_equal(o.results[0].outcome, SPOOL_OUT_SENT);
    assert_string_equal(o.results[0].reply, "250 2.0.0 Ok: queued as ABC123");
    assert_int_equal(o.results[1].outcome, SPOOL_OUT_FAILED);
    assert_int_equal(o.results[1].reply_code, 550);
    spool_outcomes_free(&o);
    envoi_smtp_quit(s);
    envoi_smtp_free(s);
    assert_string_equal(fs_finish(&fs), "");
    fs_free(&fs);
}

/* A stall after MAIL: the timeout defers everyone. */
static void real_session_timeout(void **state)
{
    static const struct fs_step script[] = {
        {'S', "220 fault ESMTP\r\n"},
        {'E', "EHLO"},
        {'S', "250-fault\r\n250 ENHANCEDSTATUSCODES\r\n"},
        {'E', "MAIL FROM:"},
        {'W', NULL},
        {0, NULL},
    };
    fault_server fs;
    fs_start(&fs, script);
    spool_relay r = {.host = "127.0.0.1", .port = fs.port, .timeout_ms = 300};
    envoi_smtp *s = envoi_smtp_new();
    assert_int_equal(spool_relay_configure(&r, s), 0);
    const char *to[] = {"a@example.net"};
    int rc = envoi_smtp_send_data(s, "Subject: x\r\n\r\nhi\r\n", 19, "s@example.org", to, 1);
    assert_int_equal(rc, ENVOI_ETIMEDOUT);
    spool_outcomes o;
    assert_int_equal(spool_classify_session(s, rc, to, 1, &o), 0);
    assert_int_equal(o.results[0].outcome, SPOOL_OUT_DEFERRED);
    spool_outcomes_free(&o);
    envoi_smtp_free(s);
    fs_finish(&fs);
    fs_free(&fs);
}

static void relay_copy_and_label_keep_secrets_out(void **state)
{
    spool_relay r = {.name = "acct",
                     .host = "smtp.example.org",
                     .port = 587,
                     .user = "u",
                     .password = "hunter2"};
    spool_relay c;
    assert_int_equal(spool_relay_copy(&c, &r), 0);
    assert_ptr_not_equal(c.password, r.password);
    assert_string_equal(c.password, "hunter2");
    char label[128];
    assert_int_equal(spool_relay_label(&c, label, sizeof label), 0);
    assert_string_equal(label, "acct (smtp.example.org:587)");
    assert_null(strstr(label, "hunter2"));
    spool_relay_clear(&c);
    assert_null(c.password);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_accepted_are_sent_with_the_queue_reply),
        cmocka_unit_test(partial_send_keeps_each_verdict),
        cmocka_unit_test(refused_sender_decides_for_everyone),
        cmocka_unit_test(refused_message_fails_or_defers_the_accepted),
        cmocka_unit_test(broken_connections_and_timeouts_defer),
        cmocka_unit_test(hopeless_messages_fail_without_a_reply),
        cmocka_unit_test(all_refused_keeps_each_verdict),
        cmocka_unit_test(real_session_partial),
        cmocka_unit_test(real_session_timeout),
        cmocka_unit_test(relay_copy_and_label_keep_secrets_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
