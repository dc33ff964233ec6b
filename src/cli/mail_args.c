/* "envoi list", "fetch", "folders" and the IMAP commands' options:
 * getopt_long over argv; server options are checked by the code "envoi
 * send" uses, the rest here (or by the command, for its own options). */
#include "cli/mail_args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"

enum opt_id {
    OPT_SERVER_FIRST = 256, /* the server options are 256 + index */
    OPT_PROTOCOL = 512,
    OPT_JSON,
    OPT_MAILDIR,
    OPT_MBOX,
    OPT_STORE,
    OPT_DELETE,
    OPT_UNSEEN,
    OPT_HEADERS_ONLY,
    OPT_LIMIT,
    OPT_SEEN_FILE,
    OPT_FOLDER,
    OPT_STATUS,
};

static const char *const server_options[] = {
    "server",
    "port",
    "security",
    "user",
    "password-file",
    "password-command",
    "oauth-token-command",
    "auth",
    "ca-file",
    "crl-file",
    "ignore-cert",
    "timeout",
    "connect-timeout",
    "allow-plaintext-auth",
    "trace",
    "account",
    "config",
};
#define SERVER_COUNT (sizeof server_options / sizeof server_options[0])

static const struct option fetch_options[] = {
    {"maildir", required_argument, NULL, OPT_MAILDIR},
    {"mbox", required_argument, NULL, OPT_MBOX},
    {"store", required_argument, NULL, OPT_STORE},
    {"delete", no_argument, NULL, OPT_DELETE},
    {"unseen", no_argument, NULL, OPT_UNSEEN},
    {"headers-only", no_argument, NULL, OPT_HEADERS_ONLY},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"seen-file", required_argument, NULL, OPT_SEEN_FILE},
};

static const struct option folders_options[] = {
    {"status", no_argument, NULL, OPT_STATUS},
};

static const struct option common_options[] = {
    {"protocol", required_argument, NULL, OPT_PROTOCOL},
    {"json", no_argument, NULL, OPT_JSON},
    {"folder", required_argument, NULL, OPT_FOLDER},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
};

/* The destinations (and what picks messages) of "envoi watch". */
static const struct option watch_dest_options[] = {
    {"maildir", required_argument, NULL, OPT_MAILDIR},
    {"mbox", required_argument, NULL, OPT_MBOX},
    {"store", required_argument, NULL, OPT_STORE},
    {"unseen", no_argument, NULL, OPT_UNSEEN},
    {"headers-only", no_argument, NULL, OPT_HEADERS_ONLY},
};

#define MAX_EXTRA 32
#define MAX_OPTIONS (SERVER_COUNT + 8 + 5 + 1 + MAX_EXTRA)

typedef struct table_parts {
    bool fetch, folders, watch_dest;
    const cli_extra_options *extra;
} table_parts;

/* The option table of the command: server, common, and fetch (or folders,
 * or watch) options, and the command's own. */
static void build_table(struct option *t, const table_parts *parts)
{
    bool fetch = parts->fetch, folders = parts->folders;
    size_t n = 0;
    for (size_t i = 0; i < SERVER_COUNT; i++) {
        bool flag = strcmp(server_options[i], "allow-plaintext-auth") == 0;
        t[n++] = (struct option){server_options[i], flag ? no_argument : required_argument, NULL,
                                 OPT_SERVER_FIRST + (int)i};
    }
    for (size_t i = 0; i < sizeof common_options / sizeof common_options[0]; i++)
        t[n++] = common_options[i];
    if (fetch)
        for (size_t i = 0; i < sizeof fetch_options / sizeof fetch_options[0]; i++)
            t[n++] = fetch_options[i];
    if (folders)
        t[n++] = folders_options[0];
    if (parts->watch_dest)
        for (size_t i = 0; i < sizeof watch_dest_options / sizeof watch_dest_options[0]; i++)
            t[n++] = watch_dest_options[i];
    for (size_t i = 0; parts->extra && i < MAX_EXTRA && parts->extra->table[i].name; i++)
        t[n++] = parts->extra->table[i];
    t[n] = (struct option){NULL, 0, NULL, 0};
}

static const char *option_name(const struct option *t, int id)
{
    for (; t->name; t++)
        if (t->val == id)
            return t->name;
    return "?";
}

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

static int parse_limit(const char *value, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end || errno || n == 0 || n > SIZE_MAX)
        return -1;
    *out = (size_t)n;
    return 0;
}

static int set_dest(cli_mail_args *a, cli_fetch_dest dest, const char *name, const char *value,
                    envoi_buf *why)
{
    if (a->dest != CLI_DEST_NONE)
        return usage(why,
                     "give one destination: --maildir, --mbox, --store or --json "
                     "(--%s is one more)",
                     name);
    if (value && *value == '\0')
        return usage(why, "option '--%s' needs a non-empty value", name);
    a->dest = dest;
    a->dest_path = value;
    return 0;
}

static int apply_option(cli_mail_args *a, const struct option *t, int id, const char *value,
                        const cli_extra_options *extra, envoi_buf *why)
{
    if (id >= CLI_OPT_EXTRA && extra)
        return extra->apply(extra->ctx, id, value, why);
    if (id >= OPT_SERVER_FIRST && id < OPT_SERVER_FIRST + (int)SERVER_COUNT)
        return cli_server_option_apply(&a->server, server_options[id - OPT_SERVER_FIRST], value,
                                       why);
    switch (id) {
    case OPT_PROTOCOL:
        if (strcmp(value, "pop3") != 0 && strcmp(value, "imap") != 0)
            return usage(why, "--protocol: '%s' is not pop3 or imap", value);
        a->protocol = value;
        return 0;
    case OPT_JSON:
        a->json = true;
        return 0;
    case OPT_FOLDER:
        if (*value == '\0')
            return usage(why, "option '--%s' needs a non-empty value", option_name(t, id));
        a->folder = value;
        return 0;
    case OPT_MAILDIR:
        return set_dest(a, CLI_DEST_MAILDIR, "maildir", value, why);
    case OPT_MBOX:
        return set_dest(a, CLI_DEST_MBOX, "mbox", value, why);
    case OPT_STORE:
        return set_dest(a, CLI_DEST_STORE, "store", value, why);
    case OPT_DELETE:
        a->delete_after = true;
        return 0;
    case OPT_UNSEEN:
        a->unseen = true;
        return 0;
    case OPT_HEADERS_ONLY:
        a->headers_only = true;
        return 0;
    case OPT_LIMIT:
        if (parse_limit(value, &a->limit) < 0)
            return usage(why, "--limit: '%s' is not a number of messages (1 or more)", value);
        return 0;
    case OPT_SEEN_FILE:
        if (*value == '\0')
            return usage(why, "option '--%s' needs a non-empty value", option_name(t, id));
        a->seen_file = value;
        return 0;
    case OPT_STATUS:
        a->status = true;
        return 0;
    case 'v':
        a->verbose = true;
        return 0;
    case 'h':
        a->help = true;
        return 0;
    default:
        return usage(why, "unknown option");
    }
}

static int report_bad_option(const struct option *t, int ret, char **argv, envoi_buf *why)
{
    const char *token = argv[optind - 1];
    if (ret == ':')
        return optopt >= OPT_SERVER_FIRST
                   ? usage(why, "option '--%s' needs a value", option_name(t, optopt))
                   : usage(why, "option '%s' needs a value", token);
    if (optopt >= OPT_SERVER_FIRST)
        return usage(why, "option '--%s' takes no value", option_name(t, optopt));
    if (optopt && optopt != 'v' && optopt != 'h') {
        char opt[3] = {'-', (char)optopt, '\0'};
        return usage(why, "unknown option '%s'", opt);
    }
    size_t len = strcspn(token, "=");
    return usage(why, "unknown option '%.*s'", (int)len, token);
}

/* Combinations that cannot work, found before connecting. */
static int check_combinations(cli_mail_args *a, bool fetch, envoi_buf *why)
{
    int rc = cli_server_args_check(&a->server, why);
    if (rc != 0)
        return rc;
    bool imap = strcmp(a->protocol, "imap") == 0;
    if (a->folder && !imap)
        return usage(why, "%s", "--folder needs --protocol imap (POP3 has one maildrop)");
    if (a->seen_file && imap)
        return usage(why, "%s", "--seen-file is for pop3: IMAP keeps \\Seen on the server");
    if (!a->folder)
        a->folder = "INBOX";
    if (!fetch)
        return 0;
    if (a->json) {
        if (a->dest != CLI_DEST_NONE)
            return usage(why, "%s",
                         "--json prints the messages: it cannot be combined with "
                         "--maildir, --mbox or --store");
        a->dest = CLI_DEST_JSON;
    }
    if (a->dest == CLI_DEST_NONE)
        return usage(why, "%s",
                     "no destination: give --maildir DIR, --mbox FILE, --store DB "
                     "or --json");
    if (a->delete_after && a->dest == CLI_DEST_JSON)
        return usage(why, "%s",
                     "--delete needs a durable destination (--maildir, --mbox or "
                     "--store), not --json");
    if (a->delete_after && a->headers_only)
        return usage(why, "%s",
                     "--delete with --headers-only would delete messages whose "
                     "bodies were never saved");
    return 0;
}

/* getopt_long over argv; optind is then the first argument that is not an
 * option (GNU getopt moves them all to the end). */
static int parse_options(cli_mail_args *a, const table_parts *parts, int argc, char **argv,
                         envoi_buf *why)
{
    memset(a, 0, sizeof *a);
    cli_server_args_init(&a->server);
    struct option table[MAX_OPTIONS];
    build_table(table, parts);
    optind = 0; /* glibc: start afresh, even when called again */
    opterr = 0;
    int ret;
    while ((ret = getopt_long(argc, argv, ":hv", table, NULL)) != -1) {
        if (ret == '?' || ret == ':')
            return report_bad_option(table, ret, argv, why);
        int rc = apply_option(a, table, ret, optarg, parts->extra, why);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int cli_mail_args_parse(cli_mail_args *a, bool fetch, int argc, char **argv, envoi_buf *why)
{
    table_parts parts = {fetch, false, false, NULL};
    int rc = parse_options(a, &parts, argc, argv, why);
    if (rc != 0)
        return rc;
    if (optind < argc)
        return usage(why, "unexpected argument '%s'", argv[optind]);
    if (!a->protocol)
        a->protocol = "pop3";
    return check_combinations(a, fetch, why);
}

int cli_mail_args_parse_folders(cli_mail_args *a, int argc, char **argv, envoi_buf *why)
{
    table_parts parts = {false, true, false, NULL};
    int rc = parse_options(a, &parts, argc, argv, why);
    if (rc != 0)
        return rc;
    a->operands = argv + optind;
    a->operand_count = optind < argc ? (size_t)(argc - optind) : 0;
    if (a->protocol && strcmp(a->protocol, "imap") != 0)
        return usage(why, "%s", "folders are an IMAP matter: --protocol must be imap");
    a->protocol = "imap";
    if (a->folder)
        return usage(why, "%s", "--folder is not used here: name the folders as arguments");
    return check_combinations(a, false, why);
}

int cli_mail_args_parse_imap(cli_mail_args *a, bool dest, const cli_extra_options *extra, int argc,
                             char **argv, envoi_buf *why)
{
    table_parts parts = {false, false, dest, extra};
    int rc = parse_options(a, &parts, argc, argv, why);
    if (rc != 0)
        return rc;
    a->operands = argv + optind;
    a->operand_count = optind < argc ? (size_t)(argc - optind) : 0;
    if (a->protocol && strcmp(a->protocol, "imap") != 0)
        return usage(why, "%s", "this command is an IMAP matter: --protocol must be imap");
    a->protocol = "imap";
    return check_combinations(a, false, why);
}

void cli_mail_args_free(cli_mail_args *a)
{
    cli_send_args_free(&a->server);
}
