/* "envoi watch": select the folder, remember its highest UID, then wait
 * (IDLE renewed every --idle-minutes, or NOOP every --poll seconds); after
 * each wake-up the UIDs above the highest are new mail, printed or fetched
 * (the fetcher of envoi fetch: \Seen only after the commit). A dropped
 * connection is made again with a doubling pause; SIGINT and SIGTERM end
 * the wait with LOGOUT. */
#include "cli/watch.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "cli/fetch_imap.h"
#include "cli/help.h"
#include "cli/list_imap.h"
#include "cli/mail_args.h"
#include "cli/mail_session.h"
#include "cli/report.h"

enum watch_id {
    OPT_ONCE = CLI_OPT_EXTRA,
    OPT_EXEC,
    OPT_IDLE_MINUTES,
    OPT_POLL,
};

enum { BACKOFF_MAX_S = 60 };

/* What a stretch of watching ended with, besides an exit status. */
enum { WATCH_DONE = -1 };

static volatile sig_atomic_t stop_signal;

typedef struct watch_run {
    cli_mail_args args;
    cli_mail_session ms;
    bool once;
    const char *exec;
    unsigned idle_minutes;
    unsigned poll_seconds;
    bool fetching; /* a destination: fetch rather than print */
    cli_imap_fetcher fetcher;
    bool fetcher_open;
    uint32_t highest; /* the highest UID seen so far */
    uint32_t uidvalidity;
    bool started;   /* the folder was selected once */
    bool opened;    /* it was selected on this connection */
    bool batch_run; /* a batch of new mail was handled (for --once) */
    bool status_line;
    size_t seen_new;
    FILE *out;
    FILE *errout;
} watch_run;

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

static int parse_count(const char *value, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end || errno || n < lo || n > hi)
        return -1;
    *out = (unsigned)n;
    return 0;
}

static int apply(void *ctx, int id, const char *value, envoi_buf *why)
{
    watch_run *r = ctx;
    switch (id) {
    case OPT_ONCE:
        r->once = true;
        return 0;
    case OPT_EXEC:
        if (!*value)
            return usage(why, "%s", "--exec needs a command");
        r->exec = value;
        return 0;
    case OPT_IDLE_MINUTES:
        if (parse_count(value, 1, 29, &r->idle_minutes) < 0)
            return usage(why,
                         "--idle-minutes: '%s' is not a number of minutes from 1 to 29 "
                         "(servers end an IDLE after 30)",
                         value);
        return 0;
    case OPT_POLL:
        if (parse_count(value, 1, 86400, &r->poll_seconds) < 0)
            return usage(why, "--poll: '%s' is not a number of seconds from 1 to 86400", value);
        return 0;
    default:
        return usage(why, "unknown option");
    }
}

static int check_args(watch_run *r, envoi_buf *why)
{
    cli_mail_args *a = &r->args;
    if (a->operand_count)
        return usage(why, "unexpected argument '%s'", a->operands[0]);
    if (a->json && a->dest != CLI_DEST_NONE)
        return usage(why, "%s",
                     "--json prints the new messages: it cannot be combined with "
                     "--maildir, --mbox or --store");
    if (a->headers_only && a->dest == CLI_DEST_NONE)
        return usage(why, "%s",
                     "--headers-only goes with a destination (--maildir, --mbox or "
                     "--store)");
    r->fetching = a->dest != CLI_DEST_NONE;
    return 0;
}

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Sleep up to seconds; false when a signal asked to stop. */
static bool pause_for(unsigned seconds)
{
    for (unsigned i = 0; i < seconds * 10 && !stop_signal; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return !stop_signal;
}

static void show_status(watch_run *r)
{
    if (r->status_line)
        fprintf(r->errout, "\rwatching %s: %zu new message%s so far", r->args.folder, r->seen_new,
                r->seen_new == 1 ? "" : "s");
}

static void end_status(watch_run *r)
{
    if (r->status_line)
        fputc('\n', r->errout);
}

/* Erase the status line before messages are printed on the terminal. */
static void clear_status(watch_run *r)
{
    if (r->status_line)
        fputs("\r\033[K", r->errout);
}

/* CMD through sh -c, with ENVOI_NEW_COUNT; its failure is said, not fatal. */
static void run_exec(watch_run *r, size_t count)
{
    char number[32];
    snprintf(number, sizeof number, "%zu", count);
    fflush(r->out);
    fflush(r->errout);
    pid_t pid = fork();
    if (pid < 0) {
        cli_report(r->errout, "watch", "--exec: cannot start a process: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        setenv("ENVOI_NEW_COUNT", number, 1);
        execl("/bin/sh", "sh", "-c", r->exec, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
        cli_report(r->errout, "watch", "--exec: the command exited with status %d",
                   WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        cli_report(r->errout, "watch", "--exec: the command was killed by signal %d", WTERMSIG(st));
}

/* Print the new messages, one line (or JSON object) each, flushed. */
static int print_new(watch_run *r, const envoi_imap_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (cli_list_imap_print(r->out, &entries[i], r->args.json) < 0 || fflush(r->out) != 0)
            return EX_IOERR;
        if (entries[i].uid > r->highest)
            r->highest = entries[i].uid;
    }
    return 0;
}

static int fetch_new(watch_run *r, const envoi_imap_entry *entries, size_t count)
{
    cli_imap_fetcher *f = &r->fetcher;
    if (cli_imap_fetcher_take(f, entries, count, false) != 0)
        return EX_OSERR;
    f->last_committed = 0;
    int status = cli_imap_fetcher_run(f);
    if (f->last_committed > r->highest)
        r->highest = f->last_committed;
    if (status != 0)
        return status;
    if (f->first_refusal) { /* gone before it could be fetched: said, not fatal */
        cli_mail_session_fail(&r->ms);
        f->first_refusal = 0;
    }
    return 0;
}

/* The messages uids (ascending, new): printed or fetched, then --exec. */
static int handle_batch(watch_run *r, const uint32_t *uids, size_t n)
{
    const envoi_imap_entry *entries;
    size_t count;
    if (envoi_imap_list_messages(r->ms.imap, uids, n, &entries, &count) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    clear_status(r);
    int status = r->fetching ? fetch_new(r, entries, count) : print_new(r, entries, count);
    if (status != 0)
        return status;
    if (uids[n - 1] > r->highest) /* those that vanished meanwhile count as seen */
        r->highest = uids[n - 1];
    r->seen_new += count;
    r->batch_run = true;
    show_status(r);
    if (r->exec)
        run_exec(r, count);
    return 0;
}

/* New mail: the UIDs above the highest seen. */
static int check_new(watch_run *r)
{
    uint32_t *uids;
    size_t n;
    if (envoi_imap_uids_after(r->ms.imap, r->highest, &uids, &n) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    int status = n ? handle_batch(r, uids, n) : 0;
    free(uids);
    return status;
}

/* At start with --unseen: the messages already there without \Seen. */
static int check_unseen(watch_run *r)
{
    envoi_imap_criteria c = {0};
    c.unseen = true;
    uint32_t *uids;
    size_t n;
    if (envoi_imap_search(r->ms.imap, &c, &uids, &n) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    int status = n ? handle_batch(r, uids, n) : 0;
    free(uids);
    return status;
}

/* The highest UID now: UIDNEXT - 1, or the last UID when it is not given. */
static int find_highest(watch_run *r, const envoi_imap_mailbox *mb)
{
    if (mb->uidnext) {
        r->highest = mb->uidnext - 1;
        return 0;
    }
    uint32_t *uids;
    size_t n;
    if (envoi_imap_uids_after(r->ms.imap, 0, &uids, &n) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    r->highest = n ? uids[n - 1] : 0;
    free(uids);
    return 0;
}

/* SELECT the folder (EXAMINE when only printing); the first time, or when
 * UIDVALIDITY changed, start from its highest UID. */
static int open_folder(watch_run *r)
{
    envoi_imap *s = r->ms.imap;
    if (envoi_imap_select(s, r->args.folder, !r->fetching) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    const envoi_imap_mailbox *mb = envoi_imap_selected(s);
    if (!mb)
        return EX_SOFTWARE;
    r->opened = true;
    bool fresh = !r->started || mb->uidvalidity != r->uidvalidity;
    if (r->started && fresh)
        cli_report(r->errout, "watch",
                   "the folder %s was renumbered (UIDVALIDITY): watching "
                   "from its newest message",
                   r->args.folder);
    if (r->started && !fresh)
        cli_report(r->errout, "watch", "watching %s again", r->args.folder);
    r->uidvalidity = mb->uidvalidity;
    if (fresh) {
        int status = find_highest(r, mb);
        if (status != 0)
            return status;
    }
    if (r->fetching && !r->fetcher_open) {
        int status =
            cli_imap_fetcher_open(&r->fetcher, &r->ms, &r->args, "watch", r->out, r->errout);
        if (status != 0)
            return status;
        r->fetcher_open = true;
        r->fetcher.progress = false; /* the status line says it */
    } else if (r->fetching) {
        cli_imap_fetcher_folder(&r->fetcher);
    }
    bool first = !r->started;
    r->started = true;
    return first && r->args.unseen ? check_unseen(r) : 0;
}

static int on_event(void *ctx, const envoi_imap_event *ev)
{
    (void)ctx;
    if (stop_signal)
        return 1;
    return ev->kind == ENVOI_IMAP_EVENT_EXISTS;
}

/* Wait for the server to say something (IDLE), or for the next poll. */
static int wait_for_mail(watch_run *r)
{
    envoi_imap *s = r->ms.imap;
    if (envoi_imap_has_capability(s, "IDLE")) {
        int ms = (int)r->idle_minutes * 60 * 1000;
        if (envoi_imap_idle(s, ms, on_event, r) < 0)
            return cli_mail_session_fail_imap(&r->ms);
        return 0;
    }
    if (!pause_for(r->poll_seconds))
        return 0;
    if (envoi_imap_noop(s) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    return 0;
}

/* One connection's worth of watching: WATCH_DONE when asked to stop or
 * (--once) after a batch, else the exit status of the failure. */
static int watch_folder(watch_run *r)
{
    int status = open_folder(r);
    show_status(r);
    while (status == 0) {
        if (stop_signal || (r->once && r->batch_run))
            return WATCH_DONE;
        if ((status = check_new(r)) != 0)
            break;
        if (stop_signal || (r->once && r->batch_run))
            return WATCH_DONE;
        status = wait_for_mail(r);
    }
    return status;
}

/* A failure worth connecting again for (the connection dropped, timed
 * out, or the server asked to come back later), once watching has begun. */
static bool is_transient(const watch_run *r, int status)
{
    return r->started && !r->once && status == EX_TEMPFAIL;
}

static int watch(watch_run *r)
{
    unsigned backoff = 1;
    for (;;) {
        r->opened = false;
        int status = watch_folder(r);
        if (status == WATCH_DONE || stop_signal)
            break;
        end_status(r);
        if (!is_transient(r, status))
            return status;
        if (r->opened) /* it worked for a while: start the pauses over */
            backoff = 1;
        cli_report(r->errout, "watch", "connecting again in %u s", backoff);
        if (!pause_for(backoff))
            break;
        backoff = backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : backoff * 2;
    }
    end_status(r);
    int rc = envoi_imap_logout(r->ms.imap);
    (void)rc; /* leaving: a failed LOGOUT changes nothing */
    return fflush(r->out) == 0 ? EX_OK : EX_IOERR;
}

int cli_watch_main(int argc, char **argv, FILE *out, FILE *errout)
{
    watch_run r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.errout = errout;
    r.ms.command = "watch";
    r.ms.errout = errout;
    r.idle_minutes = 25;
    r.poll_seconds = 60;
    static const struct option table[] = {
        {"once", no_argument, NULL, OPT_ONCE},
        {"exec", required_argument, NULL, OPT_EXEC},
        {"idle-minutes", required_argument, NULL, OPT_IDLE_MINUTES},
        {"poll", required_argument, NULL, OPT_POLL},
        {NULL, 0, NULL, 0},
    };
    cli_extra_options extra = {table, apply, &r};
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_mail_args_parse_imap(&r.args, true, &extra, argc, argv, &why);
    if (rc == 0 && !r.args.help)
        rc = check_args(&r, &why);
    int status = cli_mail_session_start(&r.ms, &r.args, rc, &why, cli_help_watch, out);
    if (status == CLI_SESSION_RUN) {
        r.status_line = isatty(fileno(errout)) == 1 && !r.args.verbose;
        stop_signal = 0;
        catch_signals();
        status = watch(&r);
    }
    envoi_buf_free(&why);
    if (r.fetcher_open)
        cli_imap_fetcher_close(&r.fetcher);
    cli_mail_session_close(&r.ms);
    cli_mail_args_free(&r.args);
    return status;
}
