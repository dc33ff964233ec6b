/* envoi — the mail store: messages kept in an SQLite database, one row per
 * message with its main header fields, flags and raw source, its attachments
 * listed, and full-text search (FTS5) over subject, addresses and text.
 *
 * Typical use:
 *
 *     envoi_store *st;
 *     envoi_error err;
 *     if (envoi_store_open("mail.db", &st, &err) < 0)
 *         fprintf(stderr, "%s\n", err.text);
 *     envoi_store_begin(st);
 *     for (each message fetched)
 *         envoi_store_add(st, "work", uidl, data, len, &id, &added);
 *     if (envoi_store_commit(st) == 0)
 *         ...the batch is durable: the server copies may now be deleted...
 *     envoi_store_search(st, "invoice", ENVOI_STORE_LITERAL, 20, print_row, NULL);
 *     envoi_store_close(st);
 *
 * Durability: the database runs in WAL mode with synchronous=FULL, so a
 * message is on disk for good once the commit that contains it has returned:
 * envoi_store_commit for a batch, envoi_store_add itself outside a batch. A
 * batch of thousands of messages costs one fsync.
 *
 * The same message is stored once: when a UIDL is given, by (account, UIDL);
 * without one, by Message-ID and SHA-256 of the raw source.
 *
 * A store belongs to one thread at a time; several processes may open the
 * same database (writers wait for each other up to a busy timeout). Failures
 * return a negative ENVOI_E... code and leave the details, with SQLite's own
 * message, in envoi_store_error(). */
#ifndef ENVOI_STORE_H
#define ENVOI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_store envoi_store;

/* Message flags, as bits (the IMAP system flags). */
enum envoi_store_flag {
    ENVOI_STORE_SEEN = 1 << 0,
    ENVOI_STORE_ANSWERED = 1 << 1,
    ENVOI_STORE_FLAGGED = 1 << 2,
    ENVOI_STORE_DELETED = 1 << 3,
    ENVOI_STORE_DRAFT = 1 << 4,
};

/* Search options. */
enum envoi_store_search_option {
    /* The query is user text, not FTS5 syntax: each word is quoted, so
     * operators, quotes and stars match literally; all words must occur. */
    ENVOI_STORE_LITERAL = 1 << 0,
};

/* One stored message. Strings are UTF-8 and NULL when the message had no
 * such field. Address fields come twice: as display text ("Name <a@b>, c@d")
 * and as the bare addresses separated by spaces. */
typedef struct envoi_store_message {
    int64_t id;
    const char *account;    /* "" when added without one */
    const char *uidl;       /* NULL when added without one */
    const char *message_id; /* without angle brackets */
    const char *subject;    /* RFC 2047 decoded */
    const char *from;
    const char *from_addr;
    const char *to;
    const char *to_addr;
    const char *cc;
    const char *cc_addr;
    int64_t date;       /* UTC seconds; meaningful only when has_date */
    bool has_date;      /* false when the Date field is absent or unreadable */
    uint64_t size;      /* bytes of the raw source */
    unsigned flags;     /* ENVOI_STORE_SEEN... */
    const char *sha256; /* of the raw source, 64 lowercase hex digits */
    const void *raw;    /* the raw source: envoi_store_get only, else NULL */
    size_t raw_len;
} envoi_store_message;

/* One attachment of a stored message (envoi_part_is_attachment), with the
 * size and SHA-256 of its transfer-decoded bytes. */
typedef struct envoi_store_attachment {
    const char *path;         /* IMAP section number, e.g. "2" or "1.2" */
    const char *filename;     /* decoded; NULL when none */
    const char *content_type; /* lowercase type/subtype */
    uint64_t size;
    const char *sha256; /* 64 lowercase hex digits */
} envoi_store_attachment;

/* Open the database at path, creating it (and its schema) when missing.
 * On success *out is the store, to be closed with envoi_store_close. On
 * failure *out is NULL and err (may be NULL) says why: ENVOI_EFILE when the
 * file cannot be opened or created or is not a database (or not an envoi
 * store), ENVOI_EUNSUPPORTED when its schema is newer than this library. */
int envoi_store_open(const char *path, envoi_store **out, envoi_error *err);
/* Close the store; an open batch is rolled back. NULL is allowed. */
void envoi_store_close(envoi_store *st);
/* The details of the last failure. Never NULL. */
const envoi_error *envoi_store_error(const envoi_store *st);

/* Add a message from its raw source (len bytes, copied). account may be NULL
 * (stored as ""), uidl may be NULL. *id (may be NULL) receives the row id,
 * the existing one when the message was already stored; *added (may be NULL)
 * tells whether a new row was made. Outside a batch the message is durable
 * when this returns 0; inside one, when the batch's commit returns 0. A
 * failed add leaves nothing of that message behind and keeps the batch open.
 * The source is held in memory while it is added: a message larger than
 * SQLite's value limit (1 GB by default) is refused with ENVOI_ETOOBIG. */
int envoi_store_add(envoi_store *st, const char *account, const char *uidl, const void *data,
                    size_t len, int64_t *id, bool *added);
/* Start a batch: the adds and changes until envoi_store_commit are one
 * transaction (one fsync). ENVOI_ESTATE when a batch is already open. */
int envoi_store_begin(envoi_store *st);
/* Commit the batch; once this returns 0 everything in it is durable. On
 * failure the batch is rolled back (nothing of it is stored). */
int envoi_store_commit(envoi_store *st);
/* Drop the batch: nothing of it is stored. */
int envoi_store_rollback(envoi_store *st);

/* *found tells whether (account, uidl) is stored (account NULL means ""). */
int envoi_store_has_uidl(envoi_store *st, const char *account, const char *uidl, bool *found);
/* Replace the flags of message id. ENVOI_EINVAL when there is no such id. */
int envoi_store_set_flags(envoi_store *st, int64_t id, unsigned flags);
/* Delete message id with its attachments list and index entries.
 * ENVOI_EINVAL when there is no such id. */
int envoi_store_delete(envoi_store *st, int64_t id);
/* How many messages are stored. */
int envoi_store_count(envoi_store *st, uint64_t *count);

/* Message id with its raw source, in *out (free with
 * envoi_store_message_free); *out is NULL when there is no such id. */
int envoi_store_get(envoi_store *st, int64_t id, envoi_store_message **out);
void envoi_store_message_free(envoi_store_message *msg);

/* Called once per row; the row (without raw source) is valid during the
 * call only. Return 0 to go on, anything else to stop the walk (the search
 * then returns that value when negative, 0 otherwise). */
typedef int (*envoi_store_row_fn)(void *ctx, const envoi_store_message *row);
typedef int (*envoi_store_attachment_fn)(void *ctx, const envoi_store_attachment *att);

/* Full-text search over subject, addresses (display names and addresses of
 * From, To and Cc) and the main text body. query is FTS5 syntax (words,
 * "phrases", AND OR NOT, prefix*, subject: addresses: body: column filters),
 * or user text with ENVOI_STORE_LITERAL. Rows come newest first (by Date;
 * undated last); limit 0 means all. ENVOI_EINVAL when the query is not valid
 * FTS5 syntax. */
int envoi_store_search(envoi_store *st, const char *query, unsigned options, size_t limit,
                       envoi_store_row_fn fn, void *ctx);
/* The attachments of message id, in part order. */
int envoi_store_attachments(envoi_store *st, int64_t id, envoi_store_attachment_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
