/* A message that keeps being deferred until the queue's expiry ends in
 * error, and its sender gets a notification saying the delivery gave up
 * (Action: failed, Status: 5.4.7) with the last words heard. */
#include "test_deliver_helpers.h"

#include "spool/queue_test.h"

/* The source of the queued notification (free it), or NULL. */
static char *find_notification(dt *t)
{
    spool_info *list;
    size_t count;
    envoi_error err;
    assert_int_equal(spool_queue_list(t->q, -1, NULL, 0, 100, &list, &count, &err), 0);
    char *found = NULL;
    for (size_t i = 0; i < count; i++) {
        if (!found && list[i].from && !*list[i].from) {
            void *src;
            size_t len;
            assert_int_equal(spool_queue_source(t->q, list[i].id, &src, &len, &err), 0);
            found = strndup(src, len);
            free(src);
        }
        spool_info_free(&list[i]);
    }
    free(list);
    return found;
}

static void expiry_sends_a_gave_up_notification(void **state)
{
    dt *t = *state;
    const char *to[] = {"bob@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "never arrives", id);
    spool_relay r = dt_relay(t); /* nothing listens on the port */
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, id, SPOOL_PENDING, 1, &info);
    spool_info_free(&info);

    /* Five days later, past the four-day expiry: the next try is the last. */
    spool_queue_shift_clock(t->q, 5LL * 24 * 3600 * 1000);
    envoi_error err;
    assert_int_equal(spool_queue_retry(t->q, id, &err), 0);
    spool_delivery_wake(d);
    dt_wait_status(t, id, SPOOL_ERROR, 2, &info);
    assert_non_null(strstr(info.reason, "expired"));
    spool_info_free(&info);

    char *dsn = NULL;
    for (int waited = 0; !(dsn = find_notification(t)); waited += 20) {
        if (waited > DT_WAIT_MS)
            fail_msg("no notification queued");
        dt_sleep_ms(20);
    }
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_int_equal(st.dsn_queued, 1);
    assert_non_null(strstr(dsn, "To: <alice@example.org>\r\n"));
    assert_non_null(strstr(dsn, "Final-Recipient: rfc822; bob@example.net\r\n"
                                "Action: failed\r\nStatus: 5.4.7\r\n"));
    assert_non_null(strstr(dsn, "Diagnostic-Code: X-Envoi;"));
    free(dsn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(expiry_sends_a_gave_up_notification, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
