/* Administration from the API, the dashboard and "envoi queue": retry now,
 * cancel, pause and resume, each in its own transaction with the status
 * rules checked inside it. */
#include "spool/queue_impl.h"

#include <string.h>

#include "util/err.h"

typedef struct admin_state {
    spool_status status;
    bool leased;
} admin_state;

static int read_state(spool_queue *q, const char *id, int64_t now, admin_state *st,
                      envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(&q->main, QS_MSG_STATE, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        st->status = (spool_status)sqlite3_column_int(s, 0);
        st->leased = sqlite3_column_type(s, 1) != SQLITE_NULL && sqlite3_column_int64(s, 2) >= now;
        rc = 0;
    } else if (rc == SQLITE_DONE)
        rc = envoi_err_set(err, ENVOI_ENOTFOUND, "no message %s in the queue", id);
    else
        rc = queue_fail(&q->main, err, "reading a message's state");
    sqlite3_reset(s);
    return rc;
}

static int refuse(envoi_error *err, const char *id, const admin_state *st, const char *action)
{
    if (st->leased)
        return envoi_err_set(err, ENVOI_ESTATE,
                             "message %s is being delivered now: it cannot be %s", id, action);
    return envoi_err_set(err, ENVOI_ESTATE, "message %s is %s: it cannot be %s", id,
                         spool_status_name(st->status), action);
}

static int update(spool_queue *q, enum queue_sql which, const char *id, int64_t a, int64_t b,
                  envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(&q->main, which, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_int64(s, 2, a);
    if (sqlite3_bind_parameter_count(s) >= 3)
        sqlite3_bind_int64(s, 3, b);
    return queue_step_done(&q->main, s, err, "updating a message");
}

static int retry_locked(spool_queue *q, const char *id, envoi_error *err)
{
    int64_t now = queue_now_ms(q);
    admin_state st = {0};
    int rc = read_state(q, id, now, &st, err);
    if (rc < 0)
        return rc;
    if (st.status == SPOOL_PENDING && !st.leased)
        return update(q, QS_RETRY_PENDING, id, now, 0, err);
    if (st.status != SPOOL_ERROR)
        return refuse(err, id, &st, "retried");
    rc = update(q, QS_RETRY_RCPTS, id, 0, 0, err);
    if (rc == 0)
        rc = update(q, QS_RETRY_ERROR, id, now, now + (int64_t)q->policy.expire_s * 1000, err);
    return rc;
}

static int cancel_locked(spool_queue *q, const char *id, envoi_error *err)
{
    int64_t now = queue_now_ms(q);
    admin_state st = {0};
    int rc = read_state(q, id, now, &st, err);
    if (rc < 0)
        return rc;
    if (st.status != SPOOL_PENDING || st.leased)
        return refuse(err, id, &st, "cancelled");
    return update(q, QS_CANCEL, id, now, 0, err);
}

static int run_admin(spool_queue *q, const char *id, envoi_error *err,
                     int (*action)(spool_queue *, const char *, envoi_error *))
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (!id || !*id)
        return envoi_err_set(err, ENVOI_EINVAL, "no message id");
    pthread_mutex_lock(&q->main_mu);
    int rc = queue_begin(&q->main, err);
    if (rc == 0)
        rc = queue_end(&q->main, action(q, id, err), err);
    pthread_mutex_unlock(&q->main_mu);
    return rc;
}

int spool_queue_retry(spool_queue *q, const char *id, envoi_error *err)
{
    return run_admin(q, id, err, retry_locked);
}

int spool_queue_cancel(spool_queue *q, const char *id, envoi_error *err)
{
    return run_admin(q, id, err, cancel_locked);
}

int spool_queue_set_paused(spool_queue *q, bool paused, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    pthread_mutex_lock(&q->main_mu);
    int rc = 0;
    sqlite3_stmt *s = queue_stmt(&q->main, QS_SET_PAUSED, err);
    if (!s)
        rc = err->code;
    if (rc == 0) {
        sqlite3_bind_int(s, 1, paused ? 1 : 0);
        rc = queue_step_done(&q->main, s, err, "setting the paused flag");
    }
    pthread_mutex_unlock(&q->main_mu);
    return rc;
}
