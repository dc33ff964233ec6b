/* Delivery workers against a scripted server, for faults real servers do
 * not make on demand: a stall (timeout: deferred), a 4xx to DATA (all
 * deferred), a 5xx to the message (all failed, then the notification goes
 * out over the same connection), a 5xx to MAIL FROM (all failed). */
#include "test_deliver_helpers.h"
#include "unit/smtp/fault_server.h"

#define GREET                                                                                      \
    {'S', "220 fault ESMTP\r\n"}, {'E', "EHLO"},                                                   \
    {                                                                                              \
        'S', "250-fault\r\n250 ENHANCEDSTATUSCODES\r\n"                                            \
    }

static spool_delivery *start(dt *t, unsigned port, int timeout_ms)
{
    spool_relay r = {.host = "127.0.0.1", .port = port, .timeout_ms = timeout_ms};
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    return d;
}

static void stall_times_out_and_defers(void **state)
{
    dt *t = *state;
    static const struct fs_step script[] = {GREET, {'E', "MAIL FROM:"}, {'W', NULL}, {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    const char *to[] = {"bob@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "stall", id);
    start(t, fs.port, 300);
    spool_info info;
    dt_wait_status(t, id, SPOOL_PENDING, 1, &info);
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_DEFERRED);
    assert_int_equal(info.recipients[0].reply_code, 0);
    assert_non_null(strstr(info.recipients[0].reply, "timed out"));
    spool_info_free(&info);
    dt_stop(t);
    fs_finish(&fs);
    fs_free(&fs);
}

static void tempfail_at_data_defers_everyone(void **state)
{
    dt *t = *state;
    static const struct fs_step script[] = {GREET,
                                            {'E', "MAIL FROM:<alice@example.org>"},
                                            {'S', "250 2.1.0 Ok\r\n"},
                                            {'E', "RCPT TO:<bob@example.net>"},
                                            {'S', "250 2.1.5 Ok\r\n"},
                                            {'E', "RCPT TO:<carol@example.net>"},
                                            {'S', "250 2.1.5 Ok\r\n"},
                                            {'E', "DATA"},
                                            {'S', "451 4.3.0 Queue file write error\r\n"},
                                            {'E', "RSET"},
                                            {'S', "250 2.0.0 Ok\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "221 Bye\r\n"},
                                            {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    const char *to[] = {"bob@example.net", "carol@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "data 451", id);
    start(t, fs.port, 5000);
    spool_info info;
    dt_wait_status(t, id, SPOOL_PENDING, 1, &info);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(info.recipients[i].outcome, SPOOL_OUT_DEFERRED);
        assert_int_equal(info.recipients[i].reply_code, 451);
    }
    spool_info_free(&info);
    dt_stop(t);
    assert_string_equal(fs_finish(&fs), "");
    fs_free(&fs);
}

static void refused_message_fails_everyone_and_notifies(void **state)
{
    dt *t = *state;
    static const struct fs_step script[] = {GREET,
                                            {'E', "MAIL FROM:<alice@example.org>"},
                                            {'S', "250 2.1.0 Ok\r\n"},
                                            {'E', "RCPT TO:<bob@example.net>"},
                                            {'S', "250 2.1.5 Ok\r\n"},
                                            {'E', "RCPT TO:<carol@example.net>"},
                                            {'S', "250 2.1.5 Ok\r\n"},
                                            {'E', "DATA"},
                                            {'S', "354 go ahead\r\n"},
                                            {'D', NULL},
                                            {'S', "554 5.7.1 Message rejected as spam\r\n"},
                                            /* The notification, over the same connection. */
                                            {'E', "MAIL FROM:<>"},
                                            {'S', "250 2.1.0 Ok\r\n"},
                                            {'E', "RCPT TO:<alice@example.org>"},
                                            {'S', "250 2.1.5 Ok\r\n"},
                                            {'E', "DATA"},
                                            {'S', "354 go ahead\r\n"},
                                            {'D', NULL},
                                            {'S', "250 2.0.0 Ok: queued as DSN1\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "221 Bye\r\n"},
                                            {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    const char *to[] = {"bob@example.net", "carol@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "spam", id);
    spool_delivery *d = start(t, fs.port, 5000);
    spool_info info;
    dt_wait_status(t, id, SPOOL_ERROR, 1, &info);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(info.recipients[i].outcome, SPOOL_OUT_FAILED);
        assert_int_equal(info.recipients[i].reply_code, 554);
    }
    spool_info_free(&info);
    for (int waited = 0; fs.steps_done < 21; waited += 20) {
        if (waited > DT_WAIT_MS)
            fail_msg("the notification never came: %s", fs.failure);
        dt_sleep_ms(20);
    }
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_string_equal(fs_finish(&fs), "");
    assert_int_equal(st.connections, 1);
    assert_non_null(strstr(fs.body, "multipart/report"));
    assert_non_null(strstr(fs.body, "Final-Recipient: rfc822; bob@example.net"));
    assert_non_null(strstr(fs.body, "Final-Recipient: rfc822; carol@example.net"));
    assert_non_null(strstr(fs.body, "Status: 5.7.1"));
    assert_non_null(strstr(fs.body, "Message rejected as spam"));
    fs_free(&fs);
}

static void refused_sender_fails_everyone(void **state)
{
    dt *t = *state;
    static const struct fs_step script[] = {GREET,
                                            {'E', "MAIL FROM:<>"},
                                            {'S', "553 5.7.1 Sender not allowed\r\n"},
                                            {'E', "RSET"},
                                            {'S', "250 2.0.0 Ok\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "221 Bye\r\n"},
                                            {0, NULL}};
    fault_server fs;
    fs_start(&fs, script);
    const char *to[] = {"bob@example.net", "carol@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "", to, "mail from 553", id);
    start(t, fs.port, 5000);
    spool_info info;
    dt_wait_status(t, id, SPOOL_ERROR, 1, &info);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(info.recipients[i].outcome, SPOOL_OUT_FAILED);
        assert_int_equal(info.recipients[i].reply_code, 553);
    }
    spool_info_free(&info);
    dt_stop(t);
    assert_string_equal(fs_finish(&fs), "");
    fs_free(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stall_times_out_and_defers, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(tempfail_at_data_defers_everyone, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(refused_message_fails_everyone_and_notifies, dt_setup,
                                        dt_teardown),
        cmocka_unit_test_setup_teardown(refused_sender_fails_everyone, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
