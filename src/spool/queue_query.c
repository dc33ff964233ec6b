/* What the status API, the dashboard and "envoi queue" read: a message's
 * status with its recipients, its history, its source, the listing with a
 * status filter and a search, and the counts. */
#include "spool/queue_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

#define INFO_COLUMNS                                                                               \
    "id, status, sender, subject, size, attempts, submitted_ms, next_try_ms, done_ms, reason"

static int oom(envoi_error *err)
{
    return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
}

void spool_info_free(spool_info *info)
{
    if (!info)
        return;
    free(info->from);
    free(info->subject);
    free(info->reason);
    for (size_t i = 0; i < info->recipient_count; i++) {
        free(info->recipients[i].address);
        free(info->recipients[i].reply);
    }
    free(info->recipients);
    memset(info, 0, sizeof *info);
}

void spool_attempts_free(spool_attempt *a, size_t n)
{
    if (!a)
        return;
    for (size_t i = 0; i < n; i++) {
        free(a[i].relay);
        free(a[i].summary);
    }
    free(a);
}

/* A row with the INFO_COLUMNS into out (recipients left empty). */
static int fill_info(sqlite3_stmt *s, spool_info *out)
{
    memset(out, 0, sizeof *out);
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    const unsigned char *id = sqlite3_column_text(s, 0);
    if (id && n < SPOOL_ID_SIZE)
        memcpy(out->id, id, n + 1);
    out->status = (spool_status)sqlite3_column_int(s, 1);
    out->from = queue_column_dup(s, 2);
    out->subject = queue_column_dup(s, 3);
    out->size = (size_t)sqlite3_column_int64(s, 4);
    out->attempts = (unsigned)sqlite3_column_int(s, 5);
    out->submitted_ms = sqlite3_column_int64(s, 6);
    out->next_try_ms = out->status == SPOOL_PENDING ? sqlite3_column_int64(s, 7) : 0;
    out->done_ms = out->status == SPOOL_PENDING ? 0 : sqlite3_column_int64(s, 8);
    out->reason = queue_column_dup(s, 9);
    return out->from && out->subject && out->reason ? 0 : ENVOI_ENOMEM;
}

static int fill_recipients(queue_conn *c, const char *id, spool_info *out, envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(c, QS_RCPTS, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (out->recipient_count == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct spool_info_rcpt *grown = realloc(out->recipients, ncap * sizeof *grown);
            if (!grown)
                break;
            out->recipients = grown;
            cap = ncap;
        }
        struct spool_info_rcpt *r = &out->recipients[out->recipient_count++];
        r->address = queue_column_dup(s, 0);
        r->outcome = (spool_outcome)sqlite3_column_int(s, 1);
        r->reply_code = sqlite3_column_int(s, 2);
        r->reply = queue_column_dup(s, 3);
        if (!r->address || !r->reply)
            break;
    }
    if (rc == SQLITE_ROW)
        rc = oom(err);
    else
        rc = rc == SQLITE_DONE ? 0 : queue_fail(c, err, "reading the recipients");
    sqlite3_reset(s);
    return rc;
}

static int read_info(queue_conn *c, const char *id, spool_info *out, envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(c, QS_INFO, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        rc = fill_info(s, out) < 0 ? oom(err) : 0;
    else if (rc == SQLITE_DONE)
        rc = envoi_err_set(err, ENVOI_ENOTFOUND, "no message %s in the queue", id);
    else
        rc = queue_fail(c, err, "reading a message");
    sqlite3_reset(s);
    return rc == 0 ? fill_recipients(c, id, out, err) : rc;
}

int spool_queue_info(spool_queue *q, const char *id, spool_info *out, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    memset(out, 0, sizeof *out);
    if (!id)
        return envoi_err_set(err, ENVOI_EINVAL, "no message id");
    pthread_mutex_lock(&q->main_mu);
    /* One read transaction: the message and its recipients agree. */
    int rc = queue_exec(&q->main, "BEGIN", err);
    if (rc == 0) {
        rc = read_info(&q->main, id, out, err);
        sqlite3_exec(q->main.db, "COMMIT", NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&q->main_mu);
    if (rc < 0)
        spool_info_free(out);
    return rc;
}

static int read_history(queue_conn *c, const char *id, spool_attempt **out, size_t *count,
                        envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(c, QS_HISTORY, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*count == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            spool_attempt *grown = realloc(*out, ncap * sizeof *grown);
            if (!grown)
                break;
            *out = grown;
            cap = ncap;
        }
        spool_attempt *a = &(*out)[(*count)++];
        a->at_ms = sqlite3_column_int64(s, 0);
        a->relay = sqlite3_column_type(s, 1) == SQLITE_NULL ? NULL : queue_column_dup(s, 1);
        a->reply_code = sqlite3_column_int(s, 2);
        a->summary = queue_column_dup(s, 3);
        if (!a->summary || (sqlite3_column_type(s, 1) != SQLITE_NULL && !a->relay))
            break;
    }
    if (rc == SQLITE_ROW)
        rc = oom(err);
    else
        rc = rc == SQLITE_DONE ? 0 : queue_fail(c, err, "reading the history");
    sqlite3_reset(s);
    return rc;
}

/* ENVOI_ENOTFOUND unless id is in the queue. */
static int require_message(queue_conn *c, const char *id, envoi_error *err)
{
    sqlite3_stmt *s = queue_stmt(c, QS_MSG_STATE, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        rc = 0;
    else if (rc == SQLITE_DONE)
        rc = envoi_err_set(err, ENVOI_ENOTFOUND, "no message %s in the queue", id);
    else
        rc = queue_fail(c, err, "reading a message");
    sqlite3_reset(s);
    return rc;
}

int spool_queue_history(spool_queue *q, const char *id, spool_attempt **out, size_t *count,
                        envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    *out = NULL;
    *count = 0;
    if (!id)
        return envoi_err_set(err, ENVOI_EINVAL, "no message id");
    pthread_mutex_lock(&q->main_mu);
    int rc = require_message(&q->main, id, err);
    if (rc == 0)
        rc = read_history(&q->main, id, out, count, err);
    pthread_mutex_unlock(&q->main_mu);
    if (rc < 0) {
        spool_attempts_free(*out, *count);
        *out = NULL;
        *count = 0;
    }
    return rc;
}

int spool_queue_source(spool_queue *q, const char *id, void **out, size_t *len, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    *out = NULL;
    *len = 0;
    if (!id)
        return envoi_err_set(err, ENVOI_EINVAL, "no message id");
    pthread_mutex_lock(&q->main_mu);
    int rc = 0;
    sqlite3_stmt *s = queue_stmt(&q->main, QS_SOURCE, err);
    if (!s)
        rc = err->code;
    if (rc == 0) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            size_t n = (size_t)sqlite3_column_bytes(s, 0);
            *out = malloc(n ? n : 1);
            if (*out) {
                if (n)
                    memcpy(*out, sqlite3_column_blob(s, 0), n);
                *len = n;
            }
            rc = *out ? 0 : oom(err);
        } else if (rc == SQLITE_DONE)
            rc = envoi_err_set(err, ENVOI_ENOTFOUND, "no message %s in the queue", id);
        else
            rc = queue_fail(&q->main, err, "reading a message's source");
        sqlite3_reset(s);
    }
    pthread_mutex_unlock(&q->main_mu);
    return rc;
}

/* "%term%" lowercased, with LIKE's wildcards escaped. */
static int like_pattern(const char *search, envoi_buf *b)
{
    int rc = envoi_buf_append_char(b, '%');
    for (const char *p = search; rc == 0 && *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            rc = envoi_buf_append_char(b, '\\');
        if (rc == 0)
            rc = envoi_buf_append_char(b, (char)tolower((unsigned char)*p));
    }
    return rc == 0 ? envoi_buf_append_char(b, '%') : rc;
}

static int list_sql(int status, bool search, envoi_buf *sql)
{
    int rc = envoi_buf_append_str(sql, "SELECT " INFO_COLUMNS " FROM messages");
    if (rc == 0 && status >= 0)
        rc = envoi_buf_append_str(sql, " WHERE status = ?1");
    if (rc == 0 && search)
        rc = envoi_buf_append_str(sql, status >= 0 ? " AND" : " WHERE");
    if (rc == 0 && search)
        rc = envoi_buf_append_str(sql, " search LIKE ?2 ESCAPE '\\'");
    if (rc == 0)
        rc = envoi_buf_append_str(sql, " ORDER BY submitted_ms DESC, id DESC LIMIT ?3 OFFSET ?4");
    return rc;
}

static int collect(queue_conn *c, sqlite3_stmt *s, size_t limit, spool_info *out, size_t *count,
                   envoi_error *err)
{
    int rc = SQLITE_DONE;
    while (*count < limit && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (fill_info(s, &out[(*count)++]) < 0)
            return oom(err);
    }
    if (*count == limit || rc == SQLITE_DONE)
        return 0;
    return queue_fail(c, err, "listing the messages");
}

static int run_list(queue_conn *c, int status, const char *search, size_t offset, size_t limit,
                    spool_info *out, size_t *count, envoi_error *err)
{
    envoi_buf sql = ENVOI_BUF_INIT, pattern = ENVOI_BUF_INIT;
    bool searching = search && *search;
    int rc = list_sql(status, searching, &sql);
    if (rc == 0 && searching)
        rc = like_pattern(search, &pattern);
    if (rc < 0) {
        envoi_buf_free(&sql);
        envoi_buf_free(&pattern);
        return oom(err);
    }
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, sql.data, -1, &s, NULL) != SQLITE_OK)
        rc = queue_fail(c, err, "preparing the listing");
    if (rc == 0) {
        if (status >= 0)
            sqlite3_bind_int(s, 1, status);
        if (searching)
            sqlite3_bind_text(s, 2, pattern.data, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)offset);
        rc = collect(c, s, limit, out, count, err);
    }
    sqlite3_finalize(s);
    envoi_buf_free(&sql);
    envoi_buf_free(&pattern);
    return rc;
}

int spool_queue_list(spool_queue *q, int status, const char *search, size_t offset, size_t limit,
                     spool_info **out, size_t *count, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    *out = NULL;
    *count = 0;
    if (status > SPOOL_CANCELLED)
        return envoi_err_set(err, ENVOI_EINVAL, "unknown status %d", status);
    if (limit == 0)
        return 0;
    if (limit > 10000)
        limit = 10000;
    if (offset > INT64_MAX)
        offset = INT64_MAX;
    spool_info *items = calloc(limit, sizeof *items);
    if (!items)
        return oom(err);
    pthread_mutex_lock(&q->main_mu);
    int rc = run_list(&q->main, status, search, offset, limit, items, count, err);
    pthread_mutex_unlock(&q->main_mu);
    if (rc < 0 || *count == 0) {
        for (size_t i = 0; i < *count; i++)
            spool_info_free(&items[i]);
        free(items);
        *count = 0;
        return rc;
    }
    *out = items;
    return 0;
}

static int read_counts(spool_queue *q, spool_counts *out, envoi_error *err)
{
    queue_conn *c = &q->stats;
    sqlite3_stmt *s = queue_stmt(c, QS_COUNTS, err);
    if (!s)
        return err->code;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        uint64_t n = (uint64_t)sqlite3_column_int64(s, 1);
        switch (sqlite3_column_int(s, 0)) {
        case SPOOL_PENDING:
            out->pending = n;
            break;
        case SPOOL_SENT:
            out->sent = n;
            break;
        case SPOOL_ERROR:
            out->error = n;
            break;
        case SPOOL_CANCELLED:
            out->cancelled = n;
            break;
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return queue_fail(c, err, "counting the messages");
    s = queue_stmt(c, QS_COUNT_DUE, err);
    if (!s)
        return err->code;
    sqlite3_bind_int64(s, 1, queue_now_ms(q));
    rc = sqlite3_step(s);
    out->due = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW)
        return queue_fail(c, err, "counting the due messages");
    s = queue_stmt(c, QS_PAUSED, err);
    if (!s)
        return err->code;
    rc = sqlite3_step(s);
    out->paused = rc == SQLITE_ROW && sqlite3_column_int(s, 0) != 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                                 : queue_fail(c, err, "reading the paused flag");
}

int spool_queue_counts(spool_queue *q, spool_counts *out, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&q->stats_mu);
    int rc = queue_exec(&q->stats, "BEGIN", err);
    if (rc == 0) {
        rc = read_counts(q, out, err);
        sqlite3_exec(q->stats.db, "COMMIT", NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&q->stats_mu);
    return rc;
}
