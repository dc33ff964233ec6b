/* "envoi fetch" over POP3 (IMAP folders are fetched by fetch_imap.c): list
 * the maildrop, pick the messages (--unseen, --limit),
 * retrieve them pipelined in batches, commit each batch to the destination,
 * and only after a commit returned 0 mark its messages seen and, with
 * --delete, DELE them; QUIT makes the deletions happen. */
#include "cli/fetch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "cli/fetch_dest.h"
#include "cli/fetch_progress.h"
#include "cli/fetch_imap.h"
#include "cli/fetch_seen.h"
#include "cli/help.h"
#include "cli/mail_args.h"
#include "cli/mail_session.h"
#include "cli/report.h"
#include "util/err.h"

typedef struct fetch_run {
    cli_mail_args args;
    cli_mail_session ms;
    cli_dest dest;
    const envoi_pop3_entry *entries;
    unsigned *numbers; /* the messages to fetch, in order */
    size_t *index;     /* their entries */
    size_t cursor;     /* where the next message ended is looked for */
    size_t total;
    size_t *batch; /* indexes into numbers of the messages ended whole */
    size_t nbatch;
    size_t done;
    unsigned long long bytes;
    size_t too_large; /* messages left on the server: too large to hold */
    bool dest_failed; /* a destination failure stopped the retrieval */
    bool progress;
    struct timespec start;
    envoi_buf seen_path;
    FILE *out;
    FILE *errout;
} fetch_run;

static void show_progress(fetch_run *r, bool last)
{
    if (r->progress)
        cli_fetch_show_progress(r->errout, &r->start, r->done, r->total, r->bytes, last);
}

static int on_begin(void *ctx, unsigned number, const char *uidl, size_t size)
{
    fetch_run *r = ctx;
    (void)number;
    (void)size;
    int rc = cli_dest_begin(&r->dest, uidl);
    r->dest_failed = rc < 0;
    return rc;
}

static int on_data(void *ctx, const void *data, size_t len)
{
    fetch_run *r = ctx;
    r->bytes += len;
    int rc = cli_dest_write(&r->dest, data, len);
    r->dest_failed = rc < 0;
    return rc;
}

static void report_too_large(fetch_run *r, unsigned number)
{
    r->too_large++;
    cli_report(r->errout, "fetch",
               "message %u is larger than %zu MiB, the most --store and --json take: left on "
               "the server",
               number, CLI_DEST_HELD_MAX >> 20);
}

static int on_end(void *ctx, unsigned number, int status)
{
    fetch_run *r = ctx;
    if (status != 0 || r->dest_failed) {
        cli_dest_cancel(&r->dest); /* incomplete: never saved */
        return 0;
    }
    int rc = cli_dest_end(&r->dest);
    if (rc < 0) {
        r->dest_failed = true;
        return rc;
    }
    if (rc == 1) { /* its LIST size was smaller than what came */
        report_too_large(r, number);
        cli_dest_cancel(&r->dest);
        return 0;
    }
    while (r->cursor < r->total && r->numbers[r->cursor] != number)
        r->cursor++;
    if (r->cursor < r->total)
        r->batch[r->nbatch++] = r->cursor++;
    r->done++;
    show_progress(r, false);
    return 0;
}

/* After a commit returned 0: seen, and deleted with --delete. */
static int settle_batch(fetch_run *r, bool can_delete)
{
    envoi_pop3 *s = r->ms.pop3;
    for (size_t i = 0; i < r->nbatch; i++) {
        const envoi_pop3_entry *e = &r->entries[r->index[r->batch[i]]];
        if (*e->uidl && envoi_pop3_mark_seen(s, e->uidl) < 0)
            return ENVOI_ENOMEM;
    }
    int rc = 0;
    if (r->args.delete_after && can_delete)
        for (size_t i = 0; i < r->nbatch && rc == 0; i++)
            rc = envoi_pop3_delete(s, r->numbers[r->batch[i]]);
    r->nbatch = 0;
    if (rc < 0)
        return rc;
    return r->seen_path.len ? envoi_pop3_save_seen(s) : 0;
}

static int dest_failure(fetch_run *r)
{
    cli_report(r->errout, "fetch", "%s", r->dest.err.text[0] ? r->dest.err.text : "saving failed");
    return EX_IOERR;
}

/* How many of the messages from first go into one batch. */
static unsigned long long size_of(const void *ctx, size_t i)
{
    const fetch_run *r = ctx;
    return r->entries[r->index[i]].size;
}

static size_t batch_size(const fetch_run *r, size_t first)
{
    return cli_fetch_batch_size(first, r->total, size_of, r);
}

static int fetch_batches(fetch_run *r)
{
    envoi_pop3 *s = r->ms.pop3;
    envoi_pop3_mode mode = r->args.headers_only ? ENVOI_POP3_HEADERS : ENVOI_POP3_WHOLE;
    const envoi_pop3_retrieve_cb cb = {on_begin, on_data, on_end};
    int first_refusal = 0;
    for (size_t first = 0; first < r->total;) {
        size_t n = batch_size(r, first);
        r->cursor = first;
        int rc = envoi_pop3_retrieve_many(s, r->numbers + first, n, mode, &cb, r);
        first += n;
        bool broken = rc < 0 && !r->dest_failed && envoi_pop3_error(s)->code != ENVOI_EPERMFAIL &&
                      envoi_pop3_error(s)->code != ENVOI_ETEMPFAIL;
        /* Whatever arrived whole is committed, even when the rest failed. */
        if (cli_dest_commit(&r->dest) < 0)
            return dest_failure(r);
        int settled = settle_batch(r, !broken && !r->dest_failed);
        if (r->dest_failed)
            return dest_failure(r);
        if (rc < 0 && broken)
            return cli_mail_session_fail_pop3(&r->ms);
        if (rc < 0 && !first_refusal)
            first_refusal = rc;
        if (settled < 0)
            return cli_mail_session_fail_pop3(&r->ms);
    }
    show_progress(r, true);
    if (first_refusal) {
        cli_mail_session_fail_pop3(&r->ms);
        int qrc = envoi_pop3_quit(s);
        (void)qrc;
        return cli_exit_for_code(first_refusal);
    }
    if (envoi_pop3_quit(s) < 0)
        return cli_mail_session_fail_pop3(&r->ms);
    return r->too_large ? EX_DATAERR : EX_OK;
}

/* The messages to fetch: not deleted, not seen with --unseen, --limit. */
static int select_messages(fetch_run *r, size_t count)
{
    r->numbers = calloc(count ? count : 1, sizeof *r->numbers);
    r->batch = calloc(count ? count : 1, sizeof *r->batch);
    r->index = calloc(count ? count : 1, sizeof *r->index);
    if (!r->numbers || !r->batch || !r->index)
        return EX_OSERR;
    for (size_t i = 0; i < count; i++) {
        const envoi_pop3_entry *e = &r->entries[i];
        if (e->deleted)
            continue;
        if (r->args.unseen && !*e->uidl) {
            cli_report(r->errout, "fetch", "--unseen: the server gives no UIDL for message %u",
                       e->number);
            return EX_UNAVAILABLE;
        }
        if (r->args.unseen && envoi_pop3_is_seen(r->ms.pop3, e->uidl))
            continue;
        if (r->args.limit && r->total == r->args.limit)
            break;
        if (cli_dest_holds_whole(r->args.dest) && e->size > CLI_DEST_HELD_MAX) {
            report_too_large(r, e->number);
            continue;
        }
        r->index[r->total] = i;
        r->numbers[r->total++] = e->number;
    }
    return 0;
}

static int set_seen_file(fetch_run *r)
{
    const char *path = r->args.seen_file;
    if (!path) {
        envoi_buf name = ENVOI_BUF_INIT;
        const char *account = cli_mail_session_account(&r->ms);
        int rc = account ? envoi_buf_append_str(&name, account)
                 : r->ms.plan.user
                     ? envoi_buf_printf(&name, "%s@%s", r->ms.plan.user, r->ms.plan.label)
                     : envoi_buf_append_str(&name, r->ms.plan.label);
        if (rc == 0)
            rc = cli_seen_default_path(name.data, getenv("XDG_STATE_HOME"), getenv("HOME"),
                                       &r->seen_path);
        envoi_buf_free(&name);
        if (rc == ENVOI_ENOMEM)
            return EX_OSERR;
        if (rc < 0) { /* no HOME: remember nothing, unless --unseen needs it */
            if (!r->args.unseen)
                return 0;
            cli_report(r->errout, "fetch", "--unseen needs --seen-file (HOME is not set)");
            return EX_USAGE;
        }
        path = r->seen_path.data;
    } else if (envoi_buf_append_str(&r->seen_path, path) < 0) {
        return EX_OSERR;
    }
    if (cli_seen_make_parents(path) < 0) {
        cli_report(r->errout, "fetch", "cannot create the folder of the seen file %s", path);
        return EX_CANTCREAT;
    }
    if (envoi_pop3_set_seen_file(r->ms.pop3, path) < 0)
        return cli_mail_session_fail_pop3(&r->ms);
    return 0;
}

static int open_dest(fetch_run *r)
{
    const char *account = cli_mail_session_account(&r->ms);
    if (!account)
        account = r->ms.plan.user;
    if (cli_dest_open(&r->dest, r->args.dest, r->args.dest_path, account, r->out) < 0) {
        cli_report(r->errout, "fetch", "%s", r->dest.err.text);
        return EX_CANTCREAT;
    }
    return 0;
}

static int fetch_all(fetch_run *r)
{
    size_t count;
    int status = set_seen_file(r);
    if (status)
        return status;
    if (envoi_pop3_list(r->ms.pop3, &r->entries, &count) < 0)
        return cli_mail_session_fail_pop3(&r->ms);
    if ((status = select_messages(r, count)) || (status = open_dest(r)))
        return status;
    r->progress = isatty(fileno(r->errout)) == 1;
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    return fetch_batches(r);
}

int cli_fetch_main(int argc, char **argv, FILE *out, FILE *errout)
{
    fetch_run r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.errout = errout;
    r.ms.command = "fetch";
    r.ms.errout = errout;
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_mail_args_parse(&r.args, true, argc, argv, &why);
    int status = cli_mail_session_start(&r.ms, &r.args, rc, &why, cli_help_fetch, out);
    if (status == CLI_SESSION_RUN)
        status = r.ms.imap ? cli_fetch_imap(&r.ms, &r.args, out, errout) : fetch_all(&r);
    envoi_buf_free(&why);
    cli_dest_close(&r.dest);
    cli_mail_session_close(&r.ms);
    free(r.numbers);
    free(r.batch);
    free(r.index);
    envoi_buf_free(&r.seen_path);
    cli_mail_args_free(&r.args);
    return status;
}
