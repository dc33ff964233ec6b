/* "envoi move": SELECT the folder (EXAMINE with --copy), pick the messages
 * (UIDs, selection), then UID MOVE (the library falls back to COPY, STORE
 * \Deleted and EXPUNGE without MOVE) or UID COPY. A missing destination is
 * the server's refusal, with a hint to create it. */
#include "cli/move.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/imap_pick.h"
#include "cli/json_message.h"
#include "cli/mail_args.h"
#include "cli/mail_session.h"
#include "cli/report.h"

enum move_id {
    OPT_TO = CLI_OPT_EXTRA,
    OPT_COPY,
};

typedef struct move_run {
    cli_mail_args args;
    cli_mail_session ms;
    cli_imap_pick pick;
    const char *to; /* the destination folder, UTF-8 */
    bool copy;
    uint32_t *uids;
    size_t count;
    FILE *out;
    FILE *errout;
} move_run;

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

static int apply(void *ctx, int id, const char *value, envoi_buf *why)
{
    move_run *r = ctx;
    if (cli_imap_pick_owns(id))
        return cli_imap_pick_apply(&r->pick, id, value, why);
    switch (id) {
    case OPT_TO:
        if (!*value)
            return usage(why, "%s", "--to needs a folder name");
        r->to = value;
        return 0;
    case OPT_COPY:
        r->copy = true;
        return 0;
    default:
        return usage(why, "unknown option");
    }
}

static int print_json(move_run *r)
{
    json_t *o = json_pack("{s:o,s:o,s:o,s:b}", "folder", cli_json_str(r->args.folder), "to",
                          cli_json_str(r->to), "uids", cli_imap_pick_json_uids(r->uids, r->count),
                          "copied", r->copy);
    if (!o)
        return ENVOI_ENOMEM;
    int rc = json_dumpf(o, r->out, JSON_COMPACT) < 0 || fputc('\n', r->out) == EOF ? ENVOI_EIO : 0;
    json_decref(o);
    return rc;
}

/* The server's refusal; when the destination is missing, how to make it. */
static int refused(move_run *r)
{
    int status = cli_mail_session_fail_imap(&r->ms);
    const envoi_error *err = &r->ms.err;
    if (strcmp(err->enhanced, "TRYCREATE") == 0 || strcmp(err->enhanced, "NONEXISTENT") == 0)
        cli_report(r->errout, "move",
                   "the folder %s does not exist: create it with envoi folders "
                   "create",
                   r->to);
    return status;
}

static void tell(move_run *r)
{
    if (r->count == 0)
        cli_report(r->errout, "move", "no message matched in %s", r->args.folder);
    else if (r->args.verbose)
        fprintf(r->errout, "envoi: move: %zu message%s %s from %s to %s\n", r->count,
                r->count == 1 ? "" : "s", r->copy ? "copied" : "moved", r->args.folder, r->to);
}

static int run_move(move_run *r)
{
    envoi_imap *s = r->ms.imap;
    if (envoi_imap_select(s, r->args.folder, r->copy) < 0)
        return cli_mail_session_fail_imap(&r->ms);
    const envoi_imap_mailbox *mb = envoi_imap_selected(s);
    if (!r->copy && (!mb || mb->read_only)) {
        cli_report(r->errout, "move",
                   "the folder %s is read-only on the server: messages can be copied out of it "
                   "(--copy), not moved",
                   r->args.folder);
        return EX_NOPERM;
    }
    int rc = cli_imap_pick_run(&r->pick, s, &r->uids, &r->count);
    if (rc == 0 && r->count)
        rc = r->copy ? envoi_imap_copy(s, r->uids, r->count, r->to)
                     : envoi_imap_move(s, r->uids, r->count, r->to);
    if (rc == ENVOI_ENOMEM)
        return EX_OSERR;
    if (rc < 0)
        return refused(r);
    rc = envoi_imap_logout(s);
    (void)rc; /* the work is done: a failed LOGOUT changes nothing */
    tell(r);
    if (r->args.json && print_json(r) < 0)
        return EX_IOERR;
    return fflush(r->out) == 0 ? EX_OK : EX_IOERR;
}

int cli_move_main(int argc, char **argv, FILE *out, FILE *errout)
{
    move_run r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.errout = errout;
    r.ms.command = "move";
    r.ms.errout = errout;
    static const struct option own[] = {
        {"to", required_argument, NULL, OPT_TO},
        {"copy", no_argument, NULL, OPT_COPY},
    };
    struct option table[CLI_IMAP_PICK_TABLE];
    cli_imap_pick_table(own, sizeof own / sizeof own[0], false, table);
    cli_extra_options extra = {table, apply, &r};
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_mail_args_parse_imap(&r.args, false, &extra, argc, argv, &why);
    if (rc == 0 && !r.args.help && !r.to)
        rc = usage(&why, "%s", "no destination: give --to FOLDER");
    if (rc == 0 && !r.args.help)
        rc = cli_imap_pick_finish(&r.pick, r.args.operands, r.args.operand_count, &why);
    int status = cli_mail_session_start(&r.ms, &r.args, rc, &why, cli_help_move, out);
    if (status == CLI_SESSION_RUN)
        status = run_move(&r);
    envoi_buf_free(&why);
    cli_mail_session_close(&r.ms);
    cli_imap_pick_free(&r.pick);
    free(r.uids);
    cli_mail_args_free(&r.args);
    return status;
}
