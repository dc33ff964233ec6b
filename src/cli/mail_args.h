/* The options of "envoi list", "fetch", "folders", "flag", "move" and
 * "watch": the server options shared with "envoi send", the protocol, and
 * where fetched messages go; a command may add options of its own. */
#ifndef ENVOI_CLI_MAIL_ARGS_H
#define ENVOI_CLI_MAIL_ARGS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli/send_args.h"
#include "util/buf.h"

/* Where "envoi fetch" puts the messages. */
typedef enum cli_fetch_dest {
    CLI_DEST_NONE = 0,
    CLI_DEST_MAILDIR,
    CLI_DEST_MBOX,
    CLI_DEST_STORE,
    CLI_DEST_JSON,
} cli_fetch_dest;

typedef struct cli_mail_args {
    cli_send_args server; /* only the server options are used */
    const char *protocol; /* "pop3" (default) or "imap" */
    const char *folder;   /* IMAP folder, UTF-8 (default "INBOX") */
    bool json;
    bool verbose;
    bool help;
    /* fetch only */
    cli_fetch_dest dest;
    const char *dest_path; /* the maildir, mbox file or database */
    bool delete_after;
    bool unseen;
    bool headers_only;
    size_t limit; /* 0: no limit */
    const char *seen_file;
    /* folders only */
    bool status;     /* --status */
    char **operands; /* the arguments that are not options (into argv) */
    size_t operand_count;
} cli_mail_args;

/* Options a command adds to the shared ones: getopt_long entries (ids from
 * CLI_OPT_EXTRA up, the table ends with a zero entry), handed to apply
 * (value NULL for an option without one); apply returns 0, CLI_USAGE with
 * the reason in why, or ENVOI_ENOMEM. */
enum { CLI_OPT_EXTRA = 1024 };
typedef struct cli_extra_options {
    const struct option *table;
    int (*apply)(void *ctx, int id, const char *value, envoi_buf *why);
    void *ctx;
} cli_extra_options;

/* Parse argv[1..argc-1] (argv[0] is "list" or "fetch"; fetch takes the
 * destination options too). Returns 0, CLI_USAGE with the reason in why,
 * or ENVOI_ENOMEM. Free with cli_mail_args_free. */
int cli_mail_args_parse(cli_mail_args *a, bool fetch, int argc, char **argv, envoi_buf *why);
/* The same for "envoi folders" (argv[0]): the server options, --json,
 * --status and --verbose; the other arguments (action, names) are left in
 * a->operands. The protocol is imap (--protocol pop3 is CLI_USAGE). */
int cli_mail_args_parse_folders(cli_mail_args *a, int argc, char **argv, envoi_buf *why);
/* The same for the IMAP commands "envoi flag", "move" and "watch"
 * (argv[0]): the server options, --folder (default INBOX), --json,
 * --verbose, with dest also --maildir, --mbox, --store, --unseen and
 * --headers-only, and the command's extra options (may be NULL); the other
 * arguments are left in a->operands. The protocol is imap (--protocol pop3
 * is CLI_USAGE). */
int cli_mail_args_parse_imap(cli_mail_args *a, bool dest, const cli_extra_options *extra, int argc,
                             char **argv, envoi_buf *why);
void cli_mail_args_free(cli_mail_args *a);

#endif
