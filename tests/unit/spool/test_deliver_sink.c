/* Delivery workers against Postfix's smtp-sink: many messages through two
 * workers over one connection each, a connection idle too long replaced,
 * and a graceful stop that gives back the leases not started. */
#include "test_deliver_helpers.h"

static void two_workers_two_connections(void **state)
{
    dt *t = *state;
    dt_smtp_sink(t);
    const char *to[] = {"bob@example.net", NULL};
    enum { N = 200 };
    char(*ids)[SPOOL_ID_SIZE] = calloc(N, SPOOL_ID_SIZE);
    for (int i = 0; i < N; i++)
        dt_submit(t, "alice@example.org", to, "sink", ids[i]);
    spool_relay r = dt_relay(t);
    spool_delivery_opts o = dt_opts(t);
    o.lease_batch = 8;
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 2, "test", &o, &d), 0);
    t->d = d;
    for (int i = 0; i < N; i++) {
        spool_info info;
        dt_wait_status(t, ids[i], SPOOL_SENT, 1, &info);
        assert_int_equal(strncmp(info.reason, "250", 3), 0);
        spool_info_free(&info);
    }
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_int_equal(st.attempts, N);
    assert_true(st.connections >= 1 && st.connections <= 2);
    free(ids);
}

static void connection_limit_is_shared(void **state)
{
    dt *t = *state;
    dt_smtp_sink(t);
    const char *to[] = {"bob@example.net", NULL};
    enum { N = 20 };
    char ids[N][SPOOL_ID_SIZE];
    for (int i = 0; i < N; i++)
        dt_submit(t, "alice@example.org", to, "limited", ids[i]);
    spool_relay r = dt_relay(t);
    r.max_connections = 1;
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 3, "test", &o, &d), 0);
    t->d = d;
    for (int i = 0; i < N; i++) {
        spool_info info;
        dt_wait_status(t, ids[i], SPOOL_SENT, 1, &info);
        assert_int_equal(info.attempts, 1);
        spool_info_free(&info);
    }
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_int_equal(st.connections, 1);
    assert_int_equal(st.attempts, N);
}

static void idle_connection_is_replaced(void **state)
{
    dt *t = *state;
    dt_smtp_sink(t);
    const char *to[] = {"bob@example.net", NULL};
    spool_relay r = dt_relay(t);
    r.idle_ms = 50;
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
    dt_sleep_ms(400); /* well past the idle time */
    dt_submit(t, "alice@example.org", to, "second", id);
    spool_delivery_wake(d);
    dt_wait_status(t, id, SPOOL_SENT, 1, &info);
    spool_info_free(&info);
    spool_delivery_stats st;
    spool_delivery_get_stats(d, &st);
    dt_stop(t);
    assert_int_equal(st.connections, 2);
}

static void stop_gives_back_unstarted_leases(void **state)
{
    dt *t = *state;
    dt_smtp_sink(t);
    const char *to[] = {"bob@example.net", NULL};
    enum { N = 8 };
    char ids[N][SPOOL_ID_SIZE];
    for (int i = 0; i < N; i++)
        dt_submit(t, "alice@example.org", to, "slow", ids[i]);
    spool_relay r = dt_relay(t);
    r.rate = 0.5; /* one message now, the next in two seconds */
    spool_delivery_opts o = dt_opts(t);
    o.lease_batch = 4;
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, ids[0], SPOOL_SENT, 1, &info);
    spool_info_free(&info);
    dt_stop(t);
    spool_counts c;
    envoi_error err;
    assert_int_equal(spool_queue_counts(t->q, &c, &err), 0);
    assert_true(c.sent >= 1 && c.sent < N);
    /* Every message still pending can be leased at once by someone else. */
    spool_lease *leases;
    size_t count;
    assert_int_equal(spool_queue_lease(t->q, "other", 100, 60000, &leases, &count, &err), 0);
    assert_int_equal(count, c.pending);
    assert_int_equal(c.pending + c.sent, N);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(leases[i].attempts, 0); /* given back untried */
        spool_lease_free(&leases[i]);
    }
    free(leases);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(two_workers_two_connections, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(connection_limit_is_shared, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(idle_connection_is_replaced, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(stop_gives_back_unstarted_leases, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
