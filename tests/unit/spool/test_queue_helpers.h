/* Shared helpers for the spool queue's unit tests: a scratch directory per
 * test, a queue opened in it, and a small message to submit. */
#ifndef ENVOI_TEST_QUEUE_HELPERS_H
#define ENVOI_TEST_QUEUE_HELPERS_H

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "spool/queue.h"
#include "spool/queue_test.h"

typedef struct qfix {
    char dir[64];
    char spool[128];
    spool_queue *q;
    spool_policy policy;
} qfix;

static inline int qfix_setup(void **state)
{
    qfix *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/var/tmp/envoi-queue-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->spool, sizeof f->spool, "%s/spool", f->dir);
    spool_policy_default(&f->policy);
    envoi_error err;
    if (spool_queue_open(&f->q, f->spool, &f->policy, &err) != 0) {
        fprintf(stderr, "open: %s\n", err.text);
        return -1;
    }
    *state = f;
    return 0;
}

static inline int qfix_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline int qfix_teardown(void **state)
{
    qfix *f = *state;
    spool_queue_close(f->q);
    nftw(f->dir, qfix_remove, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Reopen the fixture's queue with its (possibly changed) policy. */
static inline void qfix_reopen(qfix *f)
{
    spool_queue_close(f->q);
    f->q = NULL;
    envoi_error err;
    assert_int_equal(spool_queue_open(&f->q, f->spool, &f->policy, &err), 0);
}

static const char qmsg_source[] = "From: Alice <alice@example.org>\r\n"
                                  "To: bob@example.net\r\n"
                                  "Subject: hello\r\n"
                                  "\r\n"
                                  "Hi Bob.\r\n";

/* Submit qmsg_source from `from` to the given recipients; asserts success. */
static inline void qsubmit(spool_queue *q, const char *from, const char *const *rcpts, size_t n,
                           char id[SPOOL_ID_SIZE])
{
    spool_submission m = {.from = from,
                          .recipients = rcpts,
                          .recipient_count = n,
                          .source = qmsg_source,
                          .source_len = sizeof qmsg_source - 1};
    envoi_error err;
    int rc = spool_queue_submit(q, &m, id, &err);
    if (rc != 0)
        fprintf(stderr, "submit: %s\n", err.text);
    assert_int_equal(rc, 0);
}

static inline void qsubmit_one(spool_queue *q, char id[SPOOL_ID_SIZE])
{
    static const char *const rcpt[] = {"bob@example.net"};
    qsubmit(q, "alice@example.org", rcpt, 1, id);
}

/* An integer from a SQL query on the queue's database file. */
static inline long long qsql_int(const char *spool, const char *sql)
{
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db", spool);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

#endif
