/* "envoi fetch --protocol imap": SELECT the folder (EXAMINE with
 * --headers-only), list it, pick the messages (not \Deleted, without \Seen
 * with --unseen, --limit), retrieve them with BODY.PEEK in batches, commit
 * each batch, and only after a commit returned 0 set \Seen on its messages
 * or, with --delete, set \Deleted and expunge them (UID EXPUNGE with
 * UIDPLUS, else EXPUNGE). "envoi watch" hands the fetcher its new UIDs. */
#include "cli/fetch_imap.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "cli/fetch.h"
#include "cli/fetch_dest.h"
#include "cli/fetch_progress.h"
#include "cli/report.h"
#include "util/buf.h"

typedef cli_imap_fetcher imap_fetch;

static void show_progress(imap_fetch *f, bool last)
{
    if (f->progress)
        cli_fetch_show_progress(f->errout, &f->start, f->done, f->total, f->bytes, last);
}

static void report_too_large(imap_fetch *f, uint32_t uid)
{
    f->too_large++;
    cli_report(f->errout, f->command,
               "message UID %" PRIu32 " is larger than %zu MiB, the most --store and --json "
               "take: left on the server",
               uid, CLI_DEST_HELD_MAX >> 20);
}

static int on_begin(void *ctx, uint32_t uid, uint64_t size)
{
    imap_fetch *f = ctx;
    (void)size;
    envoi_buf_clear(&f->key);
    int rc = envoi_buf_printf(&f->key, "imap:%s:%" PRIu32 ":%" PRIu32, f->args->folder,
                              f->uidvalidity, uid) < 0
                 ? ENVOI_ENOMEM
                 : cli_dest_begin(&f->dest, f->key.data);
    f->dest_failed = rc < 0;
    return rc;
}

static int on_data(void *ctx, const void *data, size_t len)
{
    imap_fetch *f = ctx;
    f->bytes += len;
    int rc = cli_dest_write(&f->dest, data, len);
    f->dest_failed = rc < 0;
    return rc;
}

static int on_end(void *ctx, uint32_t uid, int status)
{
    imap_fetch *f = ctx;
    if (status != 0 || f->dest_failed) {
        cli_dest_cancel(&f->dest); /* incomplete: never saved */
        return 0;
    }
    int rc = cli_dest_end(&f->dest);
    if (rc < 0) {
        f->dest_failed = true;
        return rc;
    }
    if (rc == 1) { /* its RFC822.SIZE was smaller than what came */
        report_too_large(f, uid);
        cli_dest_cancel(&f->dest);
        return 0;
    }
    f->batch[f->nbatch++] = uid;
    f->done++;
    show_progress(f, false);
    return 0;
}

/* After a commit returned 0: \Deleted and expunged with --delete (unless
 * saving failed on the way: then only \Seen, as without --delete). */
static int settle_batch(imap_fetch *f, bool can_delete)
{
    envoi_imap *s = f->ms->imap;
    size_t n = f->nbatch;
    f->nbatch = 0;
    if (n == 0)
        return 0;
    if (f->args->delete_after && can_delete) {
        int rc = envoi_imap_store_flags(s, f->batch, n, true, ENVOI_IMAP_DELETED, NULL);
        if (rc == 0)
            rc = envoi_imap_has_capability(s, "UIDPLUS") ? envoi_imap_expunge(s, f->batch, n)
                                                         : envoi_imap_expunge(s, NULL, 0);
        return rc;
    }
    return f->mark_seen ? envoi_imap_store_flags(s, f->batch, n, true, ENVOI_IMAP_SEEN, NULL) : 0;
}

static int dest_failure(imap_fetch *f)
{
    cli_report(f->errout, f->command, "%s",
               f->dest.err.text[0] ? f->dest.err.text : "saving failed");
    return EX_IOERR;
}

/* How many of the messages from first go into one batch. */
static unsigned long long size_of(const void *ctx, size_t i)
{
    const imap_fetch *f = ctx;
    return f->sizes[i];
}

static size_t batch_size(const imap_fetch *f, size_t first)
{
    return cli_fetch_batch_size(first, f->total, size_of, f);
}

int cli_imap_fetcher_run(imap_fetch *f)
{
    envoi_imap *s = f->ms->imap;
    envoi_imap_mode mode = f->args->headers_only ? ENVOI_IMAP_HEADERS : ENVOI_IMAP_WHOLE;
    const envoi_imap_retrieve_cb cb = {on_begin, on_data, on_end};
    clock_gettime(CLOCK_MONOTONIC, &f->start);
    for (size_t first = 0; first < f->total;) {
        size_t n = batch_size(f, first);
        int rc = envoi_imap_retrieve_many(s, f->uids + first, n, mode, &cb, f);
        first += n;
        int code = envoi_imap_error(s)->code;
        bool broken =
            rc < 0 && !f->dest_failed && code != ENVOI_EPERMFAIL && code != ENVOI_ETEMPFAIL;
        /* Whatever arrived whole is committed, even when the rest failed. */
        if (cli_dest_commit(&f->dest) < 0)
            return dest_failure(f);
        if (f->nbatch)
            f->last_committed = f->batch[f->nbatch - 1];
        if (broken) /* the folder is no longer selected: nothing to mark */
            return cli_mail_session_fail_imap(f->ms);
        int settled = settle_batch(f, !f->dest_failed);
        if (f->dest_failed)
            return dest_failure(f);
        if (rc < 0 && !f->first_refusal) {
            f->first_refusal = rc;
            f->ms->err = *envoi_imap_error(s);
        }
        if (settled < 0)
            return cli_mail_session_fail_imap(f->ms);
    }
    show_progress(f, true);
    return 0;
}

static int fetch_batches(imap_fetch *f)
{
    envoi_imap *s = f->ms->imap;
    int status = cli_imap_fetcher_run(f);
    if (status != 0)
        return status;
    if (f->first_refusal) {
        cli_mail_session_fail(f->ms);
        int lrc = envoi_imap_logout(s);
        (void)lrc;
        return cli_exit_for_code(f->first_refusal);
    }
    if (envoi_imap_logout(s) < 0)
        return cli_mail_session_fail_imap(f->ms);
    return f->too_large ? EX_DATAERR : EX_OK;
}

/* Room for count messages in the arrays. */
static int make_room(imap_fetch *f, size_t count)
{
    if (count <= f->room)
        return 0;
    uint32_t *uids = realloc(f->uids, count * sizeof *uids);
    if (uids)
        f->uids = uids;
    uint64_t *sizes = realloc(f->sizes, count * sizeof *sizes);
    if (sizes)
        f->sizes = sizes;
    uint32_t *batch = realloc(f->batch, count * sizeof *batch);
    if (batch)
        f->batch = batch;
    if (!uids || !sizes || !batch)
        return EX_OSERR;
    f->room = count;
    return 0;
}

/* The messages to fetch: not \Deleted, without \Seen with --unseen,
 * --limit; copied, as the listing does not outlive an expunge. */
int cli_imap_fetcher_take(imap_fetch *f, const envoi_imap_entry *entries, size_t count,
                          bool unseen_only)
{
    f->total = f->nbatch = f->done = 0;
    f->bytes = 0;
    if (make_room(f, count ? count : 1) != 0)
        return EX_OSERR;
    for (size_t i = 0; i < count; i++) {
        const envoi_imap_entry *e = &entries[i];
        if (e->flags & ENVOI_IMAP_DELETED)
            continue;
        if (unseen_only && (e->flags & ENVOI_IMAP_SEEN))
            continue;
        if (f->args->limit && f->total == f->args->limit)
            break;
        if (cli_dest_holds_whole(f->args->dest) && e->size > CLI_DEST_HELD_MAX) {
            report_too_large(f, e->uid);
            continue;
        }
        f->sizes[f->total] = e->size;
        f->uids[f->total++] = e->uid;
    }
    return 0;
}

static int select_messages(imap_fetch *f)
{
    const envoi_imap_entry *entries;
    size_t count;
    /* UID, size and flags are all a fetch needs: no envelopes. */
    if (envoi_imap_list_brief(f->ms->imap, &entries, &count) < 0)
        return cli_mail_session_fail_imap(f->ms);
    return cli_imap_fetcher_take(f, entries, count, f->args->unseen);
}

void cli_imap_fetcher_folder(imap_fetch *f)
{
    const envoi_imap_mailbox *mb = envoi_imap_selected(f->ms->imap);
    f->uidvalidity = mb ? mb->uidvalidity : 0;
    f->mark_seen = !f->args->headers_only && mb && !mb->read_only;
}

static int open_folder(imap_fetch *f)
{
    envoi_imap *s = f->ms->imap;
    if (envoi_imap_select(s, f->args->folder, f->args->headers_only) < 0)
        return cli_mail_session_fail_imap(f->ms);
    const envoi_imap_mailbox *mb = envoi_imap_selected(s);
    if (f->args->delete_after && (!mb || mb->read_only)) {
        cli_report(f->errout, "fetch", "--delete: the folder %s is read-only on the server",
                   f->args->folder);
        return EX_NOPERM;
    }
    return 0;
}

int cli_imap_fetcher_open(imap_fetch *f, cli_mail_session *m, const cli_mail_args *a,
                          const char *command, FILE *out, FILE *errout)
{
    memset(f, 0, sizeof *f);
    f->ms = m;
    f->args = a;
    f->command = command;
    f->out = out;
    f->errout = errout;
    f->progress = isatty(fileno(errout)) == 1;
    cli_imap_fetcher_folder(f);
    const char *account = cli_mail_session_account(m);
    if (!account)
        account = m->plan.user;
    if (cli_dest_open(&f->dest, a->dest, a->dest_path, account, out) < 0) {
        cli_report(errout, command, "%s", f->dest.err.text);
        return EX_CANTCREAT;
    }
    return 0;
}

void cli_imap_fetcher_close(imap_fetch *f)
{
    cli_dest_close(&f->dest);
    free(f->uids);
    free(f->sizes);
    free(f->batch);
    f->uids = NULL;
    f->sizes = NULL;
    f->batch = NULL;
    f->room = f->total = 0;
    envoi_buf_free(&f->key);
}

int cli_fetch_imap(cli_mail_session *m, const cli_mail_args *a, FILE *out, FILE *errout)
{
    imap_fetch f;
    memset(&f, 0, sizeof f);
    f.ms = m;
    f.args = a;
    f.errout = errout;
    int status = open_folder(&f);
    if (status == 0)
        status = cli_imap_fetcher_open(&f, m, a, "fetch", out, errout);
    if (status == 0)
        status = select_messages(&f);
    if (status == 0)
        status = fetch_batches(&f);
    cli_imap_fetcher_close(&f);
    return status;
}
