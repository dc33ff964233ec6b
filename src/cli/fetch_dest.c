/* The destinations of "envoi fetch": maildir and mbox (streamed to disk;
 * mbox holds the header block back to find the Return-Path for its "From "
 * line), store (one message held while it is added), JSON (parsed and
 * printed as "envoi parse --json" prints it). */
#include "cli/fetch_dest.h"

#include <stdlib.h>
#include <string.h>

#include "cli/json_message.h"
#include "cli/parse_view.h"
#include "envoi/parse.h"
#include "store/return_path.h"
#include "util/err.h"

bool cli_dest_holds_whole(cli_fetch_dest kind)
{
    return kind == CLI_DEST_STORE || kind == CLI_DEST_JSON;
}

int cli_dest_open(cli_dest *d, cli_fetch_dest kind, const char *path, const char *account,
                  FILE *out)
{
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->path = path;
    d->account = account;
    d->out = out;
    switch (kind) {
    case CLI_DEST_MAILDIR:
        return store_maildir_open(path, &d->maildir, &d->err);
    case CLI_DEST_MBOX:
        return store_mbox_open(path, false, &d->mbox, &d->err);
    case CLI_DEST_STORE:
        return envoi_store_open(path, &d->store, &d->err);
    default:
        return 0;
    }
}

int cli_dest_begin(cli_dest *d, const char *uidl)
{
    envoi_buf_clear(&d->message);
    d->mbox_started = false;
    d->too_large = false;
    free(d->uidl);
    d->uidl = NULL;
    if (uidl && *uidl && !(d->uidl = strdup(uidl)))
        return envoi_err_set(&d->err, ENVOI_ENOMEM, "out of memory");
    if (d->kind == CLI_DEST_MAILDIR)
        return store_maildir_begin(d->maildir, &d->err);
    return 0;
}

/* Write the mbox message's "From " line, with the Return-Path of what is
 * held, then what is held. */
static int start_mbox_message(cli_dest *d)
{
    char sender[256];
    const char *from = NULL;
    if (store_return_path(d->message.data, d->message.len, sender, sizeof sender))
        from = sender;
    int rc = store_mbox_message_begin(d->mbox, from, 0, &d->err);
    if (rc == 0 && d->message.len)
        rc = store_mbox_message_write(d->mbox, d->message.data, d->message.len, &d->err);
    envoi_buf_clear(&d->message);
    d->mbox_started = rc == 0;
    return rc;
}

static bool has_header_end(const envoi_buf *b, size_t from)
{
    for (size_t i = from; i + 1 < b->len; i++)
        if (b->data[i] == '\n' &&
            (b->data[i + 1] == '\n' ||
             (b->data[i + 1] == '\r' && i + 2 < b->len && b->data[i + 2] == '\n')))
            return true;
    return false;
}

static int write_mbox(cli_dest *d, const void *data, size_t len)
{
    if (d->mbox_started)
        return store_mbox_message_write(d->mbox, data, len, &d->err);
    size_t from = d->message.len > 2 ? d->message.len - 2 : 0;
    if (envoi_buf_append(&d->message, data, len) < 0)
        return envoi_err_set(&d->err, ENVOI_ENOMEM, "out of memory");
    if (d->message.len >= CLI_DEST_MBOX_LOOKAHEAD || has_header_end(&d->message, from))
        return start_mbox_message(d);
    return 0;
}

int cli_dest_write(cli_dest *d, const void *data, size_t len)
{
    if (d->kind == CLI_DEST_MAILDIR)
        return store_maildir_write(d->maildir, data, len, &d->err);
    if (d->kind == CLI_DEST_MBOX)
        return write_mbox(d, data, len);
    if (d->too_large)
        return 0;
    if (len > CLI_DEST_HELD_MAX - d->message.len) {
        d->too_large = true; /* skipped whole at the end */
        envoi_buf_free(&d->message);
        return 0;
    }
    if (envoi_buf_append(&d->message, data, len) < 0)
        return envoi_err_set(&d->err, ENVOI_ENOMEM, "out of memory holding a message");
    return 0;
}

static int print_json(cli_dest *d)
{
    envoi_message *msg = NULL;
    int rc = envoi_message_parse(d->message.data ? d->message.data : "", d->message.len, &msg);
    cli_message_view v;
    memset(&v, 0, sizeof v);
    if (rc == 0)
        rc = cli_view_from_message(msg, &v);
    if (rc == 0)
        rc = cli_json_print_message(d->out, &v);
    cli_view_free(&v);
    envoi_message_free(msg);
    if (rc < 0)
        envoi_err_set(&d->err, rc, "printing a message as JSON: %s", envoi_strerror(rc));
    return rc;
}

static int add_to_store(cli_dest *d)
{
    if (!d->store_batch) {
        if (envoi_store_begin(d->store) < 0) {
            d->err = *envoi_store_error(d->store);
            return d->err.code;
        }
        d->store_batch = true;
    }
    int rc = envoi_store_add(d->store, d->account, d->uidl, d->message.data ? d->message.data : "",
                             d->message.len, NULL, NULL);
    if (rc < 0)
        d->err = *envoi_store_error(d->store);
    return rc;
}

int cli_dest_end(cli_dest *d)
{
    int rc;
    if (d->too_large)
        return 1;
    switch (d->kind) {
    case CLI_DEST_MAILDIR:
        return store_maildir_end(d->maildir, &d->err);
    case CLI_DEST_MBOX:
        if (!d->mbox_started && (rc = start_mbox_message(d)) < 0)
            return rc;
        return store_mbox_message_end(d->mbox, &d->err);
    case CLI_DEST_STORE:
        return add_to_store(d);
    case CLI_DEST_JSON:
        return print_json(d);
    default:
        return 0;
    }
}

void cli_dest_cancel(cli_dest *d)
{
    if (d->kind == CLI_DEST_MAILDIR)
        store_maildir_cancel(d->maildir);
    if (d->kind == CLI_DEST_MBOX)
        store_mbox_message_cancel(d->mbox);
    envoi_buf_clear(&d->message);
    d->mbox_started = d->too_large = false;
}

int cli_dest_commit(cli_dest *d)
{
    int rc = 0;
    switch (d->kind) {
    case CLI_DEST_MAILDIR:
        return store_maildir_commit(d->maildir, &d->err);
    case CLI_DEST_MBOX:
        return store_mbox_commit(d->mbox, &d->err);
    case CLI_DEST_STORE:
        if (!d->store_batch)
            return 0;
        d->store_batch = false;
        if ((rc = envoi_store_commit(d->store)) < 0)
            d->err = *envoi_store_error(d->store);
        return rc;
    case CLI_DEST_JSON:
        if (fflush(d->out) != 0)
            return envoi_err_set(&d->err, ENVOI_EIO, "writing to standard output failed");
        return 0;
    default:
        return 0;
    }
}

void cli_dest_close(cli_dest *d)
{
    if (d->maildir)
        store_maildir_close(d->maildir);
    if (d->mbox)
        store_mbox_close(d->mbox);
    envoi_store_close(d->store); /* rolls back an open batch */
    envoi_buf_free(&d->message);
    free(d->uidl);
    memset(d, 0, sizeof *d);
}
