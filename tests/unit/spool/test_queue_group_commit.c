/* Group commit: many threads submitting at once all get distinct ids, all
 * their messages are in the database afterwards, and they shared commits. */
#include "test_queue_helpers.h"

#include <pthread.h>

#define THREADS 8
#define PER_THREAD 500

typedef struct worker {
    spool_queue *q;
    char (*ids)[SPOOL_ID_SIZE];
    int failures;
} worker;

static void *submit_many(void *arg)
{
    worker *w = arg;
    static const char *const rcpt[] = {"bob@example.net"};
    spool_submission m = {.from = "alice@example.org",
                          .recipients = rcpt,
                          .recipient_count = 1,
                          .source = qmsg_source,
                          .source_len = sizeof qmsg_source - 1};
    for (int i = 0; i < PER_THREAD; i++) {
        envoi_error err;
        if (spool_queue_submit(w->q, &m, w->ids[i], &err) != 0)
            w->failures++;
    }
    return NULL;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_concurrent_submissions_share_commits(void **state)
{
    qfix *f = *state;
    static char ids[THREADS * PER_THREAD][SPOOL_ID_SIZE];
    worker w[THREADS];
    pthread_t t[THREADS];
    uint64_t commits_before = spool_queue_commit_count(f->q);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.q = f->q, .ids = &ids[i * PER_THREAD]};
        assert_int_equal(pthread_create(&t[i], NULL, submit_many, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    uint64_t commits = spool_queue_commit_count(f->q) - commits_before;
    assert_true(commits > 0);
    assert_true(commits < THREADS * PER_THREAD);

    qsort(ids, THREADS * PER_THREAD, SPOOL_ID_SIZE, compare_ids);
    for (size_t i = 1; i < THREADS * PER_THREAD; i++)
        assert_int_not_equal(strcmp(ids[i - 1], ids[i]), 0);

    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), THREADS * PER_THREAD);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM recipients"), THREADS * PER_THREAD);
    spool_info info;
    envoi_error err;
    for (size_t i = 0; i < THREADS * PER_THREAD; i += 97) {
        assert_int_equal(spool_queue_info(f->q, ids[i], &info, &err), 0);
        spool_info_free(&info);
    }
}

static void test_one_bad_submission_does_not_fail_the_others(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    /* A row the database itself refuses: a recipient trigger stands in for a
     * constraint only the database knows about. */
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db", f->spool);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER refuse BEFORE INSERT ON recipients"
                                  " WHEN NEW.address = 'refused@example.net'"
                                  " BEGIN SELECT RAISE(ABORT, 'refused recipient'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    qfix_reopen(f);
    const char *bad[] = {"fine@example.net", "refused@example.net"};
    spool_submission m = {.from = "a@example.org",
                          .recipients = bad,
                          .recipient_count = 2,
                          .source = qmsg_source,
                          .source_len = sizeof qmsg_source - 1};
    envoi_error err;
    assert_int_equal(spool_queue_submit(f->q, &m, id, &err), ENVOI_EINVAL);
    assert_non_null(strstr(err.text, "refused recipient"));
    /* Nothing half-written: neither the message nor its first recipient. */
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), 1);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM recipients"), 1);
    qsubmit_one(f->q, id);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), 2);
}

typedef struct mixed {
    spool_queue *q;
    const char *rcpt;
    int ok, refused, other;
} mixed;

static void *submit_mixed(void *arg)
{
    mixed *w = arg;
    const char *rcpts[] = {"first@example.net", w->rcpt};
    spool_submission m = {.from = "a@example.org",
                          .recipients = rcpts,
                          .recipient_count = 2,
                          .source = qmsg_source,
                          .source_len = sizeof qmsg_source - 1};
    for (int i = 0; i < 200; i++) {
        char id[SPOOL_ID_SIZE];
        envoi_error err;
        int rc = spool_queue_submit(w->q, &m, id, &err);
        if (rc == 0)
            w->ok++;
        else if (rc == ENVOI_EINVAL && strstr(err.text, "refused recipient"))
            w->refused++;
        else
            w->other++;
    }
    return NULL;
}

static void test_failing_rows_in_shared_batches_fail_alone(void **state)
{
    qfix *f = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db", f->spool);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER refuse BEFORE INSERT ON recipients"
                                  " WHEN NEW.address = 'refused@example.net'"
                                  " BEGIN SELECT RAISE(ABORT, 'refused recipient'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    qfix_reopen(f);
    mixed w[4] = {{f->q, "ok1@example.net", 0, 0, 0},
                  {f->q, "refused@example.net", 0, 0, 0},
                  {f->q, "ok2@example.net", 0, 0, 0},
                  {f->q, "refused@example.net", 0, 0, 0}};
    pthread_t t[4];
    uint64_t commits_before = spool_queue_commit_count(f->q);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, submit_mixed, &w[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i].other, 0);
    /* The refused rows shared their transactions with accepted ones. */
    assert_true(spool_queue_commit_count(f->q) - commits_before < 800);
    assert_int_equal(w[0].ok, 200);
    assert_int_equal(w[2].ok, 200);
    assert_int_equal(w[1].refused, 200);
    assert_int_equal(w[3].refused, 200);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), 400);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM recipients"), 800);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM recipients WHERE address ="
                                        " 'first@example.net'"),
                     400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_concurrent_submissions_share_commits, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_one_bad_submission_does_not_fail_the_others,
                                        qfix_setup, qfix_teardown),
        cmocka_unit_test_setup_teardown(test_failing_rows_in_shared_batches_fail_alone, qfix_setup,
                                        qfix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
