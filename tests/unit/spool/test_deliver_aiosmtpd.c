/* Delivery workers against aiosmtpd (a real SMTP server on loopback):
 * messages sent with the relay's queued-as reply over one reused
 * connection; a 550 for one recipient fails it, sends to the others and
 * queues a notification naming only it; a 450 then, retried, a 250; the
 * relay down then up. */
#include "test_deliver_helpers.h"

#include "envoi/parse.h"

static void many_messages_over_one_connection(void **state)
{
    dt *t = *state;
    dt_aiosmtpd(t, NULL, NULL, NULL, NULL);
    const char *to[] = {"bob@example.net", "carol@example.net", NULL};
    char ids[30][SPOOL_ID_SIZE];
    for (int i = 0; i < 30; i++)
        dt_submit(t, "alice@example.org", to, "many", ids[i]);
    spool_relay r = dt_relay(t);
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    for (int i = 0; i < 30; i++) {
        spool_info info;
        dt_wait_status(t, ids[i], SPOOL_SENT, 1, &info);
        assert_non_null(strstr(info.reason, "250"));
        assert_non_null(strstr(info.reason, "queued as"));
        assert_int_equal(info.recipient_count, 2);
        assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_SENT);
        spool_info_free(&info);
    }
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_int_equal(st.attempts, 30);
    assert_int_equal(st.connections, 1);
    char path[512];
    snprintf(path, sizeof path, "%s/save/commands.log", t->peer);
    assert_int_equal(dt_count_lines(path, "EHLO"), 1); /* the server saw one session */
    assert_int_equal(dt_count_lines(path, "DATA"), 30);
    char *log = dt_log_text(t);
    assert_non_null(strstr(log, ids[0]));
    assert_non_null(strstr(log, "result=sent"));
    free(log);
}

/* The saved message whose envelope sender is null, or NULL. */
static char *find_null_sender_message(dt *t, char *json_out, size_t size)
{
    char path[512];
    for (int i = 1; i < 100; i++) {
        snprintf(path, sizeof path, "%s/save/msg-%04d.json", t->peer, i);
        char *json = dt_read_file(path, NULL);
        if (!json)
            continue;
        bool null_sender = strstr(json, "\"mail_from\": \"<>\"") != NULL;
        snprintf(json_out, size, "%s", json);
        free(json);
        if (null_sender) {
            snprintf(path, sizeof path, "%s/save/msg-%04d.eml", t->peer, i);
            return dt_read_file(path, NULL);
        }
    }
    return NULL;
}

static void refused_recipient_fails_and_notifies_sender(void **state)
{
    dt *t = *state;
    dt_aiosmtpd(t, "--refuse", "nobody@example.net", NULL, NULL);
    const char *to[] = {"bob@example.net", "nobody@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "partly refused", id);
    spool_relay r = dt_relay(t);
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, id, SPOOL_ERROR, 1, &info);
    assert_string_equal(info.recipients[0].address, "bob@example.net");
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_SENT);
    assert_int_equal(info.recipients[1].outcome, SPOOL_OUT_FAILED);
    assert_int_equal(info.recipients[1].reply_code, 550);
    assert_non_null(strstr(info.recipients[1].reply, "5.1.1"));
    spool_info_free(&info);

    /* The notification is queued with the null sender and delivered too. */
    char json[4096] = "", *dsn = NULL;
    for (int waited = 0; !(dsn = find_null_sender_message(t, json, sizeof json)); waited += 20) {
        if (waited > DT_WAIT_MS) {
            char *log = dt_log_text(t);
            fail_msg("no notification delivered; log:\n%s", log);
        }
        dt_sleep_ms(20);
    }
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_int_equal(st.dsn_queued, 1);
    assert_non_null(strstr(json, "alice@example.org"));

    envoi_message *m;
    assert_int_equal(envoi_message_parse(dsn, strlen(dsn), &m), 0);
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_content_type(root), "multipart/report");
    const envoi_part *report = envoi_part_child(root, 1);
    assert_string_equal(envoi_part_content_type(report), "message/delivery-status");
    const void *body;
    size_t len;
    assert_int_equal(envoi_part_body(report, &body, &len), 0);
    char *text = strndup(body, len);
    assert_non_null(strstr(text, "Final-Recipient: rfc822; nobody@example.net"));
    assert_null(strstr(text, "bob@example.net")); /* only the failed one */
    assert_non_null(strstr(text, "Status: 5.1.1"));
    assert_non_null(strstr(text, "Diagnostic-Code: smtp; 550"));
    assert_non_null(strstr(text, "Remote-MTA: dns; 127.0.0.1"));
    free(text);
    envoi_message_free(m);
    free(dsn);
}

static void no_notification_about_a_notification(void **state)
{
    dt *t = *state;
    dt_aiosmtpd(t, "--refuse", "nobody@example.net", NULL, NULL);
    const char *to[] = {"nobody@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "", to, "a bounce that bounces", id);
    spool_relay r = dt_relay(t);
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, id, SPOOL_ERROR, 1, &info);
    spool_info_free(&info);
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_int_equal(st.dsn_queued, 0);
    spool_counts c;
    envoi_error err;
    assert_int_equal(spool_queue_counts(t->q, &c, &err), 0);
    assert_int_equal(c.pending + c.sent + c.error, 1); /* nothing else was queued */
}

static void tempfail_then_retry_sends(void **state)
{
    dt *t = *state;
    dt_aiosmtpd(t, "--tempfail", "busy@example.net", NULL, NULL);
    const char *to[] = {"busy@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "busy", id);
    spool_relay r = dt_relay(t);
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, id, SPOOL_PENDING, 1, &info);
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_DEFERRED);
    assert_int_equal(info.recipients[0].reply_code, 450);
    assert_true(info.next_try_ms > info.submitted_ms);
    spool_info_free(&info);

    /* The mailbox is free again: the same server, without --tempfail. */
    dt_peer_stop(t);
    dt_aiosmtpd(t, NULL, NULL, NULL, NULL);
    envoi_error err;
    assert_int_equal(spool_queue_retry(t->q, id, &err), 0);
    spool_delivery_wake(d);
    dt_wait_status(t, id, SPOOL_SENT, 2, &info);
    assert_non_null(strstr(info.reason, "queued as"));
    spool_info_free(&info);
    dt_stop(t);
}

static void relay_down_then_up(void **state)
{
    dt *t = *state;
    const char *to[] = {"bob@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "down", id);
    spool_relay r = dt_relay(t);
    r.name = "main";
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 2, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, id, SPOOL_PENDING, 1, &info);
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_DEFERRED);
    assert_int_equal(info.recipients[0].reply_code, 0);
    spool_info_free(&info);

    dt_aiosmtpd(t, NULL, NULL, NULL, NULL);
    envoi_error err;
    assert_int_equal(spool_queue_retry(t->q, id, &err), 0);
    spool_delivery_wake(d);
    dt_wait_status(t, id, SPOOL_SENT, 2, &info);
    spool_info_free(&info);
    dt_stop(t);
    char *log = dt_log_text(t);
    assert_non_null(strstr(log, "relay=main (127.0.0.1:"));
    assert_non_null(strstr(log, "result=deferred"));
    free(log);
}

/* The relay closed the kept connection between two messages (restarted):
 * the next message goes over a fresh one, on its first attempt. */
static void closed_connection_is_reopened(void **state)
{
    dt *t = *state;
    dt_aiosmtpd(t, NULL, NULL, NULL, NULL);
    const char *to[] = {"bob@example.net", NULL};
    spool_relay r = dt_relay(t);
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    char id[SPOOL_ID_SIZE];
    spool_info info;
    dt_submit(t, "alice@example.org", to, "first", id);
    spool_delivery_wake(d);
    dt_wait_status(t, id, SPOOL_SENT, 1, &info);
    spool_info_free(&info);
    dt_peer_stop(t);
    dt_aiosmtpd(t, NULL, NULL, NULL, NULL);
    dt_submit(t, "alice@example.org", to, "second", id);
    spool_delivery_wake(d);
    dt_wait_status(t, id, SPOOL_SENT, 1, &info);
    assert_int_equal(info.attempts, 1);
    spool_info_free(&info);
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_int_equal(st.connections, 2);
    char *log = dt_log_text(t);
    assert_null(strstr(log, "result=deferred"));
    free(log);
}

/* A login the relay cannot take (no TLS): a relay problem, so deferred,
 * never failed; the password appears nowhere. */
static void login_trouble_defers_without_leaking(void **state)
{
    dt *t = *state;
    dt_aiosmtpd(t, NULL, NULL, NULL, NULL);
    const char *to[] = {"bob@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "login", id);
    spool_relay r = dt_relay(t);
    r.user = "alice";
    r.password = "very-secret-password";
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, id, SPOOL_PENDING, 1, &info);
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_DEFERRED);
    assert_non_null(strstr(info.recipients[0].reply, "login"));
    assert_null(strstr(info.recipients[0].reply, "very-secret-password"));
    spool_info_free(&info);
    dt_stop(t);
    char *log = dt_log_text(t);
    assert_null(strstr(log, "very-secret-password"));
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(many_messages_over_one_connection, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(refused_recipient_fails_and_notifies_sender, dt_setup,
                                        dt_teardown),
        cmocka_unit_test_setup_teardown(no_notification_about_a_notification, dt_setup,
                                        dt_teardown),
        cmocka_unit_test_setup_teardown(tempfail_then_retry_sends, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(relay_down_then_up, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(closed_connection_is_reopened, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(login_trouble_defers_without_leaking, dt_setup,
                                        dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
