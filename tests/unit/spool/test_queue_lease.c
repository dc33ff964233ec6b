/* Leases and recorded attempts: sent, deferred with the next try inside the
 * policy's window, 5xx for some recipients, expiry, a lost lease, a lease
 * given back, and when the next message is due. */
#include "test_queue_helpers.h"

#define MINUTE_MS 60000

static const char *const two[] = {"b@example.net", "c@example.net"};

static spool_lease *lease_one(qfix *f, const char *owner, const char *expect_id)
{
    spool_lease *l;
    size_t n;
    envoi_error err;
    assert_int_equal(spool_queue_lease(f->q, owner, 10, MINUTE_MS, &l, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].id, expect_id);
    return l;
}

static void drop(spool_lease *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spool_lease_free(&l[i]);
    free(l);
}

static void test_lease_hands_out_due_message_once(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit(f->q, "a@example.org", two, 2, id);
    spool_lease *l = lease_one(f, "w1", id);
    assert_string_equal(l[0].from, "a@example.org");
    assert_int_equal(l[0].recipient_count, 2);
    assert_string_equal(l[0].recipients[1], "c@example.net");
    assert_int_equal(l[0].source_len, sizeof qmsg_source - 1);
    assert_memory_equal(l[0].source, qmsg_source, l[0].source_len);
    assert_null(l[0].relay);
    assert_int_equal(l[0].attempts, 0);
    drop(l, 1);

    spool_lease *again;
    size_t n = 9;
    envoi_error err;
    assert_int_equal(spool_queue_lease(f->q, "w2", 10, MINUTE_MS, &again, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(again);
}

static void test_lease_takes_oldest_due_first_up_to_max(void **state)
{
    qfix *f = *state;
    char a[SPOOL_ID_SIZE], b[SPOOL_ID_SIZE], c[SPOOL_ID_SIZE];
    qsubmit_one(f->q, a);
    usleep(2000);
    qsubmit_one(f->q, b);
    usleep(2000);
    qsubmit_one(f->q, c);
    spool_lease *l;
    size_t n;
    envoi_error err;
    assert_int_equal(spool_queue_lease(f->q, "w1", 2, MINUTE_MS, &l, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(l[0].id, a);
    assert_string_equal(l[1].id, b);
    drop(l, n);
}

static void test_record_all_sent_marks_message_sent(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit(f->q, "a@example.org", two, 2, id);
    drop(lease_one(f, "w1", id), 1);
    spool_rcpt_result r[] = {
        {"b@example.net", SPOOL_OUT_SENT, 250, "250 2.0.0 Ok: queued as 4Xyz"},
        {"c@example.net", SPOOL_OUT_SENT, 250, "250 2.0.0 Ok: queued as 4Xyz"},
    };
    spool_status final = SPOOL_PENDING;
    envoi_error err;
    assert_int_equal(spool_queue_record(f->q, id, "w1", "work", r, 2, &final, &err), 0);
    assert_int_equal(final, SPOOL_SENT);

    spool_info info;
    assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
    assert_int_equal(info.status, SPOOL_SENT);
    assert_int_equal(info.attempts, 1);
    assert_string_equal(info.reason, "250 2.0.0 Ok: queued as 4Xyz");
    assert_true(info.done_ms > 0);
    assert_int_equal(info.next_try_ms, 0);
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_SENT);
    assert_int_equal(info.recipients[1].reply_code, 250);
    spool_info_free(&info);

    spool_attempt *a;
    size_t n;
    assert_int_equal(spool_queue_history(f->q, id, &a, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].relay, "work");
    assert_int_equal(a[0].reply_code, 250);
    assert_string_equal(a[0].summary, "250 2.0.0 Ok: queued as 4Xyz");
    spool_attempts_free(a, n);
    assert_int_equal(spool_queue_next_due_ms(f->q), -1);
}

static void test_deferred_attempt_schedules_next_try_in_policy_window(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    envoi_error err;
    spool_rcpt_result r[] = {{"bob@example.net", SPOOL_OUT_DEFERRED, 451, "451 4.3.0 try later"}};
    /* First failure: 300 s +-20 %; second: 600 s +-20 %. */
    const int64_t base[] = {300000, 600000};
    for (int attempt = 0; attempt < 2; attempt++) {
        drop(lease_one(f, "w1", id), 1);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t before = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        spool_status final = SPOOL_SENT;
        assert_int_equal(spool_queue_record(f->q, id, "w1", NULL, r, 1, &final, &err), 0);
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t after = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        assert_int_equal(final, SPOOL_PENDING);
        spool_info info;
        assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
        int64_t shift = attempt * 700000; /* the clock moved below */
        assert_int_equal(info.status, SPOOL_PENDING);
        assert_int_equal(info.attempts, attempt + 1);
        assert_true(info.next_try_ms >= before + shift + base[attempt] * 8 / 10);
        assert_true(info.next_try_ms <= after + shift + base[attempt] * 12 / 10);
        assert_int_equal(info.recipients[0].reply_code, 451);
        spool_info_free(&info);
        int64_t due = spool_queue_next_due_ms(f->q);
        assert_true(due > 0);
        assert_true(due <= base[attempt] * 12 / 10);
        /* Not due before its time; due after it. */
        spool_lease *l;
        size_t n;
        assert_int_equal(spool_queue_lease(f->q, "w1", 10, MINUTE_MS, &l, &n, &err), 0);
        assert_int_equal(n, 0);
        spool_queue_shift_clock(f->q, 700000);
    }
}

static void test_partial_5xx_keeps_only_pending_recipients(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    const char *three[] = {"b@example.net", "c@example.net", "d@example.net"};
    qsubmit(f->q, "a@example.org", three, 3, id);
    drop(lease_one(f, "w1", id), 1);
    spool_rcpt_result r[] = {
        {"b@example.net", SPOOL_OUT_SENT, 250, "250 ok"},
        {"c@example.net", SPOOL_OUT_FAILED, 550, "550 5.1.1 no such user"},
        {"d@example.net", SPOOL_OUT_DEFERRED, 452, "452 4.2.2 mailbox full"},
    };
    spool_status final;
    envoi_error err;
    assert_int_equal(spool_queue_record(f->q, id, "w1", NULL, r, 3, &final, &err), 0);
    assert_int_equal(final, SPOOL_PENDING);

    /* The retry goes to d only: b was sent, c failed for good. */
    spool_queue_shift_clock(f->q, 24 * 3600 * 1000LL);
    spool_lease *l = lease_one(f, "w2", id);
    assert_int_equal(l[0].recipient_count, 1);
    assert_string_equal(l[0].recipients[0], "d@example.net");
    assert_int_equal(l[0].attempts, 1);
    drop(l, 1);
    spool_rcpt_result r2[] = {{"d@example.net", SPOOL_OUT_FAILED, 552, "552 quota"}};
    assert_int_equal(spool_queue_record(f->q, id, "w2", NULL, r2, 1, &final, &err), 0);
    assert_int_equal(final, SPOOL_ERROR);

    spool_info info;
    assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
    assert_int_equal(info.status, SPOOL_ERROR);
    assert_string_equal(info.reason, "c@example.net: 550 5.1.1 no such user");
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_SENT);
    assert_int_equal(info.recipients[1].outcome, SPOOL_OUT_FAILED);
    assert_int_equal(info.recipients[2].outcome, SPOOL_OUT_FAILED);
    assert_int_equal(info.recipients[2].reply_code, 552);
    spool_info_free(&info);
    spool_attempt *a;
    size_t n;
    assert_int_equal(spool_queue_history(f->q, id, &a, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_non_null(strstr(a[0].summary, "c@example.net: 550 5.1.1 no such user"));
    assert_int_equal(a[0].reply_code, 550);
    spool_attempts_free(a, n);
}

static void test_all_5xx_is_an_error_at_once(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    drop(lease_one(f, "w1", id), 1);
    spool_rcpt_result r[] = {{"bob@example.net", SPOOL_OUT_FAILED, 554, "554 rejected"}};
    spool_status final;
    envoi_error err;
    assert_int_equal(spool_queue_record(f->q, id, "w1", NULL, r, 1, &final, &err), 0);
    assert_int_equal(final, SPOOL_ERROR);
    assert_int_equal(spool_queue_next_due_ms(f->q), -1);
}

static void test_expired_message_fails_with_last_reply(void **state)
{
    qfix *f = *state;
    f->policy.expire_s = 3600;
    qfix_reopen(f);
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    spool_rcpt_result r[] = {{"bob@example.net", SPOOL_OUT_DEFERRED, 0, "connection refused"}};
    spool_status final;
    envoi_error err;
    drop(lease_one(f, "w1", id), 1);
    assert_int_equal(spool_queue_record(f->q, id, "w1", NULL, r, 1, &final, &err), 0);
    assert_int_equal(final, SPOOL_PENDING);
    spool_queue_shift_clock(f->q, 3601 * 1000LL);
    drop(lease_one(f, "w1", id), 1);
    assert_int_equal(spool_queue_record(f->q, id, "w1", NULL, r, 1, &final, &err), 0);
    assert_int_equal(final, SPOOL_ERROR);
    spool_info info;
    assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
    assert_string_equal(info.reason, "expired after 2 attempts: connection refused");
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_FAILED);
    spool_info_free(&info);
}

static void test_lost_lease_is_refused(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    drop(lease_one(f, "w1", id), 1);
    /* The lease runs out and another worker takes the message. */
    spool_queue_shift_clock(f->q, MINUTE_MS + 1);
    drop(lease_one(f, "w2", id), 1);
    spool_rcpt_result r[] = {{"bob@example.net", SPOOL_OUT_SENT, 250, "250 ok"}};
    spool_status final;
    envoi_error err;
    assert_int_equal(spool_queue_record(f->q, id, "w1", NULL, r, 1, &final, &err), ENVOI_ESTATE);
    assert_non_null(strstr(err.text, "lost"));
    assert_int_equal(spool_queue_record(f->q, id, "w2", NULL, r, 1, &final, &err), 0);
    assert_int_equal(final, SPOOL_SENT);
    spool_attempt *a;
    size_t n;
    assert_int_equal(spool_queue_history(f->q, id, &a, &n, &err), 0);
    assert_int_equal(n, 1);
    spool_attempts_free(a, n);
}

static void test_release_makes_message_due_without_an_attempt(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    drop(lease_one(f, "w1", id), 1);
    assert_true(spool_queue_next_due_ms(f->q) > 0);
    envoi_error err;
    assert_int_equal(spool_queue_release(f->q, id, "w2", &err), ENVOI_ESTATE);
    assert_int_equal(spool_queue_release(f->q, id, "w1", &err), 0);
    assert_int_equal(spool_queue_next_due_ms(f->q), 0);
    spool_lease *l = lease_one(f, "w2", id);
    assert_int_equal(l[0].attempts, 0);
    drop(l, 1);
    spool_info info;
    assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
    assert_int_equal(info.attempts, 0);
    spool_info_free(&info);
}

static void test_next_due_is_none_on_empty_queue_and_zero_when_due(void **state)
{
    qfix *f = *state;
    assert_int_equal(spool_queue_next_due_ms(f->q), -1);
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    assert_int_equal(spool_queue_next_due_ms(f->q), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, qfix_setup, qfix_teardown)
    const struct CMUnitTest tests[] = {
        T(test_lease_hands_out_due_message_once),
        T(test_lease_takes_oldest_due_first_up_to_max),
        T(test_record_all_sent_marks_message_sent),
        T(test_deferred_attempt_schedules_next_try_in_policy_window),
        T(test_partial_5xx_keeps_only_pending_recipients),
        T(test_all_5xx_is_an_error_at_once),
        T(test_expired_message_fails_with_last_reply),
        T(test_lost_lease_is_refused),
        T(test_release_makes_message_due_without_an_attempt),
        T(test_next_due_is_none_on_empty_queue_and_zero_when_due),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
