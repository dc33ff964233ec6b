/* "envoi list --protocol imap": EXAMINE the folder, one pipelined listing
 * of UID, RFC822.SIZE, flags and ENVELOPE, printed as a table or JSON. */
#include "cli/list_imap.h"

#include <jansson.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "cli/json_message.h"
#include "mime/decode.h"

/* The Date field as "YYYY-MM-DDTHH:MM:SSZ"; false when it has none that
 * can be read. */
static bool format_date(const envoi_imap_entry *e, char out[21])
{
    time_t t;
    if (!e->date || !*e->date || mime_date_parse(e->date, strlen(e->date), &t) != 0)
        return false;
    cli_iso8601_utc(t, out);
    return true;
}

/* "Name <addr>" or "addr" as the {name, address} of envoi list --json. */
static json_t *from_array(const char *from)
{
    json_t *arr = json_array();
    if (!arr || !from || !*from)
        return arr;
    size_t len = strlen(from);
    const char *open = strrchr(from, '<');
    json_t *name, *addr;
    if (open && from[len - 1] == '>') {
        size_t name_len = (size_t)(open - from);
        while (name_len && from[name_len - 1] == ' ')
            name_len--;
        name = json_stringn(from, name_len);
        addr = json_stringn(open + 1, len - (size_t)(open - from) - 2);
    } else {
        name = json_string("");
        addr = json_string(from);
    }
    json_array_append_new(arr, json_pack("{s:o*,s:o*}", "name", name, "address", addr));
    return arr;
}

static int print_json(FILE *out, const envoi_imap_entry *e)
{
    char date[21] = "";
    bool dated = format_date(e, date);
    json_t *o = json_pack("{s:I,s:I,s:b,s:o,s:o,s:o,s:o}", "uid", (json_int_t)e->uid, "size",
                          (json_int_t)e->size, "seen", (e->flags & ENVOI_IMAP_SEEN) != 0, "from",
                          from_array(e->from), "subject", cli_json_str(e->subject), "date",
                          dated ? json_string(date) : json_null(), "message_id",
                          cli_json_str(e->message_id));
    if (!o)
        return ENVOI_ENOMEM;
    int rc = json_dumpf(o, out, JSON_COMPACT) < 0 || fputc('\n', out) == EOF ? ENVOI_EIO : 0;
    json_decref(o);
    return rc;
}

static void print_text(FILE *out, const envoi_imap_entry *e)
{
    char date[21] = "-";
    format_date(e, date);
    fprintf(out, "%u\t%llu\t%s\t%s\t%s\n", (unsigned)e->uid, (unsigned long long)e->size, date,
            e->from ? e->from : "", e->subject ? e->subject : "");
}

int cli_list_imap_print(FILE *out, const envoi_imap_entry *e, bool json)
{
    if (json)
        return print_json(out, e);
    print_text(out, e);
    return 0;
}

int cli_list_imap(cli_mail_session *m, const cli_mail_args *a, FILE *out)
{
    envoi_imap *s = m->imap;
    const envoi_imap_entry *entries;
    size_t count;
    if (envoi_imap_select(s, a->folder, true) < 0 ||
        envoi_imap_list_messages(s, NULL, 0, &entries, &count) < 0)
        return cli_mail_session_fail_imap(m);
    for (size_t i = 0; i < count; i++) {
        if (!a->json)
            print_text(out, &entries[i]);
        else if (print_json(out, &entries[i]) < 0)
            return EX_IOERR;
    }
    int rc = envoi_imap_logout(s);
    (void)rc; /* everything was listed: a failed LOGOUT changes nothing */
    return fflush(out) == 0 ? EX_OK : EX_IOERR;
}
