/* "envoi list": LIST and UIDL, then the header block of every message
 * (TOP n 0, pipelined), parsed and printed as a table or JSON Lines; IMAP
 * folders are listed by list_imap.c. */
#include "cli/list.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/json_message.h"
#include "cli/list_imap.h"
#include "cli/mail_args.h"
#include "cli/mail_session.h"
#include "cli/report.h"
#include "envoi/parse.h"
#include "util/buf.h"

typedef struct list_run {
    cli_mail_args args;
    cli_mail_session ms;
    const envoi_pop3_entry *entries;
    size_t count;
    envoi_buf header; /* the header block being received */
    unsigned number;
    size_t size;
    const char *uidl;
    FILE *out;
} list_run;

static int on_begin(void *ctx, unsigned number, const char *uidl, size_t size)
{
    list_run *r = ctx;
    envoi_buf_clear(&r->header);
    r->number = number;
    r->uidl = uidl;
    r->size = size;
    return 0;
}

static int on_data(void *ctx, const void *data, size_t len)
{
    list_run *r = ctx;
    return envoi_buf_append(&r->header, data, len) < 0 ? ENVOI_ENOMEM : 0;
}

/* The From addresses as "Name <addr>, ..." text. */
static void print_from(FILE *out, const envoi_message *msg)
{
    size_t n = envoi_message_address_count(msg, ENVOI_FIELD_FROM);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL, *addr = NULL;
        if (envoi_message_address_at(msg, ENVOI_FIELD_FROM, i, &name, &addr) < 0)
            continue;
        fputs(i ? ", " : "", out);
        if (name && *name)
            fprintf(out, "%s <%s>", name, addr ? addr : "");
        else
            fputs(addr ? addr : "", out);
    }
}

static json_t *from_array(const envoi_message *msg)
{
    json_t *arr = json_array();
    size_t n = envoi_message_address_count(msg, ENVOI_FIELD_FROM);
    for (size_t i = 0; arr && i < n; i++) {
        const char *name = NULL, *addr = NULL;
        if (envoi_message_address_at(msg, ENVOI_FIELD_FROM, i, &name, &addr) < 0)
            continue;
        json_array_append_new(arr, json_pack("{s:o,s:o}", "name", cli_json_str(name), "address",
                                             cli_json_str(addr ? addr : "")));
    }
    return arr;
}

static int print_json(list_run *r, const envoi_message *msg)
{
    char date[21] = "";
    time_t t;
    bool dated = envoi_message_get_date(msg, &t) == 0;
    if (dated)
        cli_iso8601_utc(t, date);
    json_t *o = json_pack("{s:I,s:o,s:I,s:o,s:o,s:o,s:o}", "number", (json_int_t)r->number, "uidl",
                          cli_json_str(r->uidl), "size", (json_int_t)r->size, "from",
                          from_array(msg), "subject", cli_json_str(envoi_message_get_subject(msg)),
                          "date", dated ? json_string(date) : json_null(), "message_id",
                          cli_json_str(envoi_message_get_message_id(msg)));
    if (!o)
        return ENVOI_ENOMEM;
    int rc = json_dumpf(o, r->out, JSON_COMPACT) < 0 || fputc('\n', r->out) == EOF ? ENVOI_EIO : 0;
    json_decref(o);
    return rc;
}

static void print_text(list_run *r, const envoi_message *msg)
{
    char date[21] = "-";
    time_t t;
    if (envoi_message_get_date(msg, &t) == 0)
        cli_iso8601_utc(t, date);
    const char *subject = envoi_message_get_subject(msg);
    fprintf(r->out, "%u\t%s\t%zu\t%s\t", r->number, *r->uidl ? r->uidl : "-", r->size, date);
    print_from(r->out, msg);
    fprintf(r->out, "\t%s\n", subject ? subject : "");
}

static int on_end(void *ctx, unsigned number, int status)
{
    list_run *r = ctx;
    (void)number;
    if (status != 0)
        return 0; /* a message the server refused: left out, reported at the end */
    envoi_message *msg = NULL;
    int rc = envoi_message_parse(r->header.data ? r->header.data : "", r->header.len, &msg);
    if (rc < 0)
        return rc;
    rc = 0;
    if (r->args.json)
        rc = print_json(r, msg);
    else
        print_text(r, msg);
    envoi_message_free(msg);
    return rc;
}

static int list_all(list_run *r)
{
    envoi_pop3 *s = r->ms.pop3;
    if (envoi_pop3_list(s, &r->entries, &r->count) < 0)
        return cli_mail_session_fail_pop3(&r->ms);
    unsigned *numbers = calloc(r->count ? r->count : 1, sizeof *numbers);
    if (!numbers)
        return EX_OSERR;
    for (size_t i = 0; i < r->count; i++)
        numbers[i] = r->entries[i].number;
    const envoi_pop3_retrieve_cb cb = {on_begin, on_data, on_end};
    int rc = envoi_pop3_retrieve_many(s, numbers, r->count, ENVOI_POP3_HEADERS, &cb, r);
    free(numbers);
    if (rc < 0)
        return cli_mail_session_fail_pop3(&r->ms);
    envoi_pop3_quit(s);
    return fflush(r->out) == 0 ? EX_OK : EX_IOERR;
}

int cli_list_main(int argc, char **argv, FILE *out, FILE *errout)
{
    list_run r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.ms.command = "list";
    r.ms.errout = errout;
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_mail_args_parse(&r.args, false, argc, argv, &why);
    int status = cli_mail_session_start(&r.ms, &r.args, rc, &why, cli_help_list, out);
    if (status == CLI_SESSION_RUN)
        status = r.ms.imap ? cli_list_imap(&r.ms, &r.args, out) : list_all(&r);
    envoi_buf_free(&why);
    envoi_buf_free(&r.header);
    cli_mail_session_close(&r.ms);
    cli_mail_args_free(&r.args);
    return status;
}
