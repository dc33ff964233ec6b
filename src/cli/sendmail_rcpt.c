/* The recipients of "envoi sendmail -t": address lists of the header
 * fields split at commas outside quotes, angle brackets and comments, with
 * groups ("Team: a@x, b@y;") opened and comments dropped. */
#include "cli/sendmail_msg.h"

#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "mime/address.h"

/* Copy value without its comments, each list item ended by a NUL: at the
 * commas outside quotes and angle brackets, and at the ';' ending a group
 * (whose name is dropped with its ':'). *size is the length used. */
static char *flatten(const char *value, size_t *size)
{
    char *out = malloc(strlen(value) + 1);
    if (!out)
        return NULL;
    size_t n = 0, item = 0; /* item: where the current list item began in out */
    int paren = 0, angle = 0;
    bool quoted = false;
    for (const char *p = value; *p; p++) {
        char c = *p;
        if (paren > 0) {
            if (c == '\\' && p[1])
                p++;
            else if (c == '(')
                paren++;
            else if (c == ')')
                paren--;
            continue;
        }
        if (quoted && c == '\\' && p[1]) {
            out[n++] = c;
            out[n++] = *++p;
            continue;
        }
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == '(') {
            paren = 1;
            out[n++] = ' ';
            continue;
        } else if (!quoted && c == '<')
            angle++;
        else if (!quoted && c == '>' && angle > 0)
            angle--;
        else if (!quoted && angle == 0 && c == ':') {
            n = item; /* the group's name goes */
            continue;
        } else if (!quoted && angle == 0 && (c == ';' || c == ','))
            c = '\0';
        out[n++] = c;
        if (c == '\0')
            item = n;
    }
    out[n] = '\0';
    *size = n + 1;
    return out;
}

static int bad_address(envoi_buf *why, const char *item)
{
    return envoi_buf_printf(why, "'%s' in the header is not an address", item) < 0 ? ENVOI_ENOMEM
                                                                                   : ENVOI_EADDRESS;
}

/* Parse each NUL-ended item of list and append its addr-spec. */
static int add_items(char *list, size_t size, cli_strlist *out, envoi_buf *why)
{
    for (char *next, *item = list; item < list + size; item = next) {
        next = item + strlen(item) + 1;
        item += strspn(item, " \t");
        size_t len = strlen(item);
        while (len > 0 && (item[len - 1] == ' ' || item[len - 1] == '\t'))
            item[--len] = '\0';
        if (len == 0)
            continue;
        envoi_mailbox mb = {0};
        int rc = envoi_mailbox_parse(item, &mb);
        if (rc == 0)
            rc = cli_sendmail_strlist_add(out, mb.addr);
        else if (rc != ENVOI_ENOMEM)
            rc = bad_address(why, item);
        envoi_mailbox_clear(&mb);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int cli_sendmail_header_recipients(const cli_sendmail_msg *m, cli_strlist *out, envoi_buf *why)
{
    cli_strlist values = {0};
    int rc = cli_sendmail_recipient_values(m, &values);
    for (size_t i = 0; rc == 0 && i < values.count; i++) {
        size_t size = 0;
        char *flat = flatten(values.items[i], &size);
        rc = flat ? add_items(flat, size, out, why) : ENVOI_ENOMEM;
        free(flat);
    }
    for (size_t i = 0; i < values.count; i++)
        free(values.items[i]);
    free(values.items);
    return rc;
}
