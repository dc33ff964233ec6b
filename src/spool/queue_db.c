/* The spool queue's SQLite connections: pragmas, the prepared statement
 * cache, SQLite failures turned into envoi_error, transactions. */
#include "spool/queue_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "util/err.h"
#include "util/sqlite_code.h"

#define QUEUE_BUSY_TIMEOUT_MS 10000
#define MSG_COLUMNS                                                                                \
    "id, status, sender, subject, size, attempts, submitted_ms, next_try_ms, done_ms, reason"

static const char *const sql_text[QS_COUNT] = {
    [QS_SAVEPOINT] = "SAVEPOINT one",
    [QS_RELEASE_SAVEPOINT] = "RELEASE one",
    [QS_ROLLBACK_SAVEPOINT] = "ROLLBACK TO one",
    [QS_INSERT_MESSAGE] = "INSERT INTO messages (id, status, sender, subject, size, relay,"
                          " submitted_ms, next_try_ms, expires_ms, search)"
                          " VALUES (?1, 0, ?2, ?3, ?4, ?6, ?7, ?7, ?8, ?9)", /* ?5: unused */
    [QS_INSERT_SOURCE] = "INSERT INTO sources (message, source) VALUES (?1, ?2)",
    [QS_INSERT_RCPT] = "INSERT INTO recipients (message, position, address) VALUES (?1, ?2, ?3)",
    [QS_PAUSED] = "SELECT value FROM meta WHERE key = 'paused'",
    [QS_SET_PAUSED] = "UPDATE meta SET value = ?1 WHERE key = 'paused'",
    [QS_DUE] = "SELECT m.id, m.sender, s.source, m.relay, m.attempts, m.submitted_ms"
               " FROM messages m JOIN sources s ON s.message = m.id"
               " WHERE m.status = 0 AND m.next_try_ms <= ?1 AND m.lease_until_ms < ?1"
               " ORDER BY m.next_try_ms, m.id LIMIT ?2",
    /* While leased, the message is due again when the lease ends. */
    [QS_TAKE] = "UPDATE messages SET lease_owner = ?2, lease_until_ms = ?3, next_try_ms = ?3"
                " WHERE id = ?1",
    [QS_PENDING_RCPTS] = "SELECT address FROM recipients WHERE message = ?1 AND outcome = 1"
                         " ORDER BY position",
    [QS_MSG_STATE] = "SELECT status, lease_owner, lease_until_ms, attempts FROM messages"
                     " WHERE id = ?1",
    [QS_SET_OUTCOME] = "UPDATE recipients SET outcome = ?3, reply_code = ?4, reply = ?5"
                       " WHERE message = ?1 AND address = ?2 AND outcome = 1",
    [QS_INSERT_ATTEMPT] = "INSERT INTO attempts (message, at_ms, relay, reply_code, summary)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)",
    [QS_TALLY] = "SELECT coalesce(sum(outcome = 1), 0), coalesce(sum(outcome = 2), 0),"
                 " (SELECT expires_ms FROM messages WHERE id = ?1)"
                 " FROM recipients WHERE message = ?1",
    [QS_FIRST_REPLY] = "SELECT reply_code, address, reply FROM recipients"
                       " WHERE message = ?1 AND outcome = ?2 ORDER BY position LIMIT 1",
    [QS_EXPIRE_RCPTS] = "UPDATE recipients SET outcome = 2 WHERE message = ?1 AND outcome = 1",
    [QS_FINISH] = "UPDATE messages SET status = ?2, attempts = ?3, next_try_ms = ?4, done_ms = ?5,"
                  " reason = ?6, lease_owner = NULL, lease_until_ms = 0 WHERE id = ?1",
    [QS_RELEASE] = "UPDATE messages SET lease_owner = NULL, lease_until_ms = 0, next_try_ms = ?3"
                   " WHERE id = ?1 AND status = 0 AND lease_owner = ?2",
    [QS_INFO] = "SELECT " MSG_COLUMNS " FROM messages WHERE id = ?1",
    [QS_RCPTS] = "SELECT address, outcome, reply_code, reply FROM recipients WHERE message = ?1"
                 " ORDER BY position",
    [QS_HISTORY] = "SELECT at_ms, relay, reply_code, summary FROM attempts WHERE message = ?1"
                   " ORDER BY at_ms, rowid",
    [QS_SOURCE] = "SELECT source FROM sources WHERE message = ?1",
    [QS_COUNTS] = "SELECT status, count(*) FROM messages GROUP BY status",
    [QS_COUNT_DUE] = "SELECT count(*) FROM messages WHERE status = 0 AND next_try_ms <= ?1"
                     " AND lease_until_ms < ?1",
    [QS_NEXT_DUE] = "SELECT min(next_try_ms) FROM messages WHERE status = 0",
    [QS_RETRY_PENDING] = "UPDATE messages SET next_try_ms = ?2 WHERE id = ?1",
    [QS_RETRY_ERROR] = "UPDATE messages SET status = 0, next_try_ms = ?2, expires_ms = ?3,"
                       " done_ms = 0, reason = '' WHERE id = ?1",
    [QS_RETRY_RCPTS] = "UPDATE recipients SET outcome = 1 WHERE message = ?1 AND outcome = 2",
    [QS_CANCEL] = "UPDATE messages SET status = 3, next_try_ms = 0, done_ms = ?2,"
                  " reason = 'cancelled' WHERE id = ?1",
};

/* Free space below which a failed write is taken for a full disk. */
#define QUEUE_LOW_SPACE (16 * 1024 * 1024)

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* Whether the database or its WAL reached the process's file size limit. */
static bool at_size_limit(const char *file)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_FSIZE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY)
        return false;
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", file);
    long long biggest = file_size(file);
    if (file_size(wal) > biggest)
        biggest = file_size(wal);
    /* A write that would cross the limit fails before the file reaches it. */
    return biggest + QUEUE_LOW_SPACE >= (long long)lim.rlim_cur;
}

static bool low_space(const char *file)
{
    struct statvfs vs;
    return statvfs(file, &vs) == 0 &&
           (unsigned long long)vs.f_bavail * vs.f_frsize < QUEUE_LOW_SPACE;
}

/* SQLite reports a full disk as SQLITE_FULL, but a write refused outright
 * (ENOSPC from the start, or EFBIG past RLIMIT_FSIZE) as a write error
 * whose errno it does not keep: look at the disk and the limit then. */
static const char *full_cause(sqlite3 *db, int rc, const char *file)
{
    if ((rc & 0xff) == SQLITE_FULL)
        return "the disk is full";
    if (rc != SQLITE_IOERR_WRITE && rc != SQLITE_IOERR_TRUNCATE && rc != SQLITE_IOERR_FSYNC)
        return NULL;
    int e = sqlite3_system_errno(db);
    if (e == ENOSPC || e == EDQUOT || low_space(file))
        return "the disk is full";
    if (e == EFBIG || at_size_limit(file))
        return "the disk is full for this process (its file size limit is reached)";
    return NULL;
}

int queue_fail(queue_conn *c, envoi_error *err, const char *what)
{
    int rc = sqlite3_extended_errcode(c->db);
    const char *file = sqlite3_db_filename(c->db, "main");
    if (!file || !*file)
        file = "queue";
    const char *full = full_cause(c->db, rc, file);
    if (full)
        return envoi_err_set(err, ENVOI_EFILE, "%s: %s: %s (%s)", file, what, full,
                             sqlite3_errmsg(c->db));
    return envoi_err_set(err, envoi_sqlite_code(rc, false), "%s: %s: %s", file, what,
                         sqlite3_errmsg(c->db));
}

sqlite3_stmt *queue_stmt(queue_conn *c, enum queue_sql which, envoi_error *err)
{
    sqlite3_stmt *s = c->stmt[which];
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    if (sqlite3_prepare_v3(c->db, sql_text[which], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
        SQLITE_OK) {
        queue_fail(c, err, "preparing a statement");
        return NULL;
    }
    c->stmt[which] = s;
    return s;
}

int queue_exec(queue_conn *c, const char *sql, envoi_error *err)
{
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return queue_fail(c, err, sql);
    return 0;
}

int queue_begin(queue_conn *c, envoi_error *err)
{
    if (c->writer)
        pthread_mutex_lock(c->writer);
    int rc = queue_exec(c, "BEGIN IMMEDIATE", err);
    c->writing = rc == 0 && c->writer;
    if (rc < 0 && c->writer)
        pthread_mutex_unlock(c->writer);
    return rc;
}

static void end_writing(queue_conn *c)
{
    if (c->writing)
        pthread_mutex_unlock(c->writer);
    c->writing = false;
}

int queue_end(queue_conn *c, int rc, envoi_error *err)
{
    if (rc == 0) {
        rc = queue_exec(c, "COMMIT", err);
        if (rc == 0) {
            end_writing(c);
            return 0;
        }
    }
    /* SQLite may already have rolled back by itself (a full disk). */
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    end_writing(c);
    return rc;
}

int queue_step_done(queue_conn *c, sqlite3_stmt *s, envoi_error *err, const char *what)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        sqlite3_reset(s);
        return 0;
    }
    rc = queue_fail(c, err, what);
    sqlite3_reset(s);
    return rc;
}

char *queue_column_dup(sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    size_t n = (size_t)sqlite3_column_bytes(s, col);
    char *copy = malloc(n + 1);
    if (!copy)
        return NULL;
    if (t)
        memcpy(copy, t, n);
    copy[t ? n : 0] = '\0';
    return copy;
}

int queue_conn_open(queue_conn *c, const char *path, envoi_error *err)
{
    memset(c, 0, sizeof *c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        int rc = c->db ? envoi_err_set(err, envoi_sqlite_code(sqlite3_errcode(c->db), false),
                                       "%s: %s", path, sqlite3_errmsg(c->db))
                       : envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        queue_conn_close(c);
        return rc;
    }
    sqlite3_extended_result_codes(c->db, 1);
    if (sqlite3_busy_timeout(c->db, QUEUE_BUSY_TIMEOUT_MS) != SQLITE_OK)
        return queue_fail(c, err, "setting the busy timeout");
    /* synchronous=FULL: in WAL mode NORMAL would not make each commit durable. */
    int rc = queue_exec(c, "PRAGMA journal_mode = WAL", err);
    if (rc == 0)
        rc = queue_exec(c, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", err);
    return rc;
}

void queue_conn_close(queue_conn *c)
{
    for (size_t i = 0; i < QS_COUNT; i++) {
        sqlite3_finalize(c->stmt[i]);
        c->stmt[i] = NULL;
    }
    sqlite3_close_v2(c->db);
    c->db = NULL;
}
