/* The group committer: one thread takes every submission that arrived while
 * it was busy and writes them in one BEGIN IMMEDIATE ... COMMIT, so many
 * submitters share one fsync; each gets its own result. */
#include "spool/queue_impl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/err.h"

#define QUEUE_GATHER_NS 500000 /* 0.5 ms */

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static int insert_recipients(queue_conn *c, queue_pending *p)
{
    for (size_t i = 0; i < p->m->recipient_count; i++) {
        sqlite3_stmt *s = queue_stmt(c, QS_INSERT_RCPT, p->err);
        if (!s)
            return p->err->code;
        bind_text(s, 1, p->id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_text(s, 3, p->m->recipients[i]);
        int rc = queue_step_done(c, s, p->err, "adding a recipient");
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The source in a table of its own: the message's row, updated at each
 * lease and attempt, stays small. */
static int insert_source(queue_conn *c, queue_pending *p)
{
    sqlite3_stmt *s = queue_stmt(c, QS_INSERT_SOURCE, p->err);
    if (!s)
        return p->err->code;
    bind_text(s, 1, p->id);
    sqlite3_bind_blob64(s, 2, p->m->source, p->m->source_len, SQLITE_STATIC);
    int rc = queue_step_done(c, s, p->err, "adding a message's source");
    sqlite3_clear_bindings(s); /* the source is the submitter's */
    return rc < 0 ? rc : insert_recipients(c, p);
}

static int insert_message(spool_queue *q, queue_pending *p)
{
    queue_conn *c = &q->commit;
    sqlite3_stmt *s = queue_stmt(c, QS_INSERT_MESSAGE, p->err);
    if (!s)
        return p->err->code;
    const spool_submission *m = p->m;
    bind_text(s, 1, p->id);
    bind_text(s, 2, m->from ? m->from : "");
    bind_text(s, 3, p->subject);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)m->source_len);
    bind_text(s, 6, m->relay);
    sqlite3_bind_int64(s, 7, p->now_ms);
    sqlite3_bind_int64(s, 8, p->now_ms + (int64_t)q->policy.expire_s * 1000);
    bind_text(s, 9, p->search);
    int rc = queue_step_done(c, s, p->err, "adding a message");
    return rc < 0 ? rc : insert_source(c, p);
}

static int run_simple(queue_conn *c, enum queue_sql which, envoi_error *err, const char *what)
{
    sqlite3_stmt *s = queue_stmt(c, which, err);
    return s ? queue_step_done(c, s, err, what) : err->code;
}

/* One submission inside the batch's transaction, behind a savepoint so a
 * failing one leaves no row behind and does not fail the others. */
static int insert_one(spool_queue *q, queue_pending *p)
{
    queue_conn *c = &q->commit;
    int rc = run_simple(c, QS_SAVEPOINT, p->err, "opening a savepoint");
    if (rc < 0)
        return rc;
    rc = insert_message(q, p);
    if (sqlite3_get_autocommit(c->db))
        return rc; /* SQLite rolled the whole transaction back (a full disk) */
    if (rc < 0) {
        envoi_error ignored;
        run_simple(c, QS_ROLLBACK_SAVEPOINT, &ignored, "undoing a submission");
    }
    envoi_error ignored;
    run_simple(c, QS_RELEASE_SAVEPOINT, rc < 0 ? &ignored : p->err, "closing a savepoint");
    return rc;
}

static int check_paused(queue_conn *c, envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(c, QS_PAUSED, err);
    if (!s)
        return err->code;
    int rc = sqlite3_step(s);
    bool paused = rc == SQLITE_ROW && sqlite3_column_int(s, 0) != 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        rc = queue_fail(c, err, "reading the paused flag");
    else
        rc = paused ? envoi_err_set(err, ENVOI_ESTATE,
                                    "the spooler is paused: submissions are refused until it is "
                                    "resumed")
                    : 0;
    sqlite3_reset(s);
    return rc;
}

/* Write a batch. When the transaction as a whole fails (paused, lock,
 * commit, disk full), every submission in it gets that failure. */
static void commit_batch(spool_queue *q, queue_pending *batch)
{
    queue_conn *c = &q->commit;
    envoi_error berr;
    envoi_err_clear(&berr);
    int rc = queue_begin(c, &berr);
    if (rc == 0)
        rc = check_paused(c, &berr);
    for (queue_pending *p = batch; rc == 0 && p; p = p->next) {
        p->rc = insert_one(q, p);
        if (p->rc < 0 && sqlite3_get_autocommit(c->db)) {
            rc = p->rc;
            berr = *p->err;
        }
    }
    rc = queue_end(c, rc, &berr);
    if (rc == 0)
        atomic_fetch_add(&q->commits, 1);
    for (queue_pending *p = batch; p; p = p->next)
        if (rc < 0) {
            p->rc = rc;
            *p->err = berr;
        }
}

/* The submitters of the last batch come back one by one as they wake up:
 * wait a moment (far less than an fsync) for as many as the last batch had,
 * so they share the next commit instead of trickling into several. */
static void gather(spool_queue *q)
{
    if (q->pending_n >= q->last_batch || q->stopping)
        return;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += QUEUE_GATHER_NS;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (q->pending_n < q->last_batch && !q->stopping)
        if (pthread_cond_timedwait(&q->work_cv, &q->mu, &until) != 0)
            return;
}

void queue_pending_free(queue_pending *p)
{
    free(p->subject);
    free(p->search);
    free(p);
}

/* Report the asynchronous entries of a committed batch (outside the lock:
 * their callbacks may take locks of their own) and free them; the rest of
 * the batch, those waiting, is returned. */
static queue_pending *report_async(queue_pending *batch)
{
    queue_pending *waiting = NULL, **tail = &waiting;
    while (batch) {
        queue_pending *p = batch;
        batch = batch->next;
        if (!p->on_done) {
            p->next = NULL;
            *tail = p;
            tail = &p->next;
            continue;
        }
        p->on_done(p->done_ctx, p->rc, p->rc == 0 ? p->id : "", p->err);
        queue_pending_free(p);
    }
    return waiting;
}

static void *committer_main(void *arg)
{
    spool_queue *q = arg;
    pthread_setname_np(pthread_self(), "spool-commit"); /* as top -H and ps -L show it */
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->head && !q->stopping)
            pthread_cond_wait(&q->work_cv, &q->mu);
        if (!q->head)
            break;
        gather(q);
        queue_pending *batch = q->head;
        q->last_batch = q->pending_n;
        q->pending_n = 0;
        q->head = NULL;
        q->tail = &q->head;
        pthread_mutex_unlock(&q->mu);
        commit_batch(q, batch);
        batch = report_async(batch);
        pthread_mutex_lock(&q->mu);
        /* A submitter may return (and its entry vanish) once done is set. */
        while (batch) {
            queue_pending *next = batch->next;
            batch->done = true;
            batch = next;
        }
        pthread_cond_broadcast(&q->done_cv);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* Append p to the batch being gathered; called with q->mu held. */
static int append_pending(spool_queue *q, queue_pending *p)
{
    if (q->stopping || !q->committer_running)
        return envoi_err_set(p->err, ENVOI_ESTATE, "the spool queue is closing");
    p->next = NULL;
    p->done = false;
    p->rc = 0;
    *q->tail = p;
    q->tail = &p->next;
    q->pending_n++;
    pthread_cond_signal(&q->work_cv);
    return 0;
}

int queue_commit_enqueue(spool_queue *q, queue_pending *p)
{
    pthread_mutex_lock(&q->mu);
    int rc = append_pending(q, p);
    pthread_mutex_unlock(&q->mu);
    return rc;
}

int queue_commit_wait(spool_queue *q, queue_pending *p)
{
    pthread_mutex_lock(&q->mu);
    int rc = append_pending(q, p);
    if (rc < 0) {
        pthread_mutex_unlock(&q->mu);
        return rc;
    }
    while (!p->done)
        pthread_cond_wait(&q->done_cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
    return p->rc;
}

int queue_committer_start(spool_queue *q, envoi_error *err)
{
    if (pthread_create(&q->committer, NULL, committer_main, q) != 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "cannot start the spool queue's committer");
    q->committer_running = true;
    return 0;
}

void queue_committer_stop(spool_queue *q)
{
    if (!q->committer_running)
        return;
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_signal(&q->work_cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->committer, NULL);
    q->committer_running = false;
}
