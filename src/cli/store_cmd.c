/* "envoi store": search the mail store (FTS5) and show one message, as a
 * table, JSON Lines, or the raw source. */
#include "cli/store_cmd.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/json_message.h"
#include "cli/parse_view.h"
#include "cli/report.h"
#include "cli/send_args.h"
#include "envoi/parse.h"
#include "envoi/store.h"

enum { OPT_STORE = 256, OPT_JSON, OPT_RAW, OPT_LITERAL, OPT_LIMIT };

static const struct option long_options[] = {
    {"store", required_argument, NULL, OPT_STORE},
    {"json", no_argument, NULL, OPT_JSON},
    {"raw", no_argument, NULL, OPT_RAW},
    {"literal", no_argument, NULL, OPT_LITERAL},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

static int parse_count(const char *text, unsigned long long *out)
{
    char *end;
    errno = 0;
    *out = strtoull(text, &end, 10);
    return text[0] >= '0' && text[0] <= '9' && !*end && !errno && *out > 0 ? 0 : -1;
}

static int apply_option(cli_store_args *a, int id, const char *value, envoi_buf *why)
{
    unsigned long long n;
    switch (id) {
    case OPT_STORE:
        if (!*value)
            return usage(why, "%s", "option '--store' needs a non-empty value");
        a->db = value;
        return 0;
    case OPT_JSON:
        a->json = true;
        return 0;
    case OPT_RAW:
        a->raw = true;
        return 0;
    case OPT_LITERAL:
        a->literal = true;
        return 0;
    case OPT_LIMIT:
        if (parse_count(value, &n) < 0 || n > SIZE_MAX)
            return usage(why, "--limit: '%s' is not a number of messages (1 or more)", value);
        a->limit = (size_t)n;
        return 0;
    case 'h':
        a->help = true;
        return 0;
    default:
        return usage(why, "%s", "unknown option");
    }
}

static int check_action(cli_store_args *a, int nargs, char **rest, envoi_buf *why)
{
    if (nargs < 1)
        return usage(why, "%s", "no action: give 'search QUERY' or 'show ID'");
    unsigned long long n;
    if (strcmp(rest[0], "search") == 0) {
        if (nargs != 2 || !*rest[1])
            return usage(why, "%s", "search takes one QUERY (quote it when it has spaces)");
        a->action = CLI_STORE_SEARCH;
        a->query = rest[1];
        if (a->raw)
            return usage(why, "%s", "--raw belongs to 'show'");
    } else if (strcmp(rest[0], "show") == 0) {
        if (nargs != 2 || parse_count(rest[1], &n) < 0 || n > INT64_MAX)
            return usage(why, "%s", "show takes one message ID (a number from 'search')");
        a->action = CLI_STORE_SHOW;
        a->id = (int64_t)n;
        if (a->raw && a->json)
            return usage(why, "%s", "--raw and --json are exclusive");
        if (a->literal || a->limit)
            return usage(why, "%s", "--literal and --limit belong to 'search'");
    } else {
        return usage(why, "no action '%s': give 'search QUERY' or 'show ID'", rest[0]);
    }
    if (!a->db)
        return usage(why, "%s", "no database: give --store DB");
    return 0;
}

int cli_store_args_parse(cli_store_args *a, int argc, char **argv, envoi_buf *why)
{
    memset(a, 0, sizeof *a);
    optind = 0; /* glibc: start afresh; words are permuted after the options */
    opterr = 0;
    int ret;
    while ((ret = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        if (ret == '?' || ret == ':') {
            const char *token = argv[optind - 1];
            if (ret == ':')
                return usage(why, "option '%s' needs a value", token);
            return usage(why, "unknown option '%.*s'", (int)strcspn(token, "="), token);
        }
        int rc = apply_option(a, ret, optarg, why);
        if (rc != 0)
            return rc;
    }
    if (a->help)
        return 0;
    return check_action(a, argc - optind, argv + optind, why);
}

/* ---- running -------------------------------------------------------------- */

typedef struct store_run {
    cli_store_args args;
    envoi_store *st;
    FILE *out;
    FILE *errout;
} store_run;

static json_t *row_json(const envoi_store_message *m)
{
    char date[21];
    if (m->has_date)
        cli_iso8601_utc((time_t)m->date, date);
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:o}", "id", (json_int_t)m->id,
                     "account", cli_json_str(m->account), "uidl", cli_json_str(m->uidl),
                     "message_id", cli_json_str(m->message_id), "subject", cli_json_str(m->subject),
                     "from", cli_json_str(m->from), "to", cli_json_str(m->to), "cc",
                     cli_json_str(m->cc), "date", m->has_date ? json_string(date) : json_null(),
                     "size", (json_int_t)m->size, "flags", (json_int_t)m->flags, "sha256",
                     cli_json_str(m->sha256));
}

static int print_row(void *ctx, const envoi_store_message *m)
{
    store_run *r = ctx;
    if (r->args.json) {
        json_t *o = row_json(m);
        if (!o)
            return ENVOI_ENOMEM;
        int rc = json_dumpf(o, r->out, JSON_COMPACT) < 0 || fputc('\n', r->out) == EOF;
        json_decref(o);
        return rc ? ENVOI_EIO : 0;
    }
    char date[21] = "-";
    if (m->has_date)
        cli_iso8601_utc((time_t)m->date, date);
    fprintf(r->out, "%lld\t%s\t%s\t%s\n", (long long)m->id, date, m->from ? m->from : "",
            m->subject ? m->subject : "");
    return 0;
}

static int print_attachment(void *ctx, const envoi_store_attachment *a)
{
    FILE *out = ctx;
    fprintf(out, "Attachment: %s %s %s (%llu bytes)\n", a->path, a->content_type,
            a->filename ? a->filename : "-", (unsigned long long)a->size);
    return 0;
}

static int show_json(store_run *r, const envoi_store_message *m)
{
    envoi_message *msg = NULL;
    cli_message_view v;
    memset(&v, 0, sizeof v);
    int rc = envoi_message_parse(m->raw ? m->raw : "", m->raw_len, &msg);
    if (rc == 0)
        rc = cli_view_from_message(msg, &v);
    json_t *o = rc == 0 ? cli_json_message(&v) : NULL;
    if (rc == 0 && !o)
        rc = ENVOI_ENOMEM;
    if (o) {
        json_object_set_new(o, "id", json_integer((json_int_t)m->id));
        json_object_set_new(o, "uidl", cli_json_str(m->uidl));
        if (json_dumpf(o, r->out, JSON_COMPACT) < 0 || fputc('\n', r->out) == EOF)
            rc = ENVOI_EIO;
        json_decref(o);
    }
    cli_view_free(&v);
    envoi_message_free(msg);
    return rc;
}

static int show_text(store_run *r, const envoi_store_message *m)
{
    char date[21] = "-";
    if (m->has_date)
        cli_iso8601_utc((time_t)m->date, date);
    fprintf(r->out,
            "Id: %lld\nAccount: %s\nUIDL: %s\nMessage-ID: %s\nDate: %s\nFrom: %s\nTo: %s\n"
            "Cc: %s\nSubject: %s\nSize: %llu\nSHA-256: %s\n",
            (long long)m->id, m->account, m->uidl ? m->uidl : "-",
            m->message_id ? m->message_id : "-", date, m->from ? m->from : "", m->to ? m->to : "",
            m->cc ? m->cc : "", m->subject ? m->subject : "", (unsigned long long)m->size,
            m->sha256);
    return envoi_store_attachments(r->st, m->id, print_attachment, r->out);
}

static int report_store(store_run *r)
{
    const envoi_error *e = envoi_store_error(r->st);
    cli_report(r->errout, "store", "%s: %s", r->args.db,
               e->text[0] ? e->text : envoi_strerror(e->code));
    return e->code == ENVOI_EINVAL ? EX_DATAERR : cli_exit_for_code(e->code);
}

static int show(store_run *r)
{
    envoi_store_message *m = NULL;
    if (envoi_store_get(r->st, r->args.id, &m) < 0)
        return report_store(r);
    if (!m) {
        cli_report(r->errout, "store", "no message %lld in %s", (long long)r->args.id, r->args.db);
        return EX_NOINPUT;
    }
    int rc = r->args.raw    ? (fwrite(m->raw, 1, m->raw_len, r->out) == m->raw_len ? 0 : ENVOI_EIO)
             : r->args.json ? show_json(r, m)
                            : show_text(r, m);
    envoi_store_message_free(m);
    if (rc == ENVOI_EIO || fflush(r->out) != 0) {
        cli_report(r->errout, "store", "writing to standard output failed");
        return EX_IOERR;
    }
    return rc < 0 ? report_store(r) : EX_OK;
}

static int run(store_run *r)
{
    if (access(r->args.db, F_OK) != 0) {
        cli_report(r->errout, "store", "%s: no such database (fill one with envoi fetch --store)",
                   r->args.db);
        return EX_NOINPUT;
    }
    envoi_error err;
    if (envoi_store_open(r->args.db, &r->st, &err) < 0) {
        cli_report(r->errout, "store", "%s", err.text);
        return cli_exit_for_code(err.code);
    }
    if (r->args.action == CLI_STORE_SHOW)
        return show(r);
    int rc = envoi_store_search(r->st, r->args.query, r->args.literal ? ENVOI_STORE_LITERAL : 0,
                                r->args.limit, print_row, r);
    if (rc == ENVOI_EINVAL) {
        cli_report(r->errout, "store", "'%s' is not a valid query (try --literal)", r->args.query);
        return EX_USAGE;
    }
    if (rc < 0)
        return report_store(r);
    return fflush(r->out) == 0 ? EX_OK : EX_IOERR;
}

int cli_store_main(int argc, char **argv, FILE *out, FILE *errout)
{
    store_run r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.errout = errout;
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_store_args_parse(&r.args, argc, argv, &why);
    int status;
    if (rc == CLI_USAGE) {
        cli_report(errout, "store", "%s", why.data ? why.data : "bad arguments");
        cli_help_hint(errout, "store");
        status = EX_USAGE;
    } else if (rc < 0) {
        status = EX_OSERR;
    } else if (r.args.help) {
        cli_help_store(out);
        status = EX_OK;
    } else {
        status = run(&r);
    }
    envoi_buf_free(&why);
    envoi_store_close(r.st);
    return status;
}
