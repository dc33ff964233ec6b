/* The spool queue's schema: created on a new database, migrated step by
 * step on an older one (its version in the meta table), a newer or foreign
 * database refused. */
#include "spool/queue_impl.h"

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

#define QUEUE_APPLICATION_ID 0x656e7671 /* "envq" */

static const char schema_v1[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO meta (key, value) VALUES ('schema_version', 1), ('paused', 0);"
    "CREATE TABLE messages ("
    " id TEXT PRIMARY KEY,"
    " status INTEGER NOT NULL DEFAULT 0,"
    " sender TEXT NOT NULL,"
    " subject TEXT NOT NULL DEFAULT '',"
    " size INTEGER NOT NULL,"
    " source BLOB NOT NULL,"
    " relay TEXT,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " submitted_ms INTEGER NOT NULL,"
    " next_try_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL,"
    " lease_owner TEXT,"
    " lease_until_ms INTEGER NOT NULL DEFAULT 0,"
    " done_ms INTEGER NOT NULL DEFAULT 0,"
    " reason TEXT NOT NULL DEFAULT '',"
    " search TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX messages_due ON messages(status, next_try_ms);"
    "CREATE INDEX messages_submitted ON messages(submitted_ms, id);"
    "CREATE INDEX messages_status_submitted ON messages(status, submitted_ms, id);"
    "CREATE TABLE recipients ("
    " message TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " address TEXT NOT NULL,"
    " outcome INTEGER NOT NULL DEFAULT 1,"
    " reply_code INTEGER NOT NULL DEFAULT 0,"
    " reply TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (message, position));"
    "CREATE TABLE attempts ("
    " message TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    " at_ms INTEGER NOT NULL,"
    " relay TEXT,"
    " reply_code INTEGER NOT NULL DEFAULT 0,"
    " summary TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX attempts_message ON attempts(message, at_ms);";

/* Version 2: the sources in a table of their own, so that the updates of
 * a message's row at each lease and attempt rewrite a small row, not its
 * source's pages. */
static const char schema_v2[] =
    "CREATE TABLE sources ("
    " message TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,"
    " source BLOB NOT NULL);"
    "INSERT INTO sources (message, source) SELECT id, source FROM messages;"
    "ALTER TABLE messages DROP COLUMN source;";

/* Migration n brings a database from version n - 1 to n. Later versions
 * append their step here (ALTER TABLE ..., then the new version). */
static const char *const migrations[] = {schema_v1, schema_v2};
#define QUEUE_SCHEMA_VERSION ((int)(sizeof migrations / sizeof *migrations))

static int read_int(queue_conn *c, const char *sql, int *value, bool *found, envoi_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
        return queue_fail(c, err, "reading the schema version");
    int rc = sqlite3_step(s);
    *value = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    if (found)
        *found = rc == SQLITE_ROW;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                                 : queue_fail(c, err, "reading the schema version");
}

/* The version of the database: 0 when empty; -1 when it is not a queue. */
static int read_version(queue_conn *c, int *version, envoi_error *err)
{
    int tables = 0, meta = 0;
    int rc = read_int(c, "SELECT count(*) FROM sqlite_schema", &tables, NULL, err);
    if (rc == 0)
        rc =
            read_int(c, "SELECT count(*) FROM sqlite_schema WHERE name = 'meta'", &meta, NULL, err);
    if (rc < 0)
        return rc;
    if (tables == 0) {
        *version = 0;
        return 0;
    }
    int app = 0;
    rc = read_int(c, "PRAGMA application_id", &app, NULL, err);
    if (rc < 0)
        return rc;
    if (!meta || app != QUEUE_APPLICATION_ID) {
        *version = -1;
        return 0;
    }
    bool found = false;
    rc = read_int(c, "SELECT value FROM meta WHERE key = 'schema_version'", version, &found, err);
    if (rc == 0 && !found)
        *version = -1;
    return rc;
}

static int check_version(queue_conn *c, int version, envoi_error *err)
{
    const char *file = sqlite3_db_filename(c->db, "main");
    if (version < 0)
        return envoi_err_set(err, ENVOI_EFILE, "%s: not an envoi spool queue", file);
    if (version > QUEUE_SCHEMA_VERSION)
        return envoi_err_set(err, ENVOI_EUNSUPPORTED,
                             "%s: spool queue schema version %d is newer than this envoi's (%d)",
                             file, version, QUEUE_SCHEMA_VERSION);
    return 0;
}

static int migrate(queue_conn *c, envoi_error *err)
{
    int rc = queue_begin(c, err);
    if (rc < 0)
        return rc;
    /* Another process may have migrated while we waited for the lock. */
    int version = 0;
    rc = read_version(c, &version, err);
    if (rc == 0)
        rc = check_version(c, version, err);
    for (int v = version + 1; rc == 0 && v <= QUEUE_SCHEMA_VERSION; v++) {
        rc = queue_exec(c, migrations[v - 1], err);
        if (rc == 0 && v > 1) {
            char sql[96];
            snprintf(sql, sizeof sql, "UPDATE meta SET value = %d WHERE key = 'schema_version'", v);
            rc = queue_exec(c, sql, err);
        }
    }
    if (rc == 0 && version == 0)
        rc = queue_exec(c, "PRAGMA application_id = 1701738097", err);
    return queue_end(c, rc, err);
}

int queue_schema_ensure(queue_conn *c, envoi_error *err)
{
    int version = 0;
    int rc = read_version(c, &version, err);
    if (rc == 0)
        rc = check_version(c, version, err);
    if (rc < 0)
        return rc;
    return version == QUEUE_SCHEMA_VERSION ? 0 : migrate(c, err);
}
