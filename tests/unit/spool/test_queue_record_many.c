/* The outcomes of a batch recorded together (spool_queue_record_many): one
 * transaction for the whole batch, a lost lease in the middle failing alone,
 * a worker killed between sending and recording leaving its batch pending
 * and due again when the lease ends, and fair shares of what is due. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "test_queue_helpers.h"

#define MINUTE_MS 60000
#define BATCH 20

static void drop(spool_lease *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spool_lease_free(&l[i]);
    free(l);
}

static spool_lease *lease_n(spool_queue *q, const char *owner, size_t max, size_t expect)
{
    spool_lease *l = NULL;
    size_t n = 0;
    envoi_error err;
    assert_int_equal(spool_queue_lease(q, owner, max, MINUTE_MS, &l, &n, &err), 0);
    assert_int_equal(n, expect);
    return l;
}

static long long checkpoint(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0); /* not blocked */
    long long frames = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    return frames;
}

/* Frames written to the write-ahead log since the last call, which then
 * empties it: a transaction writes each page it changed once, so many
 * separate transactions write many more frames than one does. */
static long long wal_frames(const char *spool)
{
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db", spool);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    long long frames = checkpoint(db, "PRAGMA wal_checkpoint(PASSIVE)");
    checkpoint(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
    return frames;
}

static const spool_rcpt_result sent_r[] = {{"bob@example.net", SPOOL_OUT_SENT, 250, "250 ok"}};
static const spool_rcpt_result deferred_r[] = {
    {"bob@example.net", SPOOL_OUT_DEFERRED, 451, "451 try later"}};
static const spool_rcpt_result failed_r[] = {
    {"bob@example.net", SPOOL_OUT_FAILED, 550, "550 no such user"}};

static void test_batch_outcomes_are_committed_together(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    for (int i = 0; i < 2 * BATCH; i++)
        qsubmit_one(f->q, id);
    envoi_error err;

    /* One by one: a transaction each. */
    spool_lease *one = lease_n(f->q, "w1", BATCH, BATCH);
    wal_frames(f->spool);
    for (size_t i = 0; i < BATCH; i++)
        assert_int_equal(spool_queue_record(f->q, one[i].id, "w1", "sink", sent_r, 1, NULL, &err),
                         0);
    long long single = wal_frames(f->spool);
    drop(one, BATCH);

    /* The same as one group: sent, deferred and failed outcomes mixed. */
    spool_lease *l = lease_n(f->q, "w1", BATCH, BATCH);
    spool_record recs[BATCH];
    for (size_t i = 0; i < BATCH; i++) {
        const spool_rcpt_result *r = i == 3 ? deferred_r : i == 7 ? failed_r : sent_r;
        recs[i] = (spool_record){.id = l[i].id, .relay = "sink", .results = r, .n = 1};
    }
    wal_frames(f->spool);
    assert_int_equal(spool_queue_record_many(f->q, "w1", recs, BATCH, &err), 0);
    long long grouped = wal_frames(f->spool);
    print_message("WAL frames: %lld one by one, %lld as one group\n", single, grouped);
    assert_true(grouped > 0);
    assert_true(grouped * 4 < single);

    for (size_t i = 0; i < BATCH; i++) {
        assert_int_equal(recs[i].rc, 0);
        spool_status want = i == 3 ? SPOOL_PENDING : i == 7 ? SPOOL_ERROR : SPOOL_SENT;
        assert_int_equal(recs[i].final, want);
        spool_info info;
        assert_int_equal(spool_queue_info(f->q, l[i].id, &info, &err), 0);
        assert_int_equal(info.status, want);
        assert_int_equal(info.attempts, 1);
        spool_info_free(&info);
    }
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM attempts"), 2 * BATCH);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages WHERE status = 0"
                                        " AND lease_owner IS NOT NULL"),
                     0);
    drop(l, BATCH);
}

static void test_lost_lease_in_the_middle_fails_alone(void **state)
{
    qfix *f = *state;
    char a[SPOOL_ID_SIZE], b[SPOOL_ID_SIZE], c[SPOOL_ID_SIZE];
    qsubmit_one(f->q, b);
    usleep(2000);
    qsubmit_one(f->q, a);
    usleep(2000);
    qsubmit_one(f->q, c);
    /* w1 leases all three; the leases end and w2 takes b (the oldest) over. */
    drop(lease_n(f->q, "w1", 10, 3), 3);
    spool_queue_shift_clock(f->q, 2 * MINUTE_MS);
    spool_lease *l2 = lease_n(f->q, "w2", 1, 1);
    assert_string_equal(l2[0].id, b);
    drop(l2, 1);

    spool_record recs[] = {
        {.id = a, .relay = "sink", .results = sent_r, .n = 1},
        {.id = b, .relay = "sink", .results = sent_r, .n = 1},
        {.id = c, .relay = "sink", .results = failed_r, .n = 1},
        {.id = "nosuchid", .relay = "sink", .results = sent_r, .n = 1},
    };
    envoi_error err;
    assert_int_equal(spool_queue_record_many(f->q, "w1", recs, 4, &err), 0);
    assert_int_equal(recs[0].rc, 0);
    assert_int_equal(recs[0].final, SPOOL_SENT);
    assert_int_equal(recs[1].rc, ENVOI_ESTATE);
    assert_non_null(strstr(recs[1].err.text, "lease"));
    assert_int_equal(recs[2].rc, 0);
    assert_int_equal(recs[2].final, SPOOL_ERROR);
    assert_int_equal(recs[3].rc, ENVOI_ENOTFOUND);

    /* b is untouched: still w2's, no attempt, its recipient still pending. */
    spool_info info;
    assert_int_equal(spool_queue_info(f->q, b, &info, &err), 0);
    assert_int_equal(info.status, SPOOL_PENDING);
    assert_int_equal(info.attempts, 0);
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_DEFERRED);
    assert_int_equal(info.recipients[0].reply_code, 0);
    spool_info_free(&info);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM attempts WHERE message = '%s'", b);
    assert_int_equal(qsql_int(f->spool, sql), 0);
    snprintf(sql, sizeof sql, "SELECT lease_owner = 'w2' FROM messages WHERE id = '%s'", b);
    assert_int_equal(qsql_int(f->spool, sql), 1);
    /* w2 still records it. */
    assert_int_equal(spool_queue_record(f->q, b, "w2", "sink", sent_r, 1, NULL, &err), 0);
}

/* In the child: lease a batch (as a worker does before sending it), say so,
 * and wait to be killed before recording anything. */
static void child_lease(const char *spool, int fd)
{
    spool_queue *q;
    envoi_error err;
    if (spool_queue_open(&q, spool, NULL, &err) != 0)
        _exit(2);
    spool_lease *l;
    size_t n;
    if (spool_queue_lease(q, "w1", 64, MINUTE_MS, &l, &n, &err) != 0)
        _exit(3);
    if (write(fd, &n, sizeof n) != (ssize_t)sizeof n)
        _exit(4);
    for (;;)
        pause();
}

static void test_killed_between_send_and_record_leaves_batch_pending(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    for (int i = 0; i < BATCH; i++)
        qsubmit_one(f->q, id);
    spool_queue_close(f->q); /* the child opens its own */
    f->q = NULL;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        child_lease(f->spool, p[1]);
    }
    close(p[1]);
    size_t leased = 0;
    ssize_t got;
    while ((got = read(p[0], &leased, sizeof leased)) < 0 && errno == EINTR)
        ;
    assert_int_equal(got, sizeof leased);
    assert_int_equal(leased, BATCH);
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    close(p[0]);

    qfix_reopen(f);
    /* Nothing lost: every message pending, none tried, all still leased. */
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages WHERE status = 0"
                                        " AND attempts = 0 AND lease_owner = 'w1'"),
                     BATCH);
    /* Not due while the dead worker's lease lasts... */
    spool_lease *none = lease_n(f->q, "w2", 64, 0);
    assert_null(none);
    int64_t next = spool_queue_next_due_ms(f->q);
    assert_true(next > 0 && next <= MINUTE_MS);
    /* ...and due again, all of them, once it ends. */
    spool_queue_shift_clock(f->q, MINUTE_MS + 1000);
    assert_int_equal(spool_queue_next_due_ms(f->q), 0);
    spool_lease *l = lease_n(f->q, "w2", 64, BATCH);
    spool_record recs[BATCH];
    for (size_t i = 0; i < BATCH; i++)
        recs[i] = (spool_record){.id = l[i].id, .relay = "sink", .results = sent_r, .n = 1};
    envoi_error err;
    assert_int_equal(spool_queue_record_many(f->q, "w2", recs, BATCH, &err), 0);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages WHERE status = 1"), BATCH);
    drop(l, BATCH);
}

static void test_lease_share_leaves_some_for_the_others(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    for (int i = 0; i < 10; i++)
        qsubmit_one(f->q, id);
    spool_lease *l;
    size_t n;
    envoi_error err;
    /* 10 due, 4 workers: 10 / 4 + 1 = 3 each, not the 64 asked. */
    assert_int_equal(spool_queue_lease_share(f->q, "w1", 64, 4, MINUTE_MS, &l, &n, &err), 0);
    assert_int_equal(n, 3);
    drop(l, n);
    /* 7 left: 7 / 4 + 1 = 2. */
    assert_int_equal(spool_queue_lease_share(f->q, "w2", 64, 4, MINUTE_MS, &l, &n, &err), 0);
    assert_int_equal(n, 2);
    drop(l, n);
    /* Never more than max; one worker alone takes what it asks. */
    assert_int_equal(spool_queue_lease_share(f->q, "w3", 1, 4, MINUTE_MS, &l, &n, &err), 0);
    assert_int_equal(n, 1);
    drop(l, n);
    assert_int_equal(spool_queue_lease_share(f->q, "w4", 64, 1, MINUTE_MS, &l, &n, &err), 0);
    assert_int_equal(n, 4);
    drop(l, n);
    assert_int_equal(spool_queue_lease_share(f->q, "w5", 64, 4, MINUTE_MS, &l, &n, &err), 0);
    assert_int_equal(n, 0);
}

/* The outcomes of one batch and the lease of the next in one transaction:
 * written once to the log (fewer frames than the two apart), the first
 * batch done, the second leased to the same owner; a failed record leaves
 * the next batch unleased. */
static void test_record_and_lease_share_one_transaction(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    for (int i = 0; i < 3 * BATCH; i++)
        qsubmit_one(f->q, id);
    envoi_error err;
    spool_lease *first = lease_n(f->q, "w", BATCH, BATCH);
    spool_record recs[BATCH];
    for (size_t i = 0; i < BATCH; i++)
        recs[i] = (spool_record){.id = first[i].id, .relay = "r", .results = sent_r, .n = 1};
    spool_lease *next = NULL;
    size_t count = 0;
    wal_frames(f->spool);
    assert_int_equal(spool_queue_record_and_lease(f->q, "w", recs, BATCH, BATCH, 1, MINUTE_MS,
                                                  &next, &count, &err),
                     0);
    long long together = wal_frames(f->spool);
    assert_int_equal(count, BATCH);
    for (size_t i = 0; i < BATCH; i++) {
        assert_int_equal(recs[i].rc, 0);
        assert_int_equal(recs[i].final, SPOOL_SENT);
        for (size_t k = 0; k < BATCH; k++)
            assert_string_not_equal(next[i].id, first[k].id);
    }
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages WHERE status = 1"), BATCH);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages WHERE lease_owner = 'w'"),
                     BATCH);

    /* The same two steps apart write more. */
    for (size_t i = 0; i < BATCH; i++)
        recs[i] = (spool_record){.id = next[i].id, .relay = "r", .results = sent_r, .n = 1};
    assert_int_equal(spool_queue_record_many(f->q, "w", recs, BATCH, &err), 0);
    drop(lease_n(f->q, "w", BATCH, BATCH), BATCH);
    assert_true(wal_frames(f->spool) > together);
    drop(next, BATCH);

    /* A lease request without an owner: refused before anything changes. */
    assert_int_equal(
        spool_queue_record_and_lease(f->q, "", recs, 0, BATCH, 1, MINUTE_MS, &next, &count, &err),
        ENVOI_EINVAL);
    assert_null(next);
    drop(first, BATCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record_and_lease_share_one_transaction, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_batch_outcomes_are_committed_together, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_lost_lease_in_the_middle_fails_alone, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_killed_between_send_and_record_leaves_batch_pending,
                                        qfix_setup, qfix_teardown),
        cmocka_unit_test_setup_teardown(test_lease_share_leaves_some_for_the_others, qfix_setup,
                                        qfix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
