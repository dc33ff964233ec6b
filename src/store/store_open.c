/* Opening and closing the mail store, its statement cache, error reporting
 * and transactions (batches, and one operation's own transaction). */
#include "store/store_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/sqlite_code.h"

#define STORE_BUSY_TIMEOUT_MS 10000
#define STORE_COLUMNS                                                                              \
    "id, account, uidl, message_id, subject, from_text, from_addr, to_text, to_addr, cc_text, "    \
    "cc_addr, date, size, flags, sha256"

static const char *const query_sql[Q_COUNT_QUERIES] = {
    [Q_FIND_UIDL] = "SELECT id FROM messages WHERE account = ?1 AND uidl = ?2",
    [Q_FIND_DIGEST] = "SELECT id FROM messages WHERE sha256 = ?1 AND message_id IS ?2",
    [Q_INSERT_MESSAGE] = "INSERT INTO messages (account, uidl, message_id, subject, from_text,"
                         " from_addr, to_text, to_addr, cc_text, cc_addr, date, size, sha256,"
                         " added, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                         " ?12, ?13, strftime('%s', 'now'), ?14)",
    [Q_INSERT_ATTACHMENT] = "INSERT INTO attachments (message, path, filename, content_type,"
                            " size, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_INSERT_FTS] = "INSERT INTO messages_fts (rowid, subject, addresses, body)"
                     " VALUES (?1, ?2, ?3, ?4)",
    [Q_GET] = "SELECT " STORE_COLUMNS ", raw FROM messages WHERE id = ?1",
    [Q_SET_FLAGS] = "UPDATE messages SET flags = ?2 WHERE id = ?1",
    [Q_DELETE_MESSAGE] = "DELETE FROM messages WHERE id = ?1",
    [Q_DELETE_FTS] = "DELETE FROM messages_fts WHERE rowid = ?1",
    [Q_COUNT] = "SELECT count(*) FROM messages",
    [Q_ATTACHMENTS] = "SELECT path, filename, content_type, size, sha256 FROM attachments"
                      " WHERE message = ?1 ORDER BY id",
    [Q_SEARCH] = "SELECT m.id, m.account, m.uidl, m.message_id, m.subject, m.from_text,"
                 " m.from_addr, m.to_text, m.to_addr, m.cc_text, m.cc_addr, m.date, m.size,"
                 " m.flags, m.sha256 FROM messages_fts JOIN messages m ON m.id ="
                 " messages_fts.rowid WHERE messages_fts MATCH ?1"
                 " ORDER BY m.date DESC NULLS LAST, m.id DESC LIMIT ?2",
};

int store_fail(envoi_store *st, const char *what)
{
    int rc = sqlite3_extended_errcode(st->db);
    const char *file = sqlite3_db_filename(st->db, "main");
    return envoi_err_set(&st->err, envoi_sqlite_code(rc, true), "%s: %s: %s",
                         file && *file ? file : "store", what, sqlite3_errmsg(st->db));
}

sqlite3_stmt *store_stmt(envoi_store *st, enum store_query q)
{
    sqlite3_stmt *s = st->stmt[q];
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    if (sqlite3_prepare_v3(st->db, query_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
        SQLITE_OK) {
        store_fail(st, "preparing a statement");
        return NULL;
    }
    st->stmt[q] = s;
    return s;
}

int store_exec(envoi_store *st, const char *sql)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(st, sql);
    return 0;
}

static int configure(envoi_store *st)
{
    sqlite3_extended_result_codes(st->db, 1);
    if (sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS) != SQLITE_OK)
        return store_fail(st, "setting the busy timeout");
    /* synchronous=FULL: in WAL mode NORMAL would not make a commit durable. */
    int rc = store_exec(st, "PRAGMA journal_mode = WAL");
    if (rc == 0)
        rc = store_exec(st, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
    return rc;
}

int envoi_store_open(const char *path, envoi_store **out, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (out)
        *out = NULL;
    if (!path || !out)
        return envoi_err_set(err, ENVOI_EINVAL, "envoi_store_open: missing path");
    envoi_store *st = calloc(1, sizeof *st);
    if (!st)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc;
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        rc = st->db ? envoi_err_set(err, envoi_sqlite_code(sqlite3_errcode(st->db), true), "%s: %s",
                                    path, sqlite3_errmsg(st->db))
                    : envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        envoi_store_close(st);
        return rc;
    }
    rc = configure(st);
    if (rc == 0)
        rc = store_schema_ensure(st);
    if (rc < 0) {
        *err = st->err;
        envoi_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

void envoi_store_close(envoi_store *st)
{
    if (!st)
        return;
    if (st->in_batch)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < Q_COUNT_QUERIES; i++)
        sqlite3_finalize(st->stmt[i]);
    sqlite3_close_v2(st->db);
    free(st);
}

const envoi_error *envoi_store_error(const envoi_store *st)
{
    return &st->err;
}

int envoi_store_begin(envoi_store *st)
{
    if (st->in_batch)
        return envoi_err_set(&st->err, ENVOI_ESTATE, "a batch is already open");
    int rc = store_exec(st, "BEGIN IMMEDIATE");
    if (rc == 0)
        st->in_batch = true;
    return rc;
}

int envoi_store_commit(envoi_store *st)
{
    if (!st->in_batch)
        return envoi_err_set(&st->err, ENVOI_ESTATE, "no batch is open");
    int rc = store_exec(st, "COMMIT");
    if (rc < 0 && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_batch = false;
    return rc;
}

int envoi_store_rollback(envoi_store *st)
{
    if (!st->in_batch)
        return envoi_err_set(&st->err, ENVOI_ESTATE, "no batch is open");
    st->in_batch = false;
    return store_exec(st, "ROLLBACK");
}

int store_op_begin(envoi_store *st)
{
    /* SQLite rolls a transaction back by itself on some errors (disk full). */
    if (st->in_batch && sqlite3_get_autocommit(st->db))
        return envoi_err_set(&st->err, ENVOI_ESTATE, "the batch was rolled back after an error");
    return store_exec(st, st->in_batch ? "SAVEPOINT store_op" : "BEGIN IMMEDIATE");
}

int store_op_end(envoi_store *st, int rc)
{
    if (rc == 0) {
        rc = store_exec(st, st->in_batch ? "RELEASE store_op" : "COMMIT");
        if (rc == 0)
            return 0;
    }
    if (st->in_batch)
        sqlite3_exec(st->db, "ROLLBACK TO store_op; RELEASE store_op", NULL, NULL, NULL);
    else if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
