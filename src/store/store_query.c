/* Reading the mail store: one message with its source, full-text search,
 * attachments, count; and the small changes: flags, delete. */
#include "store/store_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

/* Columns 0..14 of Q_GET and Q_SEARCH, in this order. */
static const char *text_at(sqlite3_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s, col);
}

static void read_row(sqlite3_stmt *s, envoi_store_message *m)
{
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(s, 0);
    m->account = text_at(s, 1);
    m->uidl = text_at(s, 2);
    m->message_id = text_at(s, 3);
    m->subject = text_at(s, 4);
    m->from = text_at(s, 5);
    m->from_addr = text_at(s, 6);
    m->to = text_at(s, 7);
    m->to_addr = text_at(s, 8);
    m->cc = text_at(s, 9);
    m->cc_addr = text_at(s, 10);
    m->has_date = sqlite3_column_type(s, 11) != SQLITE_NULL;
    m->date = sqlite3_column_int64(s, 11);
    m->size = (uint64_t)sqlite3_column_int64(s, 12);
    m->flags = (unsigned)sqlite3_column_int(s, 13);
    m->sha256 = text_at(s, 14);
}

/* The row's strings and source copied after the struct in one block. */
static const char *copy_string(char **cursor, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *dst = *cursor;
    memcpy(dst, s, n);
    *cursor += n;
    return dst;
}

#define ROW_STRINGS(X)                                                                             \
    X(account)                                                                                     \
    X(uidl)                                                                                        \
    X(message_id) X(subject) X(from) X(from_addr) X(to) X(to_addr) X(cc) X(cc_addr) X(sha256)

static envoi_store_message *copy_row(const envoi_store_message *row, const void *raw,
                                     size_t raw_len)
{
    size_t total = sizeof *row + raw_len + 1;
#define ADD_LENGTH(f) total += row->f ? strlen(row->f) + 1 : 0;
    ROW_STRINGS(ADD_LENGTH)
#undef ADD_LENGTH
    envoi_store_message *m = malloc(total);
    if (!m)
        return NULL;
    *m = *row;
    char *cursor = (char *)(m + 1);
    if (raw_len)
        memcpy(cursor, raw, raw_len);
    cursor[raw_len] = '\0';
    m->raw = cursor;
    m->raw_len = raw_len;
    cursor += raw_len + 1;
#define COPY_FIELD(f) m->f = copy_string(&cursor, row->f);
    ROW_STRINGS(COPY_FIELD)
#undef COPY_FIELD
    return m;
}

int envoi_store_get(envoi_store *st, int64_t id, envoi_store_message **out)
{
    *out = NULL;
    sqlite3_stmt *s = store_stmt(st, Q_GET);
    if (!s)
        return st->err.code;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(s);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        rc = store_fail(st, "reading a message");
        sqlite3_reset(s);
        return rc;
    }
    envoi_store_message row;
    read_row(s, &row);
    const void *raw = sqlite3_column_blob(s, 15);
    size_t raw_len = (size_t)sqlite3_column_bytes(s, 15);
    *out = copy_row(&row, raw, raw_len);
    sqlite3_reset(s);
    return *out ? 0 : envoi_err_set(&st->err, ENVOI_ENOMEM, "out of memory");
}

void envoi_store_message_free(envoi_store_message *msg)
{
    free(msg);
}

/* User text as FTS5 phrases: each word quoted, quotes inside doubled. */
static int quote_words(const char *query, envoi_buf *out)
{
    const char *p = query;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (out->len && envoi_buf_append_char(out, ' ') < 0)
            return ENVOI_ENOMEM;
        if (envoi_buf_append_char(out, '"') < 0)
            return ENVOI_ENOMEM;
        for (; *p && !isspace((unsigned char)*p); p++) {
            if (*p == '"' && envoi_buf_append_char(out, '"') < 0)
                return ENVOI_ENOMEM;
            if (envoi_buf_append_char(out, *p) < 0)
                return ENVOI_ENOMEM;
        }
        if (envoi_buf_append_char(out, '"') < 0)
            return ENVOI_ENOMEM;
    }
    return 0;
}

static bool is_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static int walk_rows(envoi_store *st, sqlite3_stmt *s, envoi_store_row_fn fn, void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        envoi_store_message row;
        read_row(s, &row);
        int stop = fn(ctx, &row);
        if (stop) {
            sqlite3_reset(s);
            return stop < 0 ? stop : 0;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : store_fail(st, "searching");
    sqlite3_reset(s);
    return rc;
}

int envoi_store_search(envoi_store *st, const char *query, unsigned options, size_t limit,
                       envoi_store_row_fn fn, void *ctx)
{
    if (!query || !fn)
        return envoi_err_set(&st->err, ENVOI_EINVAL, "envoi_store_search: missing argument");
    if (is_blank(query))
        return 0;
    envoi_buf quoted = ENVOI_BUF_INIT;
    if ((options & ENVOI_STORE_LITERAL) && quote_words(query, &quoted) < 0) {
        envoi_buf_free(&quoted);
        return envoi_err_set(&st->err, ENVOI_ENOMEM, "out of memory");
    }
    int rc = ENVOI_OK;
    sqlite3_stmt *s = store_stmt(st, Q_SEARCH);
    if (s) {
        sqlite3_bind_text(s, 1, quoted.data ? quoted.data : query, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, limit ? (sqlite3_int64)limit : -1);
        rc = walk_rows(st, s, fn, ctx);
        sqlite3_clear_bindings(s);
    } else {
        rc = st->err.code;
    }
    envoi_buf_free(&quoted);
    return rc;
}

int envoi_store_attachments(envoi_store *st, int64_t id, envoi_store_attachment_fn fn, void *ctx)
{
    sqlite3_stmt *s = store_stmt(st, Q_ATTACHMENTS);
    if (!s)
        return st->err.code;
    sqlite3_bind_int64(s, 1, id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        envoi_store_attachment a = {text_at(s, 0), text_at(s, 1), text_at(s, 2),
                                    (uint64_t)sqlite3_column_int64(s, 3), text_at(s, 4)};
        int stop = fn(ctx, &a);
        if (stop) {
            sqlite3_reset(s);
            return stop < 0 ? stop : 0;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : store_fail(st, "listing attachments");
    sqlite3_reset(s);
    return rc;
}

int envoi_store_count(envoi_store *st, uint64_t *count)
{
    sqlite3_stmt *s = store_stmt(st, Q_COUNT);
    if (!s)
        return st->err.code;
    int rc = sqlite3_step(s);
    *count = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    rc = rc == SQLITE_ROW ? 0 : store_fail(st, "counting messages");
    sqlite3_reset(s);
    return rc;
}

/* Run a one-id change; ENVOI_EINVAL when it touched no row. */
static int change_one(envoi_store *st, sqlite3_stmt *s, int64_t id, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return store_fail(st, what);
    if (sqlite3_changes(st->db) == 0)
        return envoi_err_set(&st->err, ENVOI_EINVAL, "%s: no message with id %lld", what,
                             (long long)id);
    return 0;
}

int envoi_store_set_flags(envoi_store *st, int64_t id, unsigned flags)
{
    sqlite3_stmt *s = store_stmt(st, Q_SET_FLAGS);
    if (!s)
        return st->err.code;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)flags);
    return change_one(st, s, id, "setting flags");
}

static int delete_in_transaction(envoi_store *st, int64_t id)
{
    sqlite3_stmt *s = store_stmt(st, Q_DELETE_FTS);
    if (!s)
        return st->err.code;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return store_fail(st, "deleting a message");
    s = store_stmt(st, Q_DELETE_MESSAGE);
    if (!s)
        return st->err.code;
    sqlite3_bind_int64(s, 1, id);
    return change_one(st, s, id, "deleting a message");
}

int envoi_store_delete(envoi_store *st, int64_t id)
{
    int rc = store_op_begin(st);
    return rc < 0 ? rc : store_op_end(st, delete_in_transaction(st, id));
}
