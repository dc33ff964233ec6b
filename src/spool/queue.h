/* The spool's durable queue of outgoing messages, behind one interface that
 * a SQLite backend (src/spool/queue_*.c, the embedded default) implements and
 * a PostgreSQL one can implement later: submission with group commit, leases
 * taken by delivery workers, the outcome of each attempt per recipient, the
 * status and history of a message. Thread-safe: one queue handle serves
 * every thread of a process. */
#ifndef ENVOI_SPOOL_QUEUE_H
#define ENVOI_SPOOL_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "envoi/error.h"

/* A message id: time-sortable, unique across processes and nodes, [0-9a-z]
 * only (e.g. 12 base-32 digits of the millisecond time, then 10 random
 * ones), NUL-terminated. */
#define SPOOL_ID_SIZE 32

typedef struct spool_queue spool_queue;

typedef enum spool_status {
    SPOOL_PENDING = 0, /* waiting for its first or next try (or being tried) */
    SPOOL_SENT,        /* every recipient accepted by the relay */
    SPOOL_ERROR,       /* failed for good: 5xx for every recipient not sent, or expired */
    SPOOL_CANCELLED,   /* cancelled before it was sent */
} spool_status;

/* Its name as the API and the command line print it: "pending", "sent",
 * "error", "cancelled". */
const char *spool_status_name(spool_status st);

/* One message handed to the queue. The source is stored as is (CRLF line
 * ends expected; the delivery normalizes). */
typedef struct spool_submission {
    const char *from;              /* envelope sender, "" for the null sender */
    const char *const *recipients; /* envelope recipients, at least one */
    size_t recipient_count;
    const void *source; /* the whole message */
    size_t source_len;
    const char *relay; /* account name to deliver through, NULL: the default */
} spool_submission;

/* Retry policy: delay before try n (n = 1 after the first failure) is
 * min(first * factor^(n-1), max), then +-jitter percent; a message still
 * failing after expire_s seconds since submission fails with "expired". */
typedef struct spool_policy {
    unsigned first_retry_s; /* default 300 (5 min) */
    double factor;          /* default 2 */
    unsigned max_retry_s;   /* default 14400 (4 h) */
    unsigned jitter_pct;    /* default 20 */
    unsigned expire_s;      /* default 345600 (4 days) */
    size_t max_message;     /* largest source accepted, bytes; default 50 MiB */
} spool_policy;

/* The defaults above. */
void spool_policy_default(spool_policy *p);

/* Open (creating when missing) the queue in the directory dir (the file
 * dir/queue.db; dir created mode 0700 when missing): WAL, synchronous=FULL,
 * schema created or migrated (a version table). 0 or a negative code with
 * err filled. */
int spool_queue_open(spool_queue **out, const char *dir, const spool_policy *policy,
                     envoi_error *err);
/* Stop the group committer (after committing what it holds) and close. */
void spool_queue_close(spool_queue *q);

/* Submit one message: returns only once its commit is durable (group commit:
 * concurrent submitters share one transaction and one fsync; a submission
 * the database refuses fails alone, a failed transaction fails all of its
 * submissions). id gets the new id ("" on failure). Checked before queuing:
 * ENVOI_EINVAL for no recipient or an empty source, ENVOI_EHEADER for CR or
 * LF in the sender or a recipient, ENVOI_EADDRESS for an empty recipient,
 * ENVOI_ETOOBIG over policy.max_message (named in err). Then ENVOI_ESTATE
 * while paused ("the spooler is paused"), ENVOI_EFILE when the database
 * refuses the write, a full disk included (err says "the disk is full";
 * nothing half-written: the transaction is rolled back), ENVOI_ETIMEDOUT
 * when another process held the write lock too long. */
int spool_queue_submit(spool_queue *q, const spool_submission *m, char id[SPOOL_ID_SIZE],
                       envoi_error *err);

/* How an asynchronous submission ended: rc 0 with its id, or the negative
 * code with err (the same codes as spool_queue_submit). Called once, on the
 * group committer's thread, after the commit; it must not block for long
 * nor submit again. */
typedef void (*spool_submit_done)(void *ctx, int rc, const char *id, const envoi_error *err);

/* spool_queue_submit without waiting: the checks are made at once (a
 * negative code with err filled, done never called); then 0, and done
 * reports the outcome once the commit is durable. m and everything it
 * points to must stay valid until done is called. For servers that answer
 * many clients from few threads. */
int spool_queue_submit_async(spool_queue *q, const spool_submission *m, spool_submit_done done,
                             void *ctx, envoi_error *err);

/* A leased message: the worker owns it until it reports the attempt or
 * until the lease expires (then another worker may take it). */
typedef struct spool_lease {
    char id[SPOOL_ID_SIZE];
    char *from;
    char **recipients; /* only those still pending */
    size_t recipient_count;
    void *source;
    size_t source_len;
    char *relay;       /* NULL: the default relay */
    unsigned attempts; /* tries made before this one */
    int64_t submitted_ms;
} spool_lease;
void spool_lease_free(spool_lease *l);

/* Lease up to max due messages (pending, next try reached, not leased or
 * lease expired), oldest due first, for lease_ms; owner names the worker or
 * node. *out is a malloc'd array of *count leases (free each, then the
 * array). 0 with *count 0 when none is due. */
int spool_queue_lease(spool_queue *q, const char *owner, size_t max, int64_t lease_ms,
                      spool_lease **out, size_t *count, envoi_error *err);
/* spool_queue_lease for one of `sharers` workers leasing from the same
 * queue: takes at most min(max, due / sharers + 1) messages, where due is
 * the number of messages due now (counted up to max * sharers), so that a
 * large batch size does not let one worker take everything while the others
 * are idle. sharers 0 or 1 is spool_queue_lease. */
int spool_queue_lease_share(spool_queue *q, const char *owner, size_t max, unsigned sharers,
                            int64_t lease_ms, spool_lease **out, size_t *count, envoi_error *err);
/* Milliseconds until the next pending message is due (0: one is due now;
 * -1: none pending). Lets workers sleep exactly as long as needed. */
int64_t spool_queue_next_due_ms(spool_queue *q);

/* The outcome of an attempt for one recipient. */
typedef enum spool_outcome {
    SPOOL_OUT_SENT,     /* 2xx */
    SPOOL_OUT_DEFERRED, /* 4xx, timeout, broken connection: retry later */
    SPOOL_OUT_FAILED,   /* 5xx: failed for good */
} spool_outcome;

typedef struct spool_rcpt_result {
    const char *recipient;
    spool_outcome outcome;
    int reply_code;    /* 0 when there was no reply (timeout, connection) */
    const char *reply; /* the server's words, or the local cause */
} spool_rcpt_result;

/* Record an attempt of a leased message, in one transaction: the per
 * recipient outcomes, the relay's words (for sent: its queue id reply), a
 * history row; then the message's status: sent when no recipient is left
 * pending and none failed, error when none is left pending and one failed
 * or when it expired, else pending with the next try from the policy. The
 * lease ends. *final (may be NULL) gets the resulting status; callers send
 * the delivery status notification when it is SPOOL_ERROR (or sent with
 * failed recipients). Results for recipients not pending are ignored.
 * ENVOI_ESTATE when the lease was lost (another owner, or the message was
 * cancelled), ENVOI_ENOTFOUND for an unknown id. */
int spool_queue_record(spool_queue *q, const char *id, const char *owner, const char *relay,
                       const spool_rcpt_result *results, size_t n, spool_status *final,
                       envoi_error *err);
/* One message's attempt in a group recorded by spool_queue_record_many:
 * the inputs as for spool_queue_record, then what became of it. */
typedef struct spool_record {
    const char *id;
    const char *relay;
    const spool_rcpt_result *results;
    size_t n;
    int rc;             /* out: 0, or this message's own failure (err says why) */
    spool_status final; /* out: the resulting status when rc is 0 */
    envoi_error err;    /* out: when rc < 0 */
} spool_record;

/* Record the attempts of many messages leased by owner in one transaction
 * (one commit, one fsync) instead of one each: what a worker does after
 * sending a leased batch over its connection. Each message is recorded as
 * by spool_queue_record, behind its own savepoint, so that one whose lease
 * was lost (ENVOI_ESTATE) or whose id is unknown (ENVOI_ENOTFOUND) fails
 * alone in recs[i].rc and leaves no trace, while the others are committed
 * together. Returns 0 when the transaction committed (check each rc), or
 * the transaction's own failure (lock, disk full, commit): then nothing of
 * the group was recorded, every rc holds that failure, and the messages stay
 * leased until their leases end (then due again: not lost). */
int spool_queue_record_many(spool_queue *q, const char *owner, spool_record *recs, size_t n,
                            envoi_error *err);
/* spool_queue_record_many, then, in the same transaction (one commit and
 * one sync for both), the lease of the next batch as spool_queue_lease_share
 * makes it (max, sharers, lease_ms) into *out and *count: what a worker
 * does between two batches. n may be 0 (a lease alone). When the
 * transaction fails nothing is recorded nor leased. */
int spool_queue_record_and_lease(spool_queue *q, const char *owner, spool_record *recs, size_t n,
                                 size_t max, unsigned sharers, int64_t lease_ms, spool_lease **out,
                                 size_t *count, envoi_error *err);

/* Give a lease back untried (shutdown): due again at once, no attempt
 * counted. ENVOI_ESTATE when owner does not hold it. */
int spool_queue_release(spool_queue *q, const char *id, const char *owner, envoi_error *err);
/* Give back every lease owner holds, untried: for workers restarted under
 * the names of a process that died holding leases (a crash), so that those
 * messages are due again at once rather than when the leases end. No attempt
 * counted; *count (may be NULL) gets how many. Only for names no live
 * worker uses. */
int spool_queue_release_owner(spool_queue *q, const char *owner, size_t *count, envoi_error *err);

/* What the status API shows of a message. */
typedef struct spool_info {
    char id[SPOOL_ID_SIZE];
    spool_status status;
    char *from;
    char *subject; /* from the source's Subject, decoded; "" when none */
    size_t size;
    unsigned attempts;
    int64_t submitted_ms;
    int64_t next_try_ms; /* pending only, else 0; while leased: when the lease ends */
    int64_t done_ms;     /* sent / error / cancelled: when; else 0 */
    char *reason;        /* error: why; sent: the relay's reply; else "" */
    struct spool_info_rcpt {
        char *address;
        spool_outcome outcome; /* SPOOL_OUT_DEFERRED while still pending */
        int reply_code;
        char *reply;
    } * recipients;
    size_t recipient_count;
} spool_info;
void spool_info_free(spool_info *info);

/* One attempt of the history. */
typedef struct spool_attempt {
    int64_t at_ms;
    char *relay;
    char *summary; /* "250 2.0.0 Ok: queued as 4Xyz" or the cause */
    int reply_code;
} spool_attempt;

/* The message's status; ENVOI_ENOTFOUND when the id is unknown. */
int spool_queue_info(spool_queue *q, const char *id, spool_info *out, envoi_error *err);
/* Its attempts, oldest first (*out malloc'd; free with spool_attempts_free). */
int spool_queue_history(spool_queue *q, const char *id, spool_attempt **out, size_t *count,
                        envoi_error *err);
void spool_attempts_free(spool_attempt *a, size_t n);
/* The source of a message (malloc'd). */
int spool_queue_source(spool_queue *q, const char *id, void **out, size_t *len, envoi_error *err);

/* Listing for the API, the dashboard and "envoi queue list": status filter
 * (-1: any), text search over sender, recipients and subject (NULL: none),
 * newest first, offset/limit. *out malloc'd array of *count infos (without
 * recipients); free each with spool_info_free, then the array. */
int spool_queue_list(spool_queue *q, int status, const char *search, size_t offset, size_t limit,
                     spool_info **out, size_t *count, envoi_error *err);

typedef struct spool_counts {
    uint64_t pending, sent, error, cancelled;
    uint64_t due; /* pending and due now */
    bool paused;
} spool_counts;
int spool_queue_counts(spool_queue *q, spool_counts *out, envoi_error *err);

/* Retry now: a pending message becomes due at once; an error one becomes
 * pending again (its failed recipients pending again, expiry restarted).
 * Cancel: a pending (not leased) message becomes cancelled. ENVOI_ESTATE
 * when the status does not allow it, or while a worker holds the message's
 * lease (named in err); ENVOI_ENOTFOUND for an unknown id. */
int spool_queue_retry(spool_queue *q, const char *id, envoi_error *err);
int spool_queue_cancel(spool_queue *q, const char *id, envoi_error *err);

/* Paused: submissions are refused (ENVOI_ESTATE, "the spooler is paused"),
 * pending mail is still delivered. Kept in the database (survives restarts). */
int spool_queue_set_paused(spool_queue *q, bool paused, envoi_error *err);

#endif
