/* Administration and listing: retry and cancel with their status rules, the
 * listing with a status filter and a search, the counts. */
#include "test_queue_helpers.h"

static void drop_leases(spool_lease *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spool_lease_free(&l[i]);
    free(l);
}

static void lease_and_record(qfix *f, const char *id, spool_outcome o, int code, const char *reply)
{
    spool_lease *l;
    size_t n;
    envoi_error err;
    assert_int_equal(spool_queue_lease(f->q, "w", 100, 60000, &l, &n, &err), 0);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(l[i].id, id) == 0) {
            found = true;
            spool_rcpt_result r = {l[i].recipients[0], o, code, reply};
            assert_int_equal(spool_queue_record(f->q, id, "w", NULL, &r, 1, NULL, &err), 0);
        } else
            assert_int_equal(spool_queue_release(f->q, l[i].id, "w", &err), 0);
    }
    assert_true(found);
    drop_leases(l, n);
}

static void test_retry_pending_makes_it_due_now(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    lease_and_record(f, id, SPOOL_OUT_DEFERRED, 421, "421 busy");
    assert_true(spool_queue_next_due_ms(f->q) > 0);
    envoi_error err;
    assert_int_equal(spool_queue_retry(f->q, id, &err), 0);
    assert_int_equal(spool_queue_next_due_ms(f->q), 0);
    spool_counts c;
    assert_int_equal(spool_queue_counts(f->q, &c, &err), 0);
    assert_int_equal(c.due, 1);
}

static void test_retry_error_makes_failed_recipients_pending_again(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    lease_and_record(f, id, SPOOL_OUT_FAILED, 550, "550 no");
    envoi_error err;
    assert_int_equal(spool_queue_retry(f->q, id, &err), 0);
    spool_info info;
    assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
    assert_int_equal(info.status, SPOOL_PENDING);
    assert_string_equal(info.reason, "");
    assert_int_equal(info.done_ms, 0);
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_DEFERRED);
    spool_info_free(&info);
    spool_lease *l;
    size_t n;
    assert_int_equal(spool_queue_lease(f->q, "w", 10, 60000, &l, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].recipient_count, 1);
    drop_leases(l, n);
}

static void test_retry_sent_cancelled_or_leased_is_refused(void **state)
{
    qfix *f = *state;
    char sent[SPOOL_ID_SIZE], cancelled[SPOOL_ID_SIZE], leased[SPOOL_ID_SIZE];
    qsubmit_one(f->q, sent);
    lease_and_record(f, sent, SPOOL_OUT_SENT, 250, "250 ok");
    envoi_error err;
    assert_int_equal(spool_queue_retry(f->q, sent, &err), ENVOI_ESTATE);
    assert_non_null(strstr(err.text, "is sent"));
    qsubmit_one(f->q, cancelled);
    assert_int_equal(spool_queue_cancel(f->q, cancelled, &err), 0);
    assert_int_equal(spool_queue_retry(f->q, cancelled, &err), ENVOI_ESTATE);
    assert_non_null(strstr(err.text, "is cancelled"));
    qsubmit_one(f->q, leased);
    spool_lease *l;
    size_t n;
    assert_int_equal(spool_queue_lease(f->q, "w", 10, 60000, &l, &n, &err), 0);
    assert_int_equal(n, 1);
    drop_leases(l, n);
    assert_int_equal(spool_queue_retry(f->q, leased, &err), ENVOI_ESTATE);
    assert_non_null(strstr(err.text, "being delivered"));
    assert_int_equal(spool_queue_retry(f->q, "nosuchid", &err), ENVOI_ENOTFOUND);
}

static void test_cancel_pending_only(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE], leased[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    envoi_error err;
    assert_int_equal(spool_queue_cancel(f->q, id, &err), 0);
    spool_info info;
    assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
    assert_int_equal(info.status, SPOOL_CANCELLED);
    assert_true(info.done_ms > 0);
    assert_int_equal(info.next_try_ms, 0);
    spool_info_free(&info);
    assert_int_equal(spool_queue_cancel(f->q, id, &err), ENVOI_ESTATE);
    assert_int_equal(spool_queue_next_due_ms(f->q), -1);

    qsubmit_one(f->q, leased);
    spool_lease *l;
    size_t n;
    assert_int_equal(spool_queue_lease(f->q, "w", 10, 60000, &l, &n, &err), 0);
    drop_leases(l, n);
    assert_int_equal(spool_queue_cancel(f->q, leased, &err), ENVOI_ESTATE);
    assert_non_null(strstr(err.text, "being delivered"));
    assert_int_equal(spool_queue_cancel(f->q, "nosuchid", &err), ENVOI_ENOTFOUND);
}

static void test_list_filters_by_status_newest_first(void **state)
{
    qfix *f = *state;
    char ids[4][SPOOL_ID_SIZE];
    for (int i = 0; i < 4; i++) {
        qsubmit_one(f->q, ids[i]);
        usleep(2000);
    }
    envoi_error err;
    assert_int_equal(spool_queue_cancel(f->q, ids[1], &err), 0);
    spool_info *items;
    size_t n;
    assert_int_equal(spool_queue_list(f->q, -1, NULL, 0, 10, &items, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(items[0].id, ids[3]);
    assert_string_equal(items[3].id, ids[0]);
    assert_string_equal(items[0].subject, "hello");
    for (size_t i = 0; i < n; i++)
        spool_info_free(&items[i]);
    free(items);

    assert_int_equal(spool_queue_list(f->q, SPOOL_PENDING, NULL, 1, 10, &items, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].id, ids[2]);
    assert_string_equal(items[1].id, ids[0]);
    for (size_t i = 0; i < n; i++)
        spool_info_free(&items[i]);
    free(items);

    assert_int_equal(spool_queue_list(f->q, SPOOL_CANCELLED, NULL, 0, 10, &items, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].id, ids[1]);
    spool_info_free(&items[0]);
    free(items);
    assert_int_equal(spool_queue_list(f->q, SPOOL_SENT, NULL, 0, 10, &items, &n, &err), 0);
    assert_int_equal(n, 0);
}

static void test_list_search_matches_sender_recipient_subject(void **state)
{
    qfix *f = *state;
    const char *carol[] = {"Carol@Example.com"};
    const char *dave[] = {"dave@example.net"};
    char a[SPOOL_ID_SIZE], b[SPOOL_ID_SIZE], c[SPOOL_ID_SIZE];
    qsubmit(f->q, "alice@example.org", carol, 1, a);
    qsubmit(f->q, "zoe@example.org", dave, 1, b);
    static const char src[] = "Subject: Invoice 100%_done\r\n\r\nx\r\n";
    spool_submission m = {.from = "yves@example.org",
                          .recipients = dave,
                          .recipient_count = 1,
                          .source = src,
                          .source_len = sizeof src - 1};
    envoi_error err;
    assert_int_equal(spool_queue_submit(f->q, &m, c, &err), 0);

    spool_info *items;
    size_t n;
    assert_int_equal(spool_queue_list(f->q, -1, "carol@example", 0, 10, &items, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].id, a);
    spool_info_free(&items[0]);
    free(items);
    assert_int_equal(spool_queue_list(f->q, -1, "ZOE", 0, 10, &items, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].id, b);
    spool_info_free(&items[0]);
    free(items);
    assert_int_equal(spool_queue_list(f->q, -1, "100%_d", 0, 10, &items, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].id, c);
    assert_string_equal(items[0].subject, "Invoice 100%_done");
    spool_info_free(&items[0]);
    free(items);
    /* LIKE's wildcards are taken literally. */
    assert_int_equal(spool_queue_list(f->q, -1, "1_0", 0, 10, &items, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(spool_queue_list(f->q, SPOOL_SENT, "dave", 0, 10, &items, &n, &err), 0);
    assert_int_equal(n, 0);
}

static void test_counts_by_status(void **state)
{
    qfix *f = *state;
    char ids[5][SPOOL_ID_SIZE];
    for (int i = 0; i < 5; i++)
        qsubmit_one(f->q, ids[i]);
    lease_and_record(f, ids[0], SPOOL_OUT_SENT, 250, "250 ok");
    lease_and_record(f, ids[1], SPOOL_OUT_FAILED, 550, "550 no");
    lease_and_record(f, ids[2], SPOOL_OUT_DEFERRED, 451, "451 later");
    envoi_error err;
    assert_int_equal(spool_queue_cancel(f->q, ids[3], &err), 0);
    spool_counts c;
    assert_int_equal(spool_queue_counts(f->q, &c, &err), 0);
    assert_int_equal(c.pending, 2);
    assert_int_equal(c.sent, 1);
    assert_int_equal(c.error, 1);
    assert_int_equal(c.cancelled, 1);
    assert_int_equal(c.due, 1);
    assert_false(c.paused);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(spool_status_name(SPOOL_PENDING), "pending");
    assert_string_equal(spool_status_name(SPOOL_SENT), "sent");
    assert_string_equal(spool_status_name(SPOOL_ERROR), "error");
    assert_string_equal(spool_status_name(SPOOL_CANCELLED), "cancelled");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, qfix_setup, qfix_teardown)
    const struct CMUnitTest tests[] = {
        T(test_retry_pending_makes_it_due_now),
        T(test_retry_error_makes_failed_recipients_pending_again),
        T(test_retry_sent_cancelled_or_leased_is_refused),
        T(test_cancel_pending_only),
        T(test_list_filters_by_status_newest_first),
        T(test_list_search_matches_sender_recipient_subject),
        T(test_counts_by_status),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
