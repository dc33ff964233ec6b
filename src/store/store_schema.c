/* The mail store's schema: created in one transaction on a new database and
 * versioned with PRAGMA user_version; an unknown database is refused. */
#include "store/store_impl.h"

#include "util/err.h"

#define STORE_APPLICATION_ID 0x656e7631 /* "env1" */
#define STORE_SCHEMA_VERSION 1

static const char schema_v1[] =
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY,"
    " account TEXT NOT NULL,"
    " uidl TEXT,"
    " message_id TEXT,"
    " subject TEXT,"
    " from_text TEXT, from_addr TEXT,"
    " to_text TEXT, to_addr TEXT,"
    " cc_text TEXT, cc_addr TEXT,"
    " date INTEGER,"
    " size INTEGER NOT NULL,"
    " flags INTEGER NOT NULL DEFAULT 0,"
    " sha256 TEXT NOT NULL,"
    " added INTEGER NOT NULL,"
    " raw BLOB NOT NULL);"
    "CREATE UNIQUE INDEX messages_uidl ON messages(account, uidl) WHERE uidl IS NOT NULL;"
    "CREATE INDEX messages_digest ON messages(sha256);"
    "CREATE INDEX messages_date ON messages(date);"
    "CREATE TABLE attachments ("
    " id INTEGER PRIMARY KEY,"
    " message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    " path TEXT NOT NULL,"
    " filename TEXT,"
    " content_type TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " sha256 TEXT NOT NULL);"
    "CREATE INDEX attachments_message ON attachments(message);"
    "CREATE VIRTUAL TABLE messages_fts USING fts5(subject, addresses, body,"
    " tokenize = 'unicode61 remove_diacritics 2');";

static int read_pragma(envoi_store *st, const char *sql, int *value)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "reading the schema version");
    int rc = sqlite3_step(s);
    *value = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, "reading the schema version");
}

static int count_tables(envoi_store *st, int *count)
{
    return read_pragma(st, "SELECT count(*) FROM sqlite_schema", count);
}

static int create_schema(envoi_store *st)
{
    int rc = store_exec(st, "BEGIN IMMEDIATE");
    if (rc < 0)
        return rc;
    int version = 0;
    /* Another process may have created it while we waited for the lock. */
    rc = read_pragma(st, "PRAGMA user_version", &version);
    if (rc == 0 && version == 0) {
        rc = store_exec(st, schema_v1);
        if (rc == 0)
            rc = store_exec(st, "PRAGMA application_id = 1701738033;"
                                "PRAGMA user_version = 1");
    }
    if (rc == 0)
        return store_exec(st, "COMMIT");
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int store_schema_ensure(envoi_store *st)
{
    int version = 0, app = 0, tables = 0;
    int rc = read_pragma(st, "PRAGMA user_version", &version);
    if (rc == 0)
        rc = read_pragma(st, "PRAGMA application_id", &app);
    if (rc == 0 && version == 0)
        rc = count_tables(st, &tables);
    if (rc < 0)
        return rc;
    if (version == 0 && tables == 0)
        return create_schema(st);
    if (app != STORE_APPLICATION_ID)
        return envoi_err_set(&st->err, ENVOI_EFILE, "%s: not an envoi mail store",
                             sqlite3_db_filename(st->db, "main"));
    if (version > STORE_SCHEMA_VERSION)
        return envoi_err_set(&st->err, ENVOI_EUNSUPPORTED,
                             "%s: mail store schema version %d is newer than this envoi's (%d)",
                             sqlite3_db_filename(st->db, "main"), version, STORE_SCHEMA_VERSION);
    return 0;
}
