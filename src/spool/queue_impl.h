/* The spool queue's handle and what its files share: one SQLite connection
 * per role with cached prepared statements, errors into envoi_error,
 * transactions, the clock, ids, subjects and the retry policy. */
#ifndef ENVOI_SPOOL_QUEUE_IMPL_H
#define ENVOI_SPOOL_QUEUE_IMPL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "spool/queue.h"

/* Recipient outcomes as stored: the spool_outcome values, a pending
 * recipient being SPOOL_OUT_DEFERRED. */
#define QUEUE_RCPT_PENDING SPOOL_OUT_DEFERRED

/* Statements prepared once per connection (SQL in queue_db.c). */
enum queue_sql {
    QS_SAVEPOINT,
    QS_RELEASE_SAVEPOINT,
    QS_ROLLBACK_SAVEPOINT,
    QS_INSERT_MESSAGE,
    QS_INSERT_SOURCE,
    QS_INSERT_RCPT,
    QS_PAUSED,
    QS_SET_PAUSED,
    QS_DUE,
    QS_TAKE,
    QS_PENDING_RCPTS,
    QS_MSG_STATE,
    QS_SET_OUTCOME,
    QS_INSERT_ATTEMPT,
    QS_TALLY,
    QS_FIRST_REPLY,
    QS_EXPIRE_RCPTS,
    QS_FINISH,
    QS_RELEASE,
    QS_INFO,
    QS_RCPTS,
    QS_HISTORY,
    QS_SOURCE,
    QS_COUNTS,
    QS_COUNT_DUE,
    QS_NEXT_DUE,
    QS_RETRY_PENDING,
    QS_RETRY_ERROR,
    QS_RETRY_RCPTS,
    QS_CANCEL,
    QS_COUNT
};

typedef struct queue_conn {
    sqlite3 *db;
    sqlite3_stmt *stmt[QS_COUNT];
    /* The process's writers take turns on this mutex (spool_queue.write_mu)
     * rather than on SQLite's busy handler, whose sleeps (1, 2, 5, 10 ms...)
     * would leave the database idle between one commit and the next. */
    pthread_mutex_t *writer;
    bool writing; /* between queue_begin and queue_end, holding writer */
} queue_conn;

/* A submission waiting in the group committer's batch. A waiting one lives
 * on the submitter's stack until done is set (under spool_queue.mu); an
 * asynchronous one (on_done set) is the committer's to report and free. */
typedef struct queue_pending {
    const spool_submission *m;
    char *subject;
    char *search; /* lowercase sender, recipients and subject */
    char id[SPOOL_ID_SIZE];
    int64_t now_ms;
    int rc;
    envoi_error *err;
    bool done;
    spool_submit_done on_done;
    void *done_ctx;
    envoi_error own_err; /* err points here when asynchronous */
    struct queue_pending *next;
} queue_pending;

struct spool_queue {
    spool_policy policy;
    /* Leases, records, queries and administration: one at a time. */
    pthread_mutex_t main_mu;
    queue_conn main;
    /* Write transactions of both connections: one at a time. */
    pthread_mutex_t write_mu;
    /* The counts (polled by the status API): their own connection, read
     * only, so that polling never holds up the workers' main_mu. */
    pthread_mutex_t stats_mu;
    queue_conn stats;
    /* The group committer: its own connection and thread, fed the batch. */
    queue_conn commit;
    pthread_t committer;
    bool committer_running;
    pthread_mutex_t mu;
    pthread_cond_t work_cv;
    pthread_cond_t done_cv;
    queue_pending *head;
    queue_pending **tail;
    size_t pending_n;  /* entries in the batch being gathered */
    size_t last_batch; /* entries in the batch committed last */
    bool stopping;
    atomic_uint_fast64_t commits;
    atomic_int_fast64_t clock_shift_ms; /* tests move time forward */
};

/* The current time in milliseconds since the epoch (plus a test shift). */
int64_t queue_now_ms(spool_queue *q);

/* Open a connection on path (created when missing) with the queue's
 * pragmas: WAL, synchronous=FULL, busy timeout. */
int queue_conn_open(queue_conn *c, const char *path, envoi_error *err);
void queue_conn_close(queue_conn *c);
/* Record SQLite's current error on c (what names the operation) and return
 * the matching ENVOI_E... code; a full disk says so. */
int queue_fail(queue_conn *c, envoi_error *err, const char *what);
/* The statement, prepared on first use, reset and unbound; NULL after
 * recording the failure. */
sqlite3_stmt *queue_stmt(queue_conn *c, enum queue_sql which, envoi_error *err);
/* Run SQL without results. */
int queue_exec(queue_conn *c, const char *sql, envoi_error *err);
/* BEGIN IMMEDIATE (the write lock, waited for with the busy timeout). */
int queue_begin(queue_conn *c, envoi_error *err);
/* Commit when rc is 0, else roll back; returns rc or the commit's failure. */
int queue_end(queue_conn *c, int rc, envoi_error *err);
/* Step a statement that returns no row: 0 or the recorded failure. */
int queue_step_done(queue_conn *c, sqlite3_stmt *s, envoi_error *err, const char *what);
/* A malloc'd copy of a text column ("" for NULL); NULL when out of memory. */
char *queue_column_dup(sqlite3_stmt *s, int col);

/* Create or migrate the schema (queue_schema.c). */
int queue_schema_ensure(queue_conn *c, envoi_error *err);

/* A new id: 12 base-32 digits of now_ms, then 10 random ones. */
int queue_id_new(char id[SPOOL_ID_SIZE], int64_t now_ms);

/* The decoded Subject of a message's header, bounded; malloc'd, "" when
 * none; NULL when out of memory. */
char *queue_subject(const void *source, size_t len);

/* Milliseconds to wait before try attempts + 1, after `attempts` tries
 * failed (attempts >= 1), jitter included. */
int64_t queue_backoff_ms(const spool_policy *p, unsigned attempts);

/* Start and stop the group committer thread (queue_commit.c). */
int queue_committer_start(spool_queue *q, envoi_error *err);
void queue_committer_stop(spool_queue *q);
/* Hand a validated submission to the committer and wait for its commit. */
int queue_commit_wait(spool_queue *q, queue_pending *p);
/* Hand p (malloc'd, on_done set) to the committer without waiting; it
 * reports and frees p. 0, or ENVOI_ESTATE when the queue is closing (p is
 * then still the caller's). */
int queue_commit_enqueue(spool_queue *q, queue_pending *p);
void queue_pending_free(queue_pending *p);

/* queue_lease.c: a lease request, and the lease itself inside a write
 * transaction the caller holds (main_mu locked, queue_begin done). */
typedef struct queue_lease_req {
    const char *owner;
    size_t max;
    unsigned sharers;
    int64_t lease_ms;
} queue_lease_req;
int queue_lease_check(const char *owner, int64_t lease_ms, envoi_error *err);
int queue_lease_locked(spool_queue *q, const queue_lease_req *req, int64_t now, spool_lease **out,
                       size_t *count, envoi_error *err);
/* Free *count leases of *out and empty both. */
void queue_leases_drop(spool_lease **out, size_t *count);

#endif
