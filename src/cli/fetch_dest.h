/* Where "envoi fetch" puts messages: a maildir, an mbox file, the SQLite
 * store, or JSON on standard output, behind one begin/write/end/commit
 * interface. A message is durable only once commit has returned 0. */
#ifndef ENVOI_CLI_FETCH_DEST_H
#define ENVOI_CLI_FETCH_DEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/mail_args.h"
#include "envoi/error.h"
#include "envoi/store.h"
#include "store/maildir.h"
#include "store/mbox.h"
#include "util/buf.h"

typedef struct cli_dest {
    cli_fetch_dest kind;
    const char *path;
    const char *account; /* for the store's dedup by UIDL; may be NULL */
    store_maildir *maildir;
    store_mbox *mbox;
    envoi_store *store;
    bool store_batch;  /* a store batch is open */
    FILE *out;         /* JSON */
    envoi_buf message; /* the message being received (store, JSON), or the
                          start of its header block (mbox) */
    bool mbox_started; /* the mbox message's "From " line is written */
    bool too_large;    /* more than CLI_DEST_HELD_MAX: being skipped */
    char *uidl;
    envoi_error err;
} cli_dest;

/* The largest message the store and JSON take (they hold it whole); maildir
 * and mbox stream any size to disk. */
#define CLI_DEST_HELD_MAX ((size_t)256 << 20)
/* How much of an mbox message is held to find its Return-Path. */
#define CLI_DEST_MBOX_LOOKAHEAD ((size_t)64 << 10)

/* Whether the destination holds a message whole (and takes at most
 * CLI_DEST_HELD_MAX bytes). */
bool cli_dest_holds_whole(cli_fetch_dest kind);

/* Open the destination (created when missing). 0 or a negative code with
 * d->err naming the path. */
int cli_dest_open(cli_dest *d, cli_fetch_dest kind, const char *path, const char *account,
                  FILE *out);
/* One message: begin, write..., then end (into the batch) or cancel. */
int cli_dest_begin(cli_dest *d, const char *uidl);
int cli_dest_write(cli_dest *d, const void *data, size_t len);
/* 0 (saved into the batch), 1 (skipped: larger than CLI_DEST_HELD_MAX,
 * nothing kept) or a negative code. */
int cli_dest_end(cli_dest *d);
void cli_dest_cancel(cli_dest *d);
/* Make the batch durable. 0: every message ended since the last commit is
 * saved for good; on failure none of them is. */
int cli_dest_commit(cli_dest *d);
/* Drop an uncommitted batch and close. */
void cli_dest_close(cli_dest *d);

#endif
