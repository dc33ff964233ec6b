/* Writing messages into a maildir durably, in batches: each message is
 * written into DIR/tmp/ under a unique name; the batch's commit makes every
 * file durable (fsync of each file), renames them all into DIR/new/ and
 * fsyncs DIR/new/ once. A message is durable only once the commit of its
 * batch has returned 0 (only then may its server copy be deleted).
 *
 * Names are "SECONDS.MMICROSPPIDQCOUNTERRRANDOM.HOST,S=SIZE" (the ",S=" size
 * is the one Dovecot reads). A write error (disk full, file size limit...)
 * removes that message's partial file and leaves the batch as it was; a
 * commit error removes every file of the batch from tmp/ and new/: nothing
 * of a failed batch stays in new/. Errors name the path and errno's text.
 *
 * Syncing: measured with bench/store_insert --maildir (5,000 messages of
 * 10 KiB, batches of 500, ext4 on a virtual disk, Linux 6.x): fsync of each
 * file 340-460 messages/s, one syncfs() per batch 2,200-7,000/s (each fsync
 * is a journal commit and a cache flush; syncfs is one of each for the
 * batch). syncfs reports writeback errors of the file system since Linux
 * 5.8, so the guarantee is the same; it also writes other programs' dirty
 * data of that file system, so small batches still fsync each file: the
 * default (STORE_SYNC_AUTO) uses syncfs for batches of more than
 * STORE_SYNCFS_MIN messages. */
#ifndef ENVOI_STORE_MAILDIR_H
#define ENVOI_STORE_MAILDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "envoi/error.h"

typedef struct store_maildir store_maildir;

typedef enum store_sync_mode {
    STORE_SYNC_AUTO, /* syncfs for large batches, else fsync each file */
    STORE_SYNC_EACH, /* fsync every file of the batch */
    STORE_SYNC_FS,   /* one syncfs() of the maildir's filesystem */
    STORE_SYNC_NONE, /* no file sync at all: for tmpfs and measurements only */
} store_sync_mode;

#define STORE_SYNCFS_MIN 8

/* Open (creating DIR, DIR/tmp, DIR/new and DIR/cur when missing, durably;
 * DIR's parent must exist). */
int store_maildir_open(const char *dir, store_maildir **out, envoi_error *err);
/* Close; a batch not committed is dropped (its files removed). */
void store_maildir_close(store_maildir *m);
void store_maildir_set_sync(store_maildir *m, store_sync_mode mode);
/* Replace write(2) for the files (tests inject failures through it). */
void store_maildir_set_write_fn(store_maildir *m,
                                ssize_t (*write_fn)(int fd, const void *data, size_t len));

/* One message in pieces: begin, write..., end (adds it to the batch). On a
 * failure the message's file is removed and the batch keeps what it had. */
int store_maildir_begin(store_maildir *m, envoi_error *err);
int store_maildir_write(store_maildir *m, const void *data, size_t len, envoi_error *err);
int store_maildir_end(store_maildir *m, envoi_error *err);
/* Drop the message being written (begun, not ended): its file is removed
 * and the batch keeps what it had. Nothing happens when none is open. */
void store_maildir_cancel(store_maildir *m);
/* begin + write + end. */
int store_maildir_add(store_maildir *m, const void *data, size_t len, envoi_error *err);
/* How many messages the open batch holds. */
size_t store_maildir_pending(const store_maildir *m);
/* Make the batch durable in new/ (see above). 0: every message of the batch
 * is durable; on failure none is in new/. The batch is empty afterwards. */
int store_maildir_commit(store_maildir *m, envoi_error *err);
/* Drop the batch: its files are removed from tmp/. */
void store_maildir_abort(store_maildir *m);
/* The file name in new/ of message i of the last committed batch (valid
 * until the next begin); NULL when out of range. */
const char *store_maildir_committed_name(const store_maildir *m, size_t i);

#endif
