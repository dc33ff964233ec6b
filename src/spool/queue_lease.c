/* Leases taken by delivery workers: due messages handed out oldest due
 * first (a fair share each when several workers lease), each with its
 * recipients still pending; given back untried on shutdown or after a
 * crash; and when workers may next find one due. */
#include "spool/queue_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void spool_lease_free(spool_lease *l)
{
    if (!l)
        return;
    free(l->from);
    for (size_t i = 0; i < l->recipient_count; i++)
        free(l->recipients[i]);
    free(l->recipients);
    free(l->source);
    free(l->relay);
    memset(l, 0, sizeof *l);
}

static int oom(envoi_error *err)
{
    return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
}

static int fill_recipients(queue_conn *c, spool_lease *l, envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(c, QS_PENDING_RCPTS, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, l->id, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (l->recipient_count == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            char **grown = realloc(l->recipients, ncap * sizeof *grown);
            if (!grown)
                return oom(err);
            l->recipients = grown;
            cap = ncap;
        }
        char *a = queue_column_dup(s, 0);
        if (!a)
            return oom(err);
        l->recipients[l->recipient_count++] = a;
    }
    rc = rc == SQLITE_DONE ? 0 : queue_fail(c, err, "reading the recipients");
    sqlite3_reset(s);
    return rc;
}

/* The current row of QS_DUE into l. */
static int fill_lease(sqlite3_stmt *s, spool_lease *l)
{
    memset(l, 0, sizeof *l);
    const unsigned char *id = sqlite3_column_text(s, 0);
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    if (n >= SPOOL_ID_SIZE)
        n = SPOOL_ID_SIZE - 1;
    memcpy(l->id, id ? (const char *)id : "", id ? n : 0);
    l->id[id ? n : 0] = '\0';
    l->from = queue_column_dup(s, 1);
    size_t len = (size_t)sqlite3_column_bytes(s, 2);
    l->source = malloc(len ? len : 1);
    if (l->source && len)
        memcpy(l->source, sqlite3_column_blob(s, 2), len);
    l->source_len = len;
    if (sqlite3_column_type(s, 3) != SQLITE_NULL)
        l->relay = queue_column_dup(s, 3);
    l->attempts = (unsigned)sqlite3_column_int(s, 4);
    l->submitted_ms = sqlite3_column_int64(s, 5);
    bool relay_ok = sqlite3_column_type(s, 3) == SQLITE_NULL || l->relay;
    return l->from && l->source && relay_ok ? 0 : ENVOI_ENOMEM;
}

static int select_due(queue_conn *c, int64_t now, size_t max, spool_lease *out, size_t *count,
                      envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(c, QS_DUE, err);
    if (!s)
        return err->code;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
    int rc = SQLITE_DONE;
    while (*count < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int frc = fill_lease(s, &out[*count]);
        (*count)++;
        if (frc < 0) {
            sqlite3_reset(s);
            return oom(err);
        }
    }
    rc = *count == max || rc == SQLITE_DONE ? 0 : queue_fail(c, err, "finding due messages");
    sqlite3_reset(s);
    return rc;
}

static int take(queue_conn *c, spool_lease *l, const char *owner, int64_t until, envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(c, QS_TAKE, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, l->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, owner, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, until);
    int rc = queue_step_done(c, s, err, "taking a lease");
    return rc < 0 ? rc : fill_recipients(c, l, err);
}

static void free_leases(spool_lease *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spool_lease_free(&l[i]);
    free(l);
}

void queue_leases_drop(spool_lease **out, size_t *count)
{
    free_leases(*out, *count);
    *out = NULL;
    *count = 0;
}

/* How many messages are due now, counted up to limit (the count stops
 * there: its cost stays bounded however long the queue is). */
static int count_due(queue_conn *c, int64_t now, size_t limit, size_t *due, envoi_error *err)
{
    static const char sql[] = "SELECT count(*) FROM (SELECT 1 FROM messages WHERE status = 0"
                              " AND next_try_ms <= ?1 AND lease_until_ms < ?1 LIMIT ?2)";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
        return queue_fail(c, err, "counting due messages");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)limit);
    int rc = sqlite3_step(s);
    *due = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(s, 0) : 0;
    rc = rc == SQLITE_ROW ? 0 : queue_fail(c, err, "counting due messages");
    sqlite3_finalize(s);
    return rc;
}

/* The worker's fair share of what is due: at most max, and no more than
 * due / sharers + 1, so that the others find some too. */
static size_t share_of(size_t due, size_t max, unsigned sharers)
{
    size_t fair = due / sharers + 1;
    return fair < max ? fair : max;
}

int spool_queue_lease(spool_queue *q, const char *owner, size_t max, int64_t lease_ms,
                      spool_lease **out, size_t *count, envoi_error *err)
{
    return spool_queue_lease_share(q, owner, max, 1, lease_ms, out, count, err);
}

int queue_lease_check(const char *owner, int64_t lease_ms, envoi_error *err)
{
    if (!owner || !*owner || lease_ms <= 0)
        return envoi_err_set(err, ENVOI_EINVAL, "a lease needs an owner and a duration");
    return 0;
}

int queue_lease_locked(spool_queue *q, const queue_lease_req *req, int64_t now, spool_lease **out,
                       size_t *count, envoi_error *err)
{
    size_t max = req->max > 10000 ? 10000 : req->max;
    if (max == 0)
        return 0;
    spool_lease *leases = calloc(max, sizeof *leases);
    if (!leases)
        return oom(err);
    size_t n = 0, due = 0;
    int rc = 0;
    if (req->sharers > 1) {
        rc = count_due(&q->main, now, max * req->sharers, &due, err);
        max = share_of(due, max, req->sharers);
    }
    if (rc == 0)
        rc = select_due(&q->main, now, max, leases, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = take(&q->main, &leases[i], req->owner, now + req->lease_ms, err);
    if (rc < 0 || n == 0) {
        free_leases(leases, n);
        return rc;
    }
    *out = leases;
    *count = n;
    return 0;
}

int spool_queue_lease_share(spool_queue *q, const char *owner, size_t max, unsigned sharers,
                            int64_t lease_ms, spool_lease **out, size_t *count, envoi_error *err)
{
    return spool_queue_record_and_lease(q, owner, NULL, 0, max, sharers, lease_ms, out, count, err);
}

int spool_queue_release(spool_queue *q, const char *id, const char *owner, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (!id || !owner)
        return envoi_err_set(err, ENVOI_EINVAL, "release: missing id or owner");
    pthread_mutex_lock(&q->main_mu);
    int rc = 0;
    sqlite3_stmt *s = queue_stmt(&q->main, QS_RELEASE, err);
    if (!s)
        rc = err->code;
    if (rc == 0) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, owner, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, queue_now_ms(q));
        rc = queue_step_done(&q->main, s, err, "releasing a lease");
    }
    if (rc == 0 && sqlite3_changes(q->main.db) == 0)
        rc = envoi_err_set(err, ENVOI_ESTATE, "message %s is not leased by %s", id, owner);
    pthread_mutex_unlock(&q->main_mu);
    return rc;
}

int spool_queue_release_owner(spool_queue *q, const char *owner, size_t *count, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (count)
        *count = 0;
    if (!owner || !*owner)
        return envoi_err_set(err, ENVOI_EINVAL, "release: missing owner");
    static const char sql[] = "UPDATE messages SET lease_owner = NULL, lease_until_ms = 0,"
                              " next_try_ms = ?2 WHERE status = 0 AND lease_owner = ?1";
    pthread_mutex_lock(&q->main_mu);
    sqlite3_stmt *s = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(q->main.db, sql, -1, &s, NULL) != SQLITE_OK)
        rc = queue_fail(&q->main, err, "releasing leases");
    if (rc == 0) {
        sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, queue_now_ms(q));
        rc = queue_step_done(&q->main, s, err, "releasing leases");
    }
    if (rc == 0 && count)
        *count = (size_t)sqlite3_changes(q->main.db);
    sqlite3_finalize(s);
    pthread_mutex_unlock(&q->main_mu);
    return rc;
}

int64_t spool_queue_next_due_ms(spool_queue *q)
{
    envoi_error err;
    int64_t next = -1;
    pthread_mutex_lock(&q->main_mu);
    sqlite3_stmt *s = queue_stmt(&q->main, QS_NEXT_DUE, &err);
    if (s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        int64_t at = sqlite3_column_int64(s, 0);
        int64_t now = queue_now_ms(q);
        next = at <= now ? 0 : at - now;
    }
    if (s)
        sqlite3_reset(s);
    pthread_mutex_unlock(&q->main_mu);
    return next;
}
