/* Reading the message of "envoi sendmail", indexing its header fields and
 * writing it out as it is sent: Bcc gone, From, Date and Message-ID added
 * when missing (as a submission server adds them). */
#include "cli/sendmail_msg.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "envoi/error.h"
#include "mime/address.h"
#include "mime/header_write.h"
#include "mime/messageid.h"
#include "util/time.h"

int cli_sendmail_strlist_add(cli_strlist *l, const char *s)
{
    char **grown = realloc(l->items, (l->count + 1) * sizeof *grown);
    if (!grown)
        return ENVOI_ENOMEM;
    l->items = grown;
    if (!(l->items[l->count] = strdup(s)))
        return ENVOI_ENOMEM;
    l->count++;
    return 0;
}

int cli_sendmail_read(FILE *in, bool ignore_dots, cli_sendmail_msg *m)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, in)) > 0) {
        size_t len = (size_t)n;
        if (line[len - 1] == '\n')
            len--;
        if (len > 0 && line[len - 1] == '\r')
            len--;
        if (!ignore_dots && len == 1 && line[0] == '.')
            break;
        rc = envoi_buf_append(&m->in, line, len);
        if (rc == 0)
            rc = envoi_buf_append(&m->in, "\r\n", 2);
    }
    if (rc == 0 && ferror(in))
        rc = ENVOI_EIO;
    free(line);
    return rc;
}

/* The end of the line starting at pos (after its CRLF). */
static size_t line_end(const envoi_buf *b, size_t pos)
{
    const char *nl = memchr(b->data + pos, '\n', b->len - pos);
    return nl ? (size_t)(nl - b->data) + 1 : b->len;
}

/* The length of the field name when the line is "Name:", else 0. */
static size_t field_name(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len && p[i] > ' ' && p[i] < 127 && p[i] != ':')
        i++;
    return i > 0 && i < len && p[i] == ':' ? i : 0;
}

static int add_field(cli_sendmail_msg *m, size_t start, size_t end, size_t name_len)
{
    cli_sendmail_field *grown = realloc(m->fields, (m->nfields + 1) * sizeof *grown);
    if (!grown)
        return ENVOI_ENOMEM;
    m->fields = grown;
    m->fields[m->nfields++] = (cli_sendmail_field){start, end, name_len};
    return 0;
}

static bool is_field(const cli_sendmail_msg *m, const cli_sendmail_field *f, const char *name)
{
    return f->name_len == strlen(name) &&
           strncasecmp(m->in.data + f->start, name, f->name_len) == 0;
}

/* The field's value, unfolded, as a new string. */
static char *field_value(const cli_sendmail_msg *m, const cli_sendmail_field *f)
{
    const char *p = m->in.data + f->start + f->name_len + 1;
    const char *end = m->in.data + f->end;
    char *v = malloc((size_t)(end - p) + 1);
    if (!v)
        return NULL;
    size_t n = 0;
    for (; p < end; p++)
        if (*p != '\r' && *p != '\n')
            v[n++] = *p;
    v[n] = '\0';
    return v;
}

/* From's address when it holds one (not several authors, not a group). */
static int note_from(cli_sendmail_msg *m, const cli_sendmail_field *f)
{
    char *value = field_value(m, f);
    if (!value)
        return ENVOI_ENOMEM;
    envoi_mailbox mb = {0};
    int rc = envoi_mailbox_parse(value, &mb);
    if (rc == 0) {
        m->from_addr = mb.addr;
        mb.addr = NULL;
    } else if (rc != ENVOI_ENOMEM) {
        rc = 0;
    }
    envoi_mailbox_clear(&mb);
    free(value);
    return rc;
}

int cli_sendmail_index(cli_sendmail_msg *m)
{
    size_t pos = 0;
    const envoi_buf *b = &m->in;
    if (b->len >= 5 && memcmp(b->data, "From ", 5) == 0) /* an mbox separator */
        pos = line_end(b, 0);
    while (pos < b->len) {
        size_t end = line_end(b, pos);
        const char *p = b->data + pos;
        if (p[0] == '\r' && end - pos == 2) { /* the empty line */
            pos = end;
            break;
        }
        size_t name_len = field_name(p, end - pos);
        if (name_len == 0)
            break; /* the body starts without an empty line */
        while (end < b->len && (b->data[end] == ' ' || b->data[end] == '\t'))
            end = line_end(b, end);
        if (add_field(m, pos, end, name_len) < 0)
            return ENVOI_ENOMEM;
        pos = end;
    }
    m->body = pos;
    for (size_t i = 0; i < m->nfields; i++)
        if (is_field(m, &m->fields[i], "From"))
            return note_from(m, &m->fields[i]);
    return 0;
}

static bool has_field(const cli_sendmail_msg *m, const char *name)
{
    for (size_t i = 0; i < m->nfields; i++)
        if (is_field(m, &m->fields[i], name))
            return true;
    return false;
}

/* The values of the fields named in names (a NULL-ended list), unfolded. */
static int collect_values(const cli_sendmail_msg *m, const char *const *names, cli_strlist *out)
{
    for (size_t i = 0; i < m->nfields; i++)
        for (const char *const *n = names; *n; n++)
            if (is_field(m, &m->fields[i], *n)) {
                char *v = field_value(m, &m->fields[i]);
                int rc = v ? cli_sendmail_strlist_add(out, v) : ENVOI_ENOMEM;
                free(v);
                if (rc < 0)
                    return rc;
            }
    return 0;
}

int cli_sendmail_recipient_values(const cli_sendmail_msg *m, cli_strlist *values)
{
    static const char *const resent[] = {"Resent-To", "Resent-Cc", "Resent-Bcc", NULL};
    static const char *const plain[] = {"To", "Cc", "Bcc", NULL};
    bool any_resent =
        has_field(m, "Resent-To") || has_field(m, "Resent-Cc") || has_field(m, "Resent-Bcc");
    return collect_values(m, any_resent ? resent : plain, values);
}

static int add_date(envoi_buf *out)
{
    char date[ENVOI_RFC5322_DATE_SIZE];
    if (envoi_time_rfc5322(time(NULL), date, sizeof date) < 0)
        return ENVOI_EINVAL;
    return envoi_buf_printf(out, "Date: %s\r\n", date);
}

static int add_message_id(envoi_buf *out)
{
    char *id = NULL;
    int rc = mime_messageid_generate(&id);
    if (rc == 0)
        rc = envoi_buf_printf(out, "Message-ID: <%s>\r\n", id);
    free(id);
    return rc;
}

static int add_from(envoi_buf *out, const char *name, const char *addr)
{
    mime_hdr h;
    mime_hdr_begin(&h, out, "From");
    mime_hdr_mailbox(&h, name && *name ? name : NULL, addr, "");
    return mime_hdr_end(&h);
}

int cli_sendmail_write(const cli_sendmail_msg *m, const char *from_name, const char *from_addr,
                       envoi_buf *out)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < m->nfields; i++) {
        const cli_sendmail_field *f = &m->fields[i];
        if (is_field(m, f, "Bcc") || is_field(m, f, "Resent-Bcc"))
            continue;
        rc = envoi_buf_append(out, m->in.data + f->start, f->end - f->start);
    }
    if (rc == 0 && !has_field(m, "From"))
        rc = add_from(out, from_name, from_addr);
    if (rc == 0 && !has_field(m, "Date"))
        rc = add_date(out);
    if (rc == 0 && !has_field(m, "Message-ID"))
        rc = add_message_id(out);
    if (rc == 0)
        rc = envoi_buf_append(out, "\r\n", 2);
    if (rc == 0 && m->body < m->in.len)
        rc = envoi_buf_append(out, m->in.data + m->body, m->in.len - m->body);
    return rc;
}

void cli_sendmail_msg_free(cli_sendmail_msg *m)
{
    envoi_buf_free(&m->in);
    free(m->fields);
    free(m->from_addr);
    m->fields = NULL;
    m->from_addr = NULL;
}
