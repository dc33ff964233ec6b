/* The mail store's handle and the helpers its files share: cached prepared
 * statements, SQLite failures turned into envoi_error, transactions. */
#ifndef ENVOI_STORE_IMPL_H
#define ENVOI_STORE_IMPL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "envoi/store.h"

/* Statements prepared once per handle (see store_open.c for their SQL). */
enum store_query {
    Q_FIND_UIDL,
    Q_FIND_DIGEST,
    Q_INSERT_MESSAGE,
    Q_INSERT_ATTACHMENT,
    Q_INSERT_FTS,
    Q_GET,
    Q_SET_FLAGS,
    Q_DELETE_MESSAGE,
    Q_DELETE_FTS,
    Q_COUNT,
    Q_ATTACHMENTS,
    Q_SEARCH,
    Q_COUNT_QUERIES
};

struct envoi_store {
    sqlite3 *db;
    envoi_error err;
    bool in_batch;
    sqlite3_stmt *stmt[Q_COUNT_QUERIES];
};

/* Record SQLite's current error (what names the operation) in st->err and
 * return the matching ENVOI_E... code. */
int store_fail(envoi_store *st, const char *what);
/* The statement for q, prepared on first use, reset and unbound; NULL after
 * recording the failure. */
sqlite3_stmt *store_stmt(envoi_store *st, enum store_query q);
/* Run SQL without results: 0 or a recorded failure. */
int store_exec(envoi_store *st, const char *sql);
/* Create or check the schema (store_schema.c). */
int store_schema_ensure(envoi_store *st);

/* A write of one operation: its own transaction outside a batch, a savepoint
 * inside one, so a failed operation leaves nothing behind either way. */
int store_op_begin(envoi_store *st);
/* End the operation: commit when rc is 0, else undo. Returns rc, or the
 * commit's failure. */
int store_op_end(envoi_store *st, int rc);

#endif
