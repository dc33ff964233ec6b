/* Adding a message to the mail store: dedup by (account, UIDL) or by
 * Message-ID and digest, then one row, its attachments and its index entry. */
#include "store/store_impl.h"

#include "store/digest.h"
#include "store/extract.h"
#include "util/err.h"

static void bind_text(sqlite3_stmt *s, int col, const char *text)
{
    if (text)
        sqlite3_bind_text(s, col, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, col);
}

static void bind_buf(sqlite3_stmt *s, int col, const envoi_buf *b)
{
    if (b->data)
        sqlite3_bind_text(s, col, b->data, (int)b->len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, col);
}

/* *id is the row found, 0 when none. */
static int find_one(envoi_store *st, sqlite3_stmt *s, int64_t *id)
{
    int rc = sqlite3_step(s);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, "looking for a duplicate");
}

static int find_by_uidl(envoi_store *st, const char *account, const char *uidl, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(st, Q_FIND_UIDL);
    if (!s)
        return st->err.code;
    bind_text(s, 1, account);
    bind_text(s, 2, uidl);
    return find_one(st, s, id);
}

static int find_by_digest(envoi_store *st, const char *sha, const char *message_id, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(st, Q_FIND_DIGEST);
    if (!s)
        return st->err.code;
    bind_text(s, 1, sha);
    bind_text(s, 2, message_id);
    return find_one(st, s, id);
}

static int step_done(envoi_store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : store_fail(st, what);
}

typedef struct add_job {
    envoi_store *st;
    const char *account;
    const char *uidl;
    const void *data;
    size_t len;
    const char *sha;
    envoi_message *msg;
    store_fields fields;
    int64_t id;
} add_job;

static int insert_row(add_job *j)
{
    sqlite3_stmt *s = store_stmt(j->st, Q_INSERT_MESSAGE);
    if (!s)
        return j->st->err.code;
    time_t date;
    bind_text(s, 1, j->account);
    bind_text(s, 2, j->uidl);
    bind_text(s, 3, envoi_message_get_message_id(j->msg));
    bind_text(s, 4, envoi_message_get_subject(j->msg));
    for (int i = 0; i < STORE_FIELDS; i++) {
        bind_buf(s, 5 + 2 * i, &j->fields.text[i]);
        bind_buf(s, 6 + 2 * i, &j->fields.addr[i]);
    }
    if (envoi_message_get_date(j->msg, &date) == 0)
        sqlite3_bind_int64(s, 11, (sqlite3_int64)date);
    sqlite3_bind_int64(s, 12, (sqlite3_int64)j->len);
    bind_text(s, 13, j->sha);
    sqlite3_bind_blob64(s, 14, j->len ? j->data : "", j->len, SQLITE_STATIC);
    int rc = step_done(j->st, s, "storing a message");
    j->id = sqlite3_last_insert_rowid(j->st->db);
    return rc;
}

static int insert_index(add_job *j)
{
    sqlite3_stmt *s = store_stmt(j->st, Q_INSERT_FTS);
    if (!s)
        return j->st->err.code;
    sqlite3_bind_int64(s, 1, j->id);
    bind_text(s, 2, envoi_message_get_subject(j->msg));
    bind_buf(s, 3, &j->fields.addresses);
    bind_buf(s, 4, &j->fields.body);
    return step_done(j->st, s, "indexing a message");
}

static int insert_attachment(void *ctx, const store_attachment_info *att)
{
    add_job *j = ctx;
    sqlite3_stmt *s = store_stmt(j->st, Q_INSERT_ATTACHMENT);
    if (!s)
        return j->st->err.code;
    sqlite3_bind_int64(s, 1, j->id);
    bind_text(s, 2, att->path);
    bind_text(s, 3, att->filename);
    bind_text(s, 4, att->content_type);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)att->size);
    bind_text(s, 6, att->sha256);
    return step_done(j->st, s, "listing an attachment");
}

static int insert_all(add_job *j)
{
    int rc = store_fields_collect(j->msg, &j->fields);
    if (rc < 0)
        return envoi_err_set(&j->st->err, rc, "out of memory reading a message");
    rc = insert_row(j);
    if (rc == 0)
        rc = insert_index(j);
    if (rc == 0) {
        rc = store_attachments_walk(j->msg, insert_attachment, j);
        if (rc < 0 && j->st->err.code != rc)
            envoi_err_set(&j->st->err, rc, "reading an attachment: %s", envoi_strerror(rc));
    }
    return rc;
}

/* Inside the operation's transaction: look for the message, else insert it. */
static int add_in_transaction(add_job *j, int64_t *id, bool *added)
{
    int64_t found = 0;
    int rc = j->uidl ? find_by_uidl(j->st, j->account, j->uidl, &found) : 0;
    if (rc < 0 || found)
        goto done;
    rc = envoi_message_parse_borrowed(j->data, j->len, &j->msg);
    if (rc < 0)
        return envoi_err_set(&j->st->err, rc, "parsing a message: %s", envoi_strerror(rc));
    if (!j->uidl)
        rc = find_by_digest(j->st, j->sha, envoi_message_get_message_id(j->msg), &found);
    if (rc == 0 && !found) {
        rc = insert_all(j);
        *added = rc == 0;
        found = j->id;
    }
done:
    *id = found;
    return rc;
}

int envoi_store_add(envoi_store *st, const char *account, const char *uidl, const void *data,
                    size_t len, int64_t *id, bool *added)
{
    if (!data && len)
        return envoi_err_set(&st->err, ENVOI_EINVAL, "envoi_store_add: no data");
    char sha[STORE_SHA256_HEX];
    if (store_sha256_hex(data, len, sha) < 0)
        return envoi_err_set(&st->err, ENVOI_ENOMEM, "hashing a message failed");
    add_job j = {.st = st,
                 .account = account ? account : "",
                 .uidl = uidl,
                 .data = data,
                 .len = len,
                 .sha = sha};
    int64_t row = 0;
    bool was_added = false;
    int rc = store_op_begin(st);
    if (rc == 0)
        rc = store_op_end(st, add_in_transaction(&j, &row, &was_added));
    envoi_message_free(j.msg);
    store_fields_free(&j.fields);
    if (id)
        *id = rc == 0 ? row : 0;
    if (added)
        *added = rc == 0 && was_added;
    return rc;
}

int envoi_store_has_uidl(envoi_store *st, const char *account, const char *uidl, bool *found)
{
    int64_t id = 0;
    if (!uidl || !found)
        return envoi_err_set(&st->err, ENVOI_EINVAL, "envoi_store_has_uidl: missing argument");
    int rc = find_by_uidl(st, account ? account : "", uidl, &id);
    *found = rc == 0 && id != 0;
    return rc;
}
