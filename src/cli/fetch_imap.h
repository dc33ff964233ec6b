/* "envoi fetch --protocol imap": the messages of one folder into the
 * destination, batch by batch; \Seen or \Deleted set only after a commit.
 * The fetcher also serves "envoi watch", which fetches the new UIDs. */
#ifndef ENVOI_CLI_FETCH_IMAP_H
#define ENVOI_CLI_FETCH_IMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cli/fetch_dest.h"
#include "cli/mail_args.h"
#include "cli/mail_session.h"
#include "util/buf.h"

/* Fetch a->folder over the open session m->imap into a->dest (JSON to out,
 * progress and reports to errout); LOGOUT at the end. Returns the exit
 * status. */
int cli_fetch_imap(cli_mail_session *m, const cli_mail_args *a, FILE *out, FILE *errout);

/* Fetching chosen messages of the selected folder into a destination. */
typedef struct cli_imap_fetcher {
    cli_mail_session *ms;
    const cli_mail_args *args;
    const char *command; /* named in reports: "fetch", "watch" */
    cli_dest dest;
    uint32_t uidvalidity;
    uint32_t *uids;  /* the messages to fetch, ascending */
    uint64_t *sizes; /* their RFC822.SIZE */
    uint32_t *batch; /* the UIDs of the batch that ended whole */
    size_t total, room;
    size_t nbatch;
    size_t done;
    unsigned long long bytes;
    size_t too_large;        /* messages left on the server: too large to hold */
    int first_refusal;       /* the first message the server refused, if any */
    uint32_t last_committed; /* the highest UID of the last batch made durable */
    bool dest_failed;        /* a destination failure stopped the retrieval */
    bool mark_seen;          /* \Seen after the commit (not with --headers-only) */
    bool progress;
    struct timespec start;
    envoi_buf key; /* "imap:FOLDER:UIDVALIDITY:UID", the store's UIDL */
    FILE *out;
    FILE *errout;
} cli_imap_fetcher;

/* Open a->dest for command (the folder already selected: its UIDVALIDITY
 * and whether it is read-only are noted). 0, or the exit status with the
 * failure reported. */
int cli_imap_fetcher_open(cli_imap_fetcher *f, cli_mail_session *m, const cli_mail_args *a,
                          const char *command, FILE *out, FILE *errout);
/* Note the selected folder again (after a new SELECT). */
void cli_imap_fetcher_folder(cli_imap_fetcher *f);
/* Choose what to fetch from a listing: not \Deleted, without \Seen when
 * unseen_only, at most a->limit; those too large for the destination are
 * reported and left. 0 or EX_OSERR. */
int cli_imap_fetcher_take(cli_imap_fetcher *f, const envoi_imap_entry *entries, size_t count,
                          bool unseen_only);
/* Fetch what was taken, batch by batch, each committed and then settled
 * (\Seen, or with --delete \Deleted and expunged). 0 when the session is
 * still usable (a refused message is kept in first_refusal), else the exit
 * status with the failure reported. */
int cli_imap_fetcher_run(cli_imap_fetcher *f);
/* Drop an uncommitted batch, close the destination, free. */
void cli_imap_fetcher_close(cli_imap_fetcher *f);

#endif
