/* The outcome of a delivery attempt, in one transaction: per recipient
 * results, a history row, then the message's new status (sent, error,
 * expired, or pending with its next try from the retry policy); or the
 * outcomes of a whole batch in one transaction, one savepoint each. */
#include "spool/queue_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

#define SUMMARY_MAX 1000

typedef struct record_ctx {
    spool_queue *q;
    queue_conn *c;
    const char *id;
    int64_t now;
    unsigned attempts;
    envoi_error *err;
} record_ctx;

static int check_lease(record_ctx *x, const char *owner)
{
    sqlite3_stmt *s = queue_stmt(x->c, QS_MSG_STATE, x->err);
    if (!s)
        return x->err->code;
    sqlite3_bind_text(s, 1, x->id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        rc = envoi_err_set(x->err, ENVOI_ENOTFOUND, "no message %s in the queue", x->id);
    else if (rc != SQLITE_ROW)
        rc = queue_fail(x->c, x->err, "reading a message's state");
    else {
        const char *held = (const char *)sqlite3_column_text(s, 1);
        bool ours = sqlite3_column_int(s, 0) == SPOOL_PENDING && held && strcmp(held, owner) == 0;
        x->attempts = (unsigned)sqlite3_column_int(s, 3);
        rc = ours ? 0
                  : envoi_err_set(x->err, ENVOI_ESTATE,
                                  "the lease of message %s by %s was lost (expired and taken "
                                  "over, or the message was cancelled)",
                                  x->id, owner);
    }
    sqlite3_reset(s);
    return rc;
}

static int set_outcome(record_ctx *x, const spool_rcpt_result *r)
{
    sqlite3_stmt *s = queue_stmt(x->c, QS_SET_OUTCOME, x->err);
    if (!s)
        return x->err->code;
    sqlite3_bind_text(s, 1, x->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->recipient ? r->recipient : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, (int)r->outcome);
    sqlite3_bind_int(s, 4, r->reply_code);
    sqlite3_bind_text(s, 5, r->reply ? r->reply : "", -1, SQLITE_STATIC);
    return queue_step_done(x->c, s, x->err, "recording a recipient's outcome");
}

/* The one reply when every recipient got the same, else "rcpt: reply; ...". */
static int summarize(const spool_rcpt_result *r, size_t n, envoi_buf *out, int *code)
{
    *code = n ? r[0].reply_code : 0;
    bool same = true;
    for (size_t i = 1; i < n && same; i++)
        same = r[i].outcome == r[0].outcome && r[i].reply_code == r[0].reply_code &&
               strcmp(r[i].reply ? r[i].reply : "", r[0].reply ? r[0].reply : "") == 0;
    if (n == 0 || same)
        return envoi_buf_append_str(out, n && r[0].reply ? r[0].reply : "");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n && out->len < SUMMARY_MAX; i++) {
        if (r[i].outcome != SPOOL_OUT_SENT && *code / 100 == 2)
            *code = r[i].reply_code;
        rc = envoi_buf_printf(out, "%s%s: %s", i ? "; " : "", r[i].recipient ? r[i].recipient : "",
                              r[i].reply ? r[i].reply : "");
    }
    return rc;
}

static int add_attempt(record_ctx *x, const char *relay, int code, const char *summary)
{
    sqlite3_stmt *s = queue_stmt(x->c, QS_INSERT_ATTEMPT, x->err);
    if (!s)
        return x->err->code;
    sqlite3_bind_text(s, 1, x->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, x->now);
    if (relay)
        sqlite3_bind_text(s, 3, relay, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 4, code);
    sqlite3_bind_text(s, 5, summary, -1, SQLITE_STATIC);
    return queue_step_done(x->c, s, x->err, "adding an attempt to the history");
}

static int tally(record_ctx *x, int64_t *pending, int64_t *failed, int64_t *expires)
{
    sqlite3_stmt *s = queue_stmt(x->c, QS_TALLY, x->err);
    if (!s)
        return x->err->code;
    sqlite3_bind_text(s, 1, x->id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *pending = sqlite3_column_int64(s, 0);
        *failed = sqlite3_column_int64(s, 1);
        *expires = sqlite3_column_int64(s, 2);
        rc = 0;
    } else
        rc = queue_fail(x->c, x->err, "counting the recipients");
    sqlite3_reset(s);
    return rc;
}

/* "address: reply" of the first recipient that failed, into out. */
static int first_failure(record_ctx *x, envoi_buf *out)
{
    sqlite3_stmt *s = queue_stmt(x->c, QS_FIRST_REPLY, x->err);
    if (!s)
        return x->err->code;
    sqlite3_bind_text(s, 1, x->id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, SPOOL_OUT_FAILED);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        rc = envoi_buf_printf(out, "%s: %s", (const char *)sqlite3_column_text(s, 1),
                              (const char *)sqlite3_column_text(s, 2));
    else
        rc = rc == SQLITE_DONE ? 0 : queue_fail(x->c, x->err, "reading a failure");
    sqlite3_reset(s);
    return rc;
}

static int expire_recipients(record_ctx *x)
{
    sqlite3_stmt *s = queue_stmt(x->c, QS_EXPIRE_RCPTS, x->err);
    if (!s)
        return x->err->code;
    sqlite3_bind_text(s, 1, x->id, -1, SQLITE_STATIC);
    return queue_step_done(x->c, s, x->err, "expiring the recipients");
}

static int finish(record_ctx *x, spool_status st, int64_t next_try, const char *reason)
{
    sqlite3_stmt *s = queue_stmt(x->c, QS_FINISH, x->err);
    if (!s)
        return x->err->code;
    sqlite3_bind_text(s, 1, x->id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, (int)st);
    sqlite3_bind_int(s, 3, (int)x->attempts);
    sqlite3_bind_int64(s, 4, next_try);
    sqlite3_bind_int64(s, 5, st == SPOOL_PENDING ? 0 : x->now);
    sqlite3_bind_text(s, 6, reason, -1, SQLITE_STATIC);
    return queue_step_done(x->c, s, x->err, "updating the message's status");
}

/* Decide the message's status from what is left of its recipients. */
static int conclude(record_ctx *x, const char *summary, spool_status *final)
{
    int64_t pending = 0, failed = 0, expires = 0;
    int rc = tally(x, &pending, &failed, &expires);
    if (rc < 0)
        return rc;
    envoi_buf reason = ENVOI_BUF_INIT;
    if (pending == 0 && failed == 0) {
        *final = SPOOL_SENT;
        rc = envoi_buf_append_str(&reason, summary);
    } else if (pending == 0) {
        *final = SPOOL_ERROR;
        rc = first_failure(x, &reason);
    } else if (x->now >= expires) {
        *final = SPOOL_ERROR;
        rc = expire_recipients(x);
        if (rc == 0)
            rc = envoi_buf_printf(&reason, "expired after %u attempts: %s", x->attempts, summary);
    } else {
        *final = SPOOL_PENDING;
    }
    if (rc == 0 && envoi_buf_append(&reason, "", 0) < 0)
        rc = ENVOI_ENOMEM;
    if (rc == ENVOI_ENOMEM)
        envoi_err_set(x->err, rc, "out of memory");
    int64_t next =
        *final == SPOOL_PENDING ? x->now + queue_backoff_ms(&x->q->policy, x->attempts) : 0;
    if (rc == 0)
        rc = finish(x, *final, next, reason.data ? reason.data : "");
    envoi_buf_free(&reason);
    return rc;
}

static int record_locked(record_ctx *x, const char *owner, const char *relay,
                         const spool_rcpt_result *results, size_t n, spool_status *final)
{
    int rc = check_lease(x, owner);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = set_outcome(x, &results[i]);
    if (rc < 0)
        return rc;
    x->attempts++;
    envoi_buf summary = ENVOI_BUF_INIT;
    int code = 0;
    rc = summarize(results, n, &summary, &code);
    if (rc == 0 && envoi_buf_append(&summary, "", 0) < 0)
        rc = ENVOI_ENOMEM;
    if (rc < 0)
        rc = envoi_err_set(x->err, ENVOI_ENOMEM, "out of memory");
    if (rc == 0)
        rc = add_attempt(x, relay, code, summary.data);
    if (rc == 0)
        rc = conclude(x, summary.data, final);
    envoi_buf_free(&summary);
    return rc;
}

int spool_queue_record(spool_queue *q, const char *id, const char *owner, const char *relay,
                       const spool_rcpt_result *results, size_t n, spool_status *final,
                       envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    spool_status st = SPOOL_PENDING;
    if (!id || !owner || (n && !results))
        return envoi_err_set(err, ENVOI_EINVAL, "record: missing id, owner or results");
    pthread_mutex_lock(&q->main_mu);
    record_ctx x = {.q = q, .c = &q->main, .id = id, .now = queue_now_ms(q), .err = err};
    int rc = queue_begin(x.c, err);
    if (rc == 0)
        rc = record_locked(&x, owner, relay, results, n, &st);
    rc = queue_end(x.c, rc, err);
    pthread_mutex_unlock(&q->main_mu);
    if (rc == 0 && final)
        *final = st;
    return rc;
}

static int run_simple(queue_conn *c, enum queue_sql which, envoi_error *err, const char *what)
{
    sqlite3_stmt *s = queue_stmt(c, which, err);
    return s ? queue_step_done(c, s, err, what) : err->code;
}

/* One message of a group, behind a savepoint: when it fails alone (lease
 * lost, unknown id), what it wrote is undone and the group goes on. A
 * negative return is a failure of the whole transaction. */
static int record_one(spool_queue *q, const char *owner, spool_record *r, int64_t now,
                      envoi_error *err)
{
    queue_conn *c = &q->main;
    envoi_err_clear(&r->err);
    r->final = SPOOL_PENDING;
    r->rc = 0;
    if (!r->id || (r->n && !r->results)) {
        r->rc = envoi_err_set(&r->err, ENVOI_EINVAL, "record: missing id or results");
        return 0;
    }
    int rc = run_simple(c, QS_SAVEPOINT, err, "opening a savepoint");
    if (rc < 0)
        return rc;
    record_ctx x = {.q = q, .c = c, .id = r->id, .now = now, .err = &r->err};
    r->rc = record_locked(&x, owner, r->relay, r->results, r->n, &r->final);
    if (sqlite3_get_autocommit(c->db)) { /* SQLite rolled everything back (a full disk) */
        *err = r->err;
        return r->rc < 0 ? r->rc : envoi_err_set(err, ENVOI_EFILE, "the transaction was lost");
    }
    if (r->rc < 0 && run_simple(c, QS_ROLLBACK_SAVEPOINT, err, "undoing a record") < 0)
        return err->code;
    return run_simple(c, QS_RELEASE_SAVEPOINT, err, "closing a savepoint");
}

int spool_queue_record_many(spool_queue *q, const char *owner, spool_record *recs, size_t n,
                            envoi_error *err)
{
    return spool_queue_record_and_lease(q, owner, recs, n, 0, 1, 1, NULL, NULL, err);
}

int spool_queue_record_and_lease(spool_queue *q, const char *owner, spool_record *recs, size_t n,
                                 size_t max, unsigned sharers, int64_t lease_ms, spool_lease **out,
                                 size_t *count, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (out)
        *out = NULL;
    if (count)
        *count = 0;
    if (out && count && queue_lease_check(owner, lease_ms, err) < 0)
        return err->code;
    if (!owner || (n && !recs))
        return envoi_err_set(err, ENVOI_EINVAL, "record: missing owner or records");
    bool lease = out && count && max > 0;
    if (n == 0 && !lease)
        return 0;
    queue_lease_req req = {owner, max, sharers, lease_ms};
    pthread_mutex_lock(&q->main_mu);
    int64_t now = queue_now_ms(q);
    int rc = queue_begin(&q->main, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = record_one(q, owner, &recs[i], now, err);
    if (rc == 0 && lease)
        rc = queue_lease_locked(q, &req, now, out, count, err);
    rc = queue_end(&q->main, rc, err);
    pthread_mutex_unlock(&q->main_mu);
    if (rc < 0) {
        for (size_t i = 0; i < n; i++) {
            recs[i].rc = rc;
            recs[i].err = *err;
            recs[i].final = SPOOL_PENDING;
        }
        if (lease)
            queue_leases_drop(out, count);
    }
    return rc;
}
