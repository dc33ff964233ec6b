/* The destinations of "envoi fetch": maildir (streamed to disk), mbox and
 * store (one message held while it is added), JSON (parsed and printed as
 * "envoi parse --json" prints it). */
#include "cli/fetch_dest.h"

#include <stdlib.h>
#include <string.h>

#include "cli/json_message.h"
#include "cli/parse_view.h"
#include "envoi/parse.h"
#include "util/err.h"

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
    free(d->uidl);
    d->uidl = NULL;
    if (uidl && *uidl && !(d->uidl = strdup(uidl)))
        return envoi_err_set(&d->err, ENVOI_ENOMEM, "out of memory");
    if (d->kind == CLI_DEST_MAILDIR)
        return store_maildir_begin(d->maildir, &d->err);
    return 0;
}

int cli_dest_write(cli_dest *d, const void *data, size_t len)
{
    if (d->kind == CLI_DEST_MAILDIR)
        return store_maildir_write(d->maildir, data, len, &d->err);
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
    const char *data = d->message.data ? d->message.data : "";
    switch (d->kind) {
    case CLI_DEST_MAILDIR:
        return store_maildir_end(d->maildir, &d->err);
    case CLI_DEST_MBOX:
        return store_mbox_add(d->mbox, NULL, 0, data, d->message.len, &d->err);
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
    envoi_buf_clear(&d->message);
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
