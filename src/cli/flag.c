/* "envoi flag": SELECT the folder, pick the messages (UIDs, selection),
 * UID STORE +FLAGS / -FLAGS, and with --expunge UID EXPUNGE of those
 * messages. Flags the folder cannot keep and read-only folders are refused
 * before anything is changed. */
#include "cli/flag.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/imap_pick.h"
#include "cli/json_message.h"
#include "cli/mail_args.h"
#include "cli/mail_session.h"
#include "cli/report.h"

enum flag_id {
    OPT_ADD = CLI_OPT_EXTRA,
    OPT_REMOVE,
    OPT_EXPUNGE,
};

static const struct {
    const char *name;
    unsigned bit;
    const char *wire;
} system_flags[] = {
    {"seen", ENVOI_IMAP_SEEN, "\\Seen"},          {"answered", ENVOI_IMAP_ANSWERED, "\\Answered"},
    {"flagged", ENVOI_IMAP_FLAGGED, "\\Flagged"}, {"deleted", ENVOI_IMAP_DELETED, "\\Deleted"},
    {"draft", ENVOI_IMAP_DRAFT, "\\Draft"},
};
#define SYSTEM_COUNT (sizeof system_flags / sizeof system_flags[0])

typedef struct flag_change {
    bool given;
    unsigned flags;
    envoi_buf keywords; /* space separated */
} flag_change;

typedef struct flag_run {
    cli_mail_args args;
    cli_mail_session ms;
    cli_imap_pick pick;
    flag_change add, remove;
    bool expunge;
    uint32_t *uids;
    size_t count;
    FILE *out;
    FILE *errout;
} flag_run;

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

/* An IMAP atom: printable ASCII without space and atom-specials. */
static bool is_atom(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x21 || c > 0x7e || strchr("(){%*\"\\]", c))
            return false;
    }
    return true;
}

static int add_one(const char *option, const char *name, size_t n, unsigned *flags,
                   envoi_buf *keywords, envoi_buf *why)
{
    bool slash = n && name[0] == '\\';
    const char *bare = name + slash;
    size_t len = n - slash;
    for (size_t i = 0; i < SYSTEM_COUNT; i++)
        if (strlen(system_flags[i].name) == len &&
            strncasecmp(system_flags[i].name, bare, len) == 0) {
            *flags |= system_flags[i].bit;
            return 0;
        }
    if (len == 6 && strncasecmp(bare, "recent", 6) == 0)
        return usage(why, "--%s: \\Recent is set by the server, not by clients", option);
    if (slash)
        return usage(why,
                     "--%s: '%.*s' is not a system flag (seen, answered, flagged, deleted, "
                     "draft)",
                     option, (int)n, name);
    if (!is_atom(name, n))
        return usage(why,
                     "--%s: '%.*s' is not a valid keyword (printable ASCII without space, "
                     "quote, parenthesis, backslash, %%, * or ])",
                     option, (int)n, name);
    if ((keywords->len && envoi_buf_append(keywords, " ", 1) < 0) ||
        envoi_buf_append(keywords, name, n) < 0)
        return ENVOI_ENOMEM;
    return 0;
}

int cli_flag_parse_list(const char *option, const char *list, unsigned *flags, envoi_buf *keywords,
                        envoi_buf *why)
{
    const char *p = list;
    for (;;) {
        size_t n = strcspn(p, ",");
        const char *name = p;
        while (n && *name == ' ') {
            name++;
            n--;
        }
        while (n && name[n - 1] == ' ')
            n--;
        if (n == 0)
            return usage(why, "--%s: '%s' has an empty flag name", option, list);
        int rc = add_one(option, name, n, flags, keywords, why);
        if (rc != 0)
            return rc;
        p = name + n;
        p += strspn(p, " ");
        if (*p == '\0')
            return 0;
        p++; /* the comma */
    }
}

static int apply(void *ctx, int id, const char *value, envoi_buf *why)
{
    flag_run *r = ctx;
    if (cli_imap_pick_owns(id))
        return cli_imap_pick_apply(&r->pick, id, value, why);
    switch (id) {
    case OPT_ADD:
        r->add.given = true;
        return cli_flag_parse_list("add", value, &r->add.flags, &r->add.keywords, why);
    case OPT_REMOVE:
        r->remove.given = true;
        return cli_flag_parse_list("remove", value, &r->remove.flags, &r->remove.keywords, why);
    case OPT_EXPUNGE:
        r->expunge = true;
        return 0;
    default:
        return usage(why, "unknown option");
    }
}

/* Whether keyword word (n bytes) is in the space-separated list. */
static bool has_word(const envoi_buf *list, const char *word, size_t n)
{
    for (const char *p = list->data; p && *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && strncasecmp(p, word, n) == 0)
            return true;
        p += k;
        p += *p == ' ';
    }
    return false;
}

static int check_changes(flag_run *r, envoi_buf *why)
{
    if (!r->add.given && !r->remove.given)
        return usage(why, "%s", "nothing to change: give --add FLAGS and/or --remove FLAGS");
    if (r->add.flags & r->remove.flags)
        return usage(why, "%s", "a flag cannot be both added and removed");
    for (const char *p = r->add.keywords.data; p && *p;) {
        size_t k = strcspn(p, " ");
        if (has_word(&r->remove.keywords, p, k))
            return usage(why, "keyword '%.*s' cannot be both added and removed", (int)k, p);
        p += k;
        p += *p == ' ';
    }
    if (r->expunge && !(r->add.flags & ENVOI_IMAP_DELETED))
        return usage(why, "%s",
                     "--expunge removes the messages marked deleted: it needs "
                     "--add deleted");
    return 0;
}

/* The flags as IMAP names, keywords after the system flags. */
static json_t *names_json(const flag_change *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < SYSTEM_COUNT; i++)
        if (c->flags & system_flags[i].bit)
            json_array_append_new(arr, json_string(system_flags[i].wire));
    for (const char *p = c->keywords.data; arr && p && *p;) {
        size_t k = strcspn(p, " ");
        json_array_append_new(arr, json_stringn(p, k));
        p += k;
        p += *p == ' ';
    }
    return arr;
}

static int print_json(flag_run *r)
{
    json_t *o = json_pack("{s:o,s:o,s:o,s:o}", "folder", cli_json_str(r->args.folder), "uids",
                          cli_imap_pick_json_uids(r->uids, r->count), "added", names_json(&r->add),
                          "removed", names_json(&r->remove));
    if (!o)
        return ENVOI_ENOMEM;
    int rc = json_dumpf(o, r->out, JSON_COMPACT) < 0 || fputc('\n', r->out) == EOF ? ENVOI_EIO : 0;
    json_decref(o);
    return rc;
}

/* The system flags in mask as "\Seen \Draft". */
static void print_flag_names(FILE *out, unsigned mask)
{
    bool any = false;
    for (size_t i = 0; i < SYSTEM_COUNT; i++)
        if (mask & system_flags[i].bit) {
            fprintf(out, "%s%s", any ? " " : "", system_flags[i].wire);
            any = true;
        }
}

/* A read-only folder, or a flag it cannot keep: refused before changing. */
static int check_folder(flag_run *r)
{
    const envoi_imap_mailbox *mb = envoi_imap_selected(r->ms.imap);
    if (!mb || mb->read_only) {
        cli_report(r->errout, "flag",
                   "the folder %s is read-only on the server: no flag can be "
                   "changed",
                   r->args.folder);
        return EX_NOPERM;
    }
    unsigned wanted = r->add.flags | r->remove.flags;
    /* No PERMANENTFLAGS at all means every flag is kept (RFC 3501). */
    if (mb->permanentflags && (wanted & ~mb->permanentflags)) {
        fprintf(r->errout, "envoi: flag: the server does not keep ");
        print_flag_names(r->errout, wanted & ~mb->permanentflags);
        fprintf(r->errout, " in %s (not in its PERMANENTFLAGS)\n", r->args.folder);
        return EX_UNAVAILABLE;
    }
    if (r->expunge && !envoi_imap_has_capability(r->ms.imap, "UIDPLUS")) {
        cli_report(r->errout, "flag",
                   "--expunge: the server lacks UIDPLUS (UID EXPUNGE); a plain EXPUNGE would "
                   "also remove other messages marked deleted, so nothing was changed");
        return EX_UNAVAILABLE;
    }
    return 0;
}

static int store(flag_run *r, const flag_change *c, bool add)
{
    if (!c->flags && !c->keywords.len)
        return 0;
    return envoi_imap_store_flags(r->ms.imap, r->uids, r->count, add, c->flags,
                                  c->keywords.len ? c->keywords.data : NULL);
}

static void tell(flag_run *r)
{
    if (r->count == 0) {
        cli_report(r->errout, "flag", "no message matched in %s", r->args.folder);
        return;
    }
    if (!r->args.verbose)
        return;
    fprintf(r->errout, "envoi: flag: %zu message%s in %s changed%s\n", r->count,
            r->count == 1 ? "" : "s", r->args.folder, r->expunge ? " and expunged" : "");
}

static int run_flag(flag_run *r)
{
    envoi_imap *s = r->ms.imap;
    if (envoi_imap_select(s, r->args.folder, false) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    int status = check_folder(r);
    if (status != 0)
        return status;
    int rc = cli_imap_pick_run(&r->pick, s, &r->uids, &r->count);
    if (rc == 0 && r->count)
        rc = store(r, &r->remove, false);
    if (rc == 0 && r->count)
        rc = store(r, &r->add, true);
    if (rc == 0 && r->count && r->expunge)
        rc = envoi_imap_expunge(s, r->uids, r->count);
    if (rc == ENVOI_ENOMEM)
        return EX_OSERR;
    if (rc < 0)
        return cli_mail_session_fail_imap(&r->ms);
    rc = envoi_imap_logout(s);
    (void)rc; /* the work is done: a failed LOGOUT changes nothing */
    tell(r);
    if (r->args.json && print_json(r) < 0)
        return EX_IOERR;
    return fflush(r->out) == 0 ? EX_OK : EX_IOERR;
}

int cli_flag_main(int argc, char **argv, FILE *out, FILE *errout)
{
    flag_run r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.errout = errout;
    r.ms.command = "flag";
    r.ms.errout = errout;
    static const struct option own[] = {
        {"add", required_argument, NULL, OPT_ADD},
        {"remove", required_argument, NULL, OPT_REMOVE},
        {"expunge", no_argument, NULL, OPT_EXPUNGE},
    };
    struct option table[CLI_IMAP_PICK_TABLE];
    cli_imap_pick_table(own, sizeof own / sizeof own[0], true, table);
    cli_extra_options extra = {table, apply, &r};
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_mail_args_parse_imap(&r.args, false, &extra, argc, argv, &why);
    if (rc == 0 && !r.args.help)
        rc = check_changes(&r, &why);
    if (rc == 0 && !r.args.help)
        rc = cli_imap_pick_finish(&r.pick, r.args.operands, r.args.operand_count, &why);
    int status = cli_mail_session_start(&r.ms, &r.args, rc, &why, cli_help_flag, out);
    if (status == CLI_SESSION_RUN)
        status = run_flag(&r);
    envoi_buf_free(&why);
    cli_mail_session_close(&r.ms);
    cli_imap_pick_free(&r.pick);
    envoi_buf_free(&r.add.keywords);
    envoi_buf_free(&r.remove.keywords);
    free(r.uids);
    cli_mail_args_free(&r.args);
    return status;
}
