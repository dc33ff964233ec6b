/* Appending messages to an mbox file durably, in batches (mboxrd format).
 *
 * Each message is written after a "From SENDER DATE" separator line (the
 * envelope sender, MAILER-DAEMON when none, and the date as asctime writes it,
 * in UTC), with every line matching ^>*From  given one more '>' (mboxrd, so
 * readers can undo it exactly), a line end added when the message lacks a
 * final one, and a blank line after it.
 *
 * A batch holds a write lock on the whole file from its first message to its
 * commit: fcntl(F_SETLKW), waiting for other writers, and optionally a
 * FILE.lock dotlock file as well. The commit fsyncs the file once; a message
 * is durable only after the commit of its batch returned 0. Any failure
 * (disk full, file size limit...) truncates the file back to its size before
 * the batch and releases the lock: a failed batch leaves no trace.
 *
 * fcntl locks belong to the process: another descriptor of the same file
 * closed in this process would release them, so keep one writer per file in
 * a process. */
#ifndef ENVOI_STORE_MBOX_H
#define ENVOI_STORE_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "envoi/error.h"

typedef struct store_mbox store_mbox;

/* Open path for appending (created 0600 when missing). With dotlock, each
 * batch also creates path.lock (waiting up to a minute; a lock older than
 * five minutes is taken as stale and removed). */
int store_mbox_open(const char *path, bool dotlock, store_mbox **out, envoi_error *err);
/* Close; a batch not committed is dropped (file truncated back). */
void store_mbox_close(store_mbox *m);
/* Replace write(2) (tests inject failures through it). */
void store_mbox_set_write_fn(store_mbox *m,
                             ssize_t (*write_fn)(int fd, const void *data, size_t len));

/* Take the lock and start a batch (add does it when none is open). */
int store_mbox_begin(store_mbox *m, envoi_error *err);
/* Append one message. sender may be NULL: then the message's Return-Path
 * (what the delivering server recorded), else MAILER-DAEMON (also used for a
 * sender with white space in it); date 0 means now.
 * On failure the whole batch is dropped (see above). */
int store_mbox_add(store_mbox *m, const char *sender, time_t date, const void *data, size_t len,
                   envoi_error *err);
/* One message streamed in pieces: begin (the "From " line; sender as for
 * add, but the Return-Path is not looked for), write... (lines may be cut
 * anywhere), end. A failure, or cancel, removes the message's bytes and keeps
 * the rest of the batch. */
int store_mbox_message_begin(store_mbox *m, const char *sender, time_t date, envoi_error *err);
int store_mbox_message_write(store_mbox *m, const void *data, size_t len, envoi_error *err);
int store_mbox_message_end(store_mbox *m, envoi_error *err);
void store_mbox_message_cancel(store_mbox *m);
/* fsync, then release the lock. 0: the batch is durable. On failure the
 * batch is dropped. Committing with no batch open does nothing. */
int store_mbox_commit(store_mbox *m, envoi_error *err);
/* Drop the batch: truncate back and release the lock. */
void store_mbox_abort(store_mbox *m);

#endif
