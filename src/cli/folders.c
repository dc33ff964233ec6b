/* "envoi folders": the action and its folder names from the arguments, run
 * over one IMAP session; "list" prints each folder (LIST, and STATUS with
 * --status) as a tab separated line or a JSON object. */
#include "cli/folders.h"

#include <jansson.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/json_message.h"
#include "cli/mail_args.h"
#include "cli/mail_session.h"
#include "cli/report.h"
#include "util/buf.h"

typedef enum folders_action {
    ACTION_LIST,
    ACTION_CREATE,
    ACTION_DELETE,
    ACTION_RENAME,
    ACTION_SUBSCRIBE,
    ACTION_UNSUBSCRIBE,
} folders_action;

static const struct {
    const char *name;
    folders_action action;
    size_t names; /* folder names the action takes */
} actions[] = {
    {"list", ACTION_LIST, 0},           {"create", ACTION_CREATE, 1},
    {"delete", ACTION_DELETE, 1},       {"rename", ACTION_RENAME, 2},
    {"subscribe", ACTION_SUBSCRIBE, 1}, {"unsubscribe", ACTION_UNSUBSCRIBE, 1},
};
#define ACTION_COUNT (sizeof actions / sizeof actions[0])

/* Folder attributes as IMAP writes them. */
static const struct {
    int attr;
    const char *word;
    bool special; /* RFC 6154 special use */
} attr_words[] = {
    {ENVOI_IMAP_NOSELECT, "\\Noselect", false},
    {ENVOI_IMAP_NOINFERIORS, "\\Noinferiors", false},
    {ENVOI_IMAP_HASCHILDREN, "\\HasChildren", false},
    {ENVOI_IMAP_HASNOCHILDREN, "\\HasNoChildren", false},
    {ENVOI_IMAP_MARKED, "\\Marked", false},
    {ENVOI_IMAP_UNMARKED, "\\Unmarked", false},
    {ENVOI_IMAP_SUBSCRIBED, "\\Subscribed", false},
    {ENVOI_IMAP_NONEXISTENT, "\\NonExistent", false},
    {ENVOI_IMAP_SENT, "\\Sent", true},
    {ENVOI_IMAP_TRASH, "\\Trash", true},
    {ENVOI_IMAP_DRAFTS, "\\Drafts", true},
    {ENVOI_IMAP_JUNK, "\\Junk", true},
    {ENVOI_IMAP_ARCHIVE, "\\Archive", true},
    {ENVOI_IMAP_ALL, "\\All", true},
    {ENVOI_IMAP_FLAGGED_FOLDER, "\\Flagged", true},
};
#define ATTR_COUNT (sizeof attr_words / sizeof attr_words[0])

typedef struct folders_run {
    cli_mail_args args;
    cli_mail_session ms;
    folders_action action;
    FILE *out;
    FILE *errout;
} folders_run;

/* The action and the count of its names; the reason in why when wrong. */
static int pick_action(folders_run *r, envoi_buf *why)
{
    const cli_mail_args *a = &r->args;
    if (a->operand_count == 0)
        return envoi_buf_printf(why, "%s",
                                "no action: list, create, delete, rename, subscribe or "
                                "unsubscribe") < 0
                   ? ENVOI_ENOMEM
                   : CLI_USAGE;
    const char *name = a->operands[0];
    for (size_t i = 0; i < ACTION_COUNT; i++) {
        if (strcmp(actions[i].name, name) != 0)
            continue;
        r->action = actions[i].action;
        size_t given = a->operand_count - 1;
        int rc = 0;
        if (given != actions[i].names)
            rc = envoi_buf_printf(why, "%s takes %s, not %zu argument%s", name,
                                  actions[i].names == 0   ? "no folder name"
                                  : actions[i].names == 1 ? "one folder name"
                                                          : "two folder names (OLD NEW)",
                                  given, given == 1 ? "" : "s");
        else if (r->action != ACTION_LIST && (a->json || a->status))
            rc = envoi_buf_printf(why, "--json and --status go with 'folders list', not %s", name);
        for (size_t k = 1; rc == 0 && k < a->operand_count; k++)
            if (a->operands[k][0] == '\0')
                rc = envoi_buf_printf(why, "%s", "a folder name cannot be empty");
        if (rc < 0)
            return ENVOI_ENOMEM;
        return why->len ? CLI_USAGE : 0;
    }
    return envoi_buf_printf(why,
                            "no action '%s' (list, create, delete, rename, subscribe, "
                            "unsubscribe)",
                            name) < 0
               ? ENVOI_ENOMEM
               : CLI_USAGE;
}

/* The attributes as "\HasNoChildren \Sent" ("-" when none). */
static void print_attrs(FILE *out, int attrs)
{
    bool any = false;
    for (size_t i = 0; i < ATTR_COUNT; i++) {
        if (!(attrs & attr_words[i].attr))
            continue;
        fprintf(out, "%s%s", any ? " " : "", attr_words[i].word);
        any = true;
    }
    if (!any)
        fputc('-', out);
}

static json_t *attr_array(int attrs, bool special_only)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < ATTR_COUNT; i++)
        if ((attrs & attr_words[i].attr) && (!special_only || attr_words[i].special))
            json_array_append_new(arr, json_string(attr_words[i].word));
    return arr;
}

static json_t *folder_json(const envoi_imap_folder *f, const envoi_imap_status *st)
{
    char delim[2] = {f->delimiter, '\0'};
    json_t *o = json_pack(
        "{s:o,s:o,s:o*,s:o,s:o,s:b}", "name", cli_json_str(f->name), "wire", cli_json_str(f->wire),
        "delimiter", f->delimiter ? json_string(delim) : json_null(), "attributes",
        attr_array(f->attrs, false), "special_use", attr_array(f->attrs, true), "selectable",
        !(f->attrs & (ENVOI_IMAP_NOSELECT | ENVOI_IMAP_NONEXISTENT)));
    if (o && st) {
        json_object_set_new(o, "messages", json_integer((json_int_t)st->messages));
        json_object_set_new(o, "unseen", json_integer((json_int_t)st->unseen));
    }
    return o;
}

static int print_folder(folders_run *r, const envoi_imap_folder *f, const envoi_imap_status *st,
                        bool with_status)
{
    if (r->args.json) {
        json_t *o = folder_json(f, st);
        if (!o)
            return ENVOI_ENOMEM;
        if (with_status && !st) { /* \Noselect: nothing to count */
            json_object_set_new(o, "messages", json_null());
            json_object_set_new(o, "unseen", json_null());
        }
        int rc =
            json_dumpf(o, r->out, JSON_COMPACT) < 0 || fputc('\n', r->out) == EOF ? ENVOI_EIO : 0;
        json_decref(o);
        return rc;
    }
    fprintf(r->out, "%s\t%c\t", f->name, f->delimiter ? f->delimiter : '-');
    print_attrs(r->out, f->attrs);
    if (st)
        fprintf(r->out, "\t%u\t%u", (unsigned)st->messages, (unsigned)st->unseen);
    else if (with_status)
        fputs("\t-\t-", r->out);
    fputc('\n', r->out);
    return 0;
}

static int list_folders(folders_run *r)
{
    envoi_imap *s = r->ms.imap;
    const envoi_imap_folder *folders;
    size_t count;
    if (envoi_imap_list(s, &folders, &count) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    for (size_t i = 0; i < count; i++) {
        const envoi_imap_folder *f = &folders[i];
        envoi_imap_status st;
        bool counted = false;
        if (r->args.status && !(f->attrs & (ENVOI_IMAP_NOSELECT | ENVOI_IMAP_NONEXISTENT))) {
            if (envoi_imap_status_of(s, f->name, &st) < 0)
                return cli_mail_session_fail_imap(&r->ms);
            counted = true;
        }
        if (print_folder(r, f, counted ? &st : NULL, r->args.status) < 0)
            return EX_IOERR;
    }
    return 0;
}

static int run_action(folders_run *r)
{
    envoi_imap *s = r->ms.imap;
    char **names = r->args.operands + 1;
    int rc;
    switch (r->action) {
    case ACTION_LIST:
        rc = list_folders(r);
        if (rc != 0)
            return rc;
        break;
    case ACTION_CREATE:
        rc = envoi_imap_create(s, names[0]);
        break;
    case ACTION_DELETE:
        rc = envoi_imap_delete(s, names[0]);
        break;
    case ACTION_RENAME:
        rc = envoi_imap_rename(s, names[0], names[1]);
        break;
    case ACTION_SUBSCRIBE:
        rc = envoi_imap_subscribe(s, names[0]);
        break;
    default:
        rc = envoi_imap_unsubscribe(s, names[0]);
        break;
    }
    if (rc < 0)
        return cli_mail_session_fail_imap(&r->ms);
    rc = envoi_imap_logout(s);
    (void)rc; /* the work is done: a failed LOGOUT changes nothing */
    return fflush(r->out) == 0 ? EX_OK : EX_IOERR;
}

int cli_folders_main(int argc, char **argv, FILE *out, FILE *errout)
{
    folders_run r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.errout = errout;
    r.ms.command = "folders";
    r.ms.errout = errout;
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_mail_args_parse_folders(&r.args, argc, argv, &why);
    if (rc == 0 && !r.args.help)
        rc = pick_action(&r, &why);
    int status = cli_mail_session_start(&r.ms, &r.args, rc, &why, cli_help_folders, out);
    if (status == CLI_SESSION_RUN)
        status = run_action(&r);
    envoi_buf_free(&why);
    cli_mail_session_close(&r.ms);
    cli_mail_args_free(&r.args);
    return status;
}
