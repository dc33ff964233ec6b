/* Asynchronous submission: each one is reported exactly once, after its
 * commit, with its id or its error; bad ones are refused at once without a
 * report; the queue's close reports what it still held. */
#include "test_queue_helpers.h"

#include <pthread.h>

#define COUNT 2000

typedef struct reports {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t done, ok;
    int last_rc;
    envoi_error last_err;
    char ids[COUNT][SPOOL_ID_SIZE];
    int times[COUNT]; /* how often each submission was reported */
} reports;

typedef struct slot {
    reports *r;
    size_t index;
} slot;

static void on_done(void *ctx, int rc, const char *id, const envoi_error *err)
{
    slot *s = ctx;
    reports *r = s->r;
    pthread_mutex_lock(&r->mu);
    r->times[s->index]++;
    r->last_rc = rc;
    if (rc == 0) {
        r->ok++;
        snprintf(r->ids[s->index], SPOOL_ID_SIZE, "%s", id);
    } else {
        r->last_err = *err;
    }
    r->done++;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static void wait_reports(reports *r, size_t n)
{
    pthread_mutex_lock(&r->mu);
    while (r->done < n)
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
}

static reports *new_reports(void)
{
    reports *r = calloc(1, sizeof *r);
    assert_non_null(r);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    return r;
}

static void free_reports(reports *r)
{
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

static const char *const rcpt[] = {"bob@example.net"};

static spool_submission one_message(void)
{
    return (spool_submission){.from = "alice@example.org",
                              .recipients = rcpt,
                              .recipient_count = 1,
                              .source = qmsg_source,
                              .source_len = sizeof qmsg_source - 1};
}

static void test_every_submission_is_reported_once_after_its_commit(void **state)
{
    qfix *f = *state;
    reports *r = new_reports();
    static slot slots[COUNT];
    spool_submission m = one_message();
    uint64_t commits_before = spool_queue_commit_count(f->q);
    for (size_t i = 0; i < COUNT; i++) {
        slots[i] = (slot){r, i};
        envoi_error err;
        assert_int_equal(spool_queue_submit_async(f->q, &m, on_done, &slots[i], &err), 0);
    }
    wait_reports(r, COUNT);
    assert_int_equal(r->ok, COUNT);
    for (size_t i = 0; i < COUNT; i++)
        assert_int_equal(r->times[i], 1);
    /* Reported only once committed: every id is in the database. */
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), COUNT);
    spool_info info;
    envoi_error err;
    for (size_t i = 0; i < COUNT; i += 101) {
        assert_int_equal(spool_queue_info(f->q, r->ids[i], &info, &err), 0);
        spool_info_free(&info);
    }
    /* Submissions that arrive together share commits. */
    assert_true(spool_queue_commit_count(f->q) - commits_before < COUNT);
    free_reports(r);
}

static void test_a_bad_submission_is_refused_at_once(void **state)
{
    qfix *f = *state;
    reports *r = new_reports();
    slot s = {r, 0};
    spool_submission m = one_message();
    m.recipient_count = 0;
    envoi_error err;
    assert_int_equal(spool_queue_submit_async(f->q, &m, on_done, &s, &err), ENVOI_EINVAL);
    assert_non_null(strstr(err.text, "no recipient"));
    m = one_message();
    m.from = "alice@example.org\r\nBcc: eve@example.org";
    assert_int_equal(spool_queue_submit_async(f->q, &m, on_done, &s, &err), ENVOI_EHEADER);
    assert_int_equal(spool_queue_submit_async(f->q, &m, NULL, &s, &err), ENVOI_EINVAL);
    /* No report ever comes for them, and nothing was written. */
    m = one_message();
    assert_int_equal(spool_queue_submit_async(f->q, &m, on_done, &s, &err), 0);
    wait_reports(r, 1);
    assert_int_equal(r->done, 1);
    assert_int_equal(r->ok, 1);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), 1);
    free_reports(r);
}

static void test_paused_is_reported_as_the_error(void **state)
{
    qfix *f = *state;
    envoi_error err;
    assert_int_equal(spool_queue_set_paused(f->q, true, &err), 0);
    reports *r = new_reports();
    slot s = {r, 0};
    spool_submission m = one_message();
    assert_int_equal(spool_queue_submit_async(f->q, &m, on_done, &s, &err), 0);
    wait_reports(r, 1);
    assert_int_equal(r->last_rc, ENVOI_ESTATE);
    assert_non_null(strstr(r->last_err.text, "paused"));
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), 0);
    free_reports(r);
}

static void test_close_reports_what_it_held(void **state)
{
    qfix *f = *state;
    reports *r = new_reports();
    static slot slots[200];
    spool_submission m = one_message();
    for (size_t i = 0; i < 200; i++) {
        slots[i] = (slot){r, i};
        envoi_error err;
        assert_int_equal(spool_queue_submit_async(f->q, &m, on_done, &slots[i], &err), 0);
    }
    spool_queue_close(f->q); /* commits and reports before it returns */
    f->q = NULL;
    assert_int_equal(r->done, 200);
    assert_int_equal(r->ok, 200);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), 200);
    qfix_reopen(f);
    free_reports(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_submission_is_reported_once_after_its_commit,
                                        qfix_setup, qfix_teardown),
        cmocka_unit_test_setup_teardown(test_a_bad_submission_is_refused_at_once, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_paused_is_reported_as_the_error, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_close_reports_what_it_held, qfix_setup, qfix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
