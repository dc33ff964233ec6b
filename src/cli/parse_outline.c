/* "envoi parse": the readable outline of a message (see parse_outline.h). */
#include "cli/parse_outline.h"

#include <inttypes.h>
#include <string.h>

#include "cli/json_message.h"
#include "envoi/error.h"
#include "util/buf.h"

/* Append s with C0 controls and DEL escaped as \xNN: a subject must not be
 * able to move the cursor or retitle the terminal. */
static int append_safe(envoi_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        int rc = c < 0x20 || c == 0x7f ? envoi_buf_printf(b, "\\x%02x", c)
                                       : envoi_buf_append_char(b, (char)c);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int append_addresses(envoi_buf *b, const char *label, const envoi_message *msg,
                            envoi_field field)
{
    size_t n = envoi_message_address_count(msg, field);
    if (n == 0 && field != ENVOI_FIELD_FROM && field != ENVOI_FIELD_TO)
        return 0;
    int rc = envoi_buf_printf(b, "%s:", label);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *name = NULL;
        const char *addr = NULL;
        if (envoi_message_address_at(msg, field, i, &name, &addr) < 0)
            continue;
        rc = envoi_buf_append_str(b, i ? ", " : " ");
        if (rc == 0 && name && *name) {
            rc = append_safe(b, name);
            if (rc == 0)
                rc = envoi_buf_append_str(b, " <");
            if (rc == 0)
                rc = append_safe(b, addr);
            if (rc == 0)
                rc = envoi_buf_append_char(b, '>');
        } else if (rc == 0) {
            rc = append_safe(b, addr);
        }
    }
    return rc == 0 ? envoi_buf_append_char(b, '\n') : rc;
}

static int append_headers(envoi_buf *b, const envoi_message *msg)
{
    int rc = append_addresses(b, "From", msg, ENVOI_FIELD_FROM);
    if (rc == 0)
        rc = append_addresses(b, "To", msg, ENVOI_FIELD_TO);
    if (rc == 0)
        rc = append_addresses(b, "Cc", msg, ENVOI_FIELD_CC);
    if (rc == 0)
        rc = append_addresses(b, "Reply-To", msg, ENVOI_FIELD_REPLY_TO);
    if (rc == 0)
        rc = envoi_buf_append_str(b, "Subject: ");
    const char *subject = envoi_message_get_subject(msg);
    if (rc == 0)
        rc = subject ? append_safe(b, subject) : envoi_buf_append_str(b, "(none)");
    time_t t;
    char iso[21] = "";
    if (envoi_message_get_date(msg, &t) == 0)
        cli_iso8601_utc(t, iso);
    if (rc == 0)
        rc = envoi_buf_printf(b, "\nDate: %s\n", iso[0] ? iso : "(none)");
    return rc;
}

/* One line per part: section, type, charset, disposition, name, size. */
static int append_part_line(envoi_buf *b, const cli_message_view *v, const envoi_part *part,
                            unsigned depth)
{
    const char *path = envoi_part_path(part);
    const char *charset = envoi_part_charset(part);
    const char *disposition = envoi_part_disposition(part);
    const char *filename = envoi_part_filename(part);
    int rc = envoi_buf_printf(b, "%*s", (int)(2 + 2 * depth), "");
    if (rc == 0 && path && *path) {
        rc = append_safe(b, path);
        if (rc == 0)
            rc = envoi_buf_append_char(b, ' ');
    }
    if (rc == 0)
        rc = append_safe(b, envoi_part_content_type(part));
    if (rc == 0 && charset) {
        rc = envoi_buf_append_str(b, "; charset=");
        if (rc == 0)
            rc = append_safe(b, charset);
    }
    if (rc == 0 && disposition)
        rc = envoi_buf_printf(b, "  %s", disposition);
    if (rc == 0 && filename) {
        rc = envoi_buf_append_str(b, "  \"");
        if (rc == 0)
            rc = append_safe(b, filename);
        if (rc == 0)
            rc = envoi_buf_append_char(b, '"');
    }
    const cli_digest *d = cli_part_is_leaf(part) ? cli_view_digest(v, part) : NULL;
    if (rc == 0 && d)
        rc = envoi_buf_printf(b, "  %" PRIu64 " bytes", d->size);
    return rc == 0 ? envoi_buf_append_char(b, '\n') : rc;
}

static int append_tree(envoi_buf *b, const cli_message_view *v, const envoi_part *part,
                       unsigned depth)
{
    int rc = append_part_line(b, v, part, depth);
    size_t n = envoi_part_child_count(part);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = append_tree(b, v, envoi_part_child(part, i), depth + 1);
    return rc;
}

static int append_defect(envoi_buf *b, const char *name, const char *path, const char *detail)
{
    int rc = envoi_buf_append_str(b, "  ");
    if (rc == 0)
        rc = append_safe(b, name ? name : "unknown");
    if (rc == 0 && path && *path) {
        rc = envoi_buf_append_str(b, " (part ");
        if (rc == 0)
            rc = append_safe(b, path);
        if (rc == 0)
            rc = envoi_buf_append_char(b, ')');
    }
    if (rc == 0 && detail && *detail) {
        rc = envoi_buf_append_str(b, ": ");
        if (rc == 0)
            rc = append_safe(b, detail);
    }
    return rc == 0 ? envoi_buf_append_char(b, '\n') : rc;
}

static int append_defects(envoi_buf *b, const cli_message_view *v)
{
    size_t n = envoi_message_defect_count(v->msg);
    if (n + v->nnotes == 0)
        return 0;
    int rc = envoi_buf_append_str(b, "Defects:\n");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const envoi_defect *d = envoi_message_defect_at(v->msg, i);
        if (d)
            rc = append_defect(b, d->name, d->path, d->detail);
    }
    for (size_t i = 0; rc == 0 && i < v->nnotes; i++)
        rc = append_defect(b, v->notes[i].name, v->notes[i].path, v->notes[i].detail);
    return rc;
}

int cli_outline_print(FILE *out, const cli_message_view *v)
{
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = append_headers(&b, v->msg);
    const envoi_part *root = envoi_message_root(v->msg);
    if (rc == 0 && root) {
        rc = envoi_buf_append_str(&b, "Parts:\n");
        if (rc == 0)
            rc = append_tree(&b, v, root, 0);
    }
    if (rc == 0)
        rc = append_defects(&b, v);
    if (rc == 0 && fwrite(b.data, 1, b.len, out) != b.len)
        rc = ENVOI_EIO;
    envoi_buf_free(&b);
    return rc;
}
