/* Building the message from "envoi send" options; each library refusal is
 * reported with the option and value that caused it. */
#include "cli/compose.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

int cli_read_file(const char *path, envoi_buf *out, envoi_error *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return envoi_err_set(err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
    char chunk[8192];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (envoi_buf_append(out, chunk, n) < 0) {
            rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
            break;
        }
    if (rc == 0 && ferror(f))
        rc = envoi_err_set(err, ENVOI_EFILE, "%s: %s", is_stdin ? "standard input" : path,
                           strerror(errno));
    if (!is_stdin)
        fclose(f);
    if (rc == 0 && !out->data && envoi_buf_append(out, "", 0) < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return rc;
}

int cli_check_readable(const char *option, const char *path, envoi_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return envoi_err_set(err, ENVOI_EFILE, "%s %s: %s", option, path, strerror(errno));
    fclose(f);
    return 0;
}

/* Report a library refusal of one option's value. */
static int refused(envoi_error *err, int rc, const char *option, const char *value)
{
    return envoi_err_set(err, rc, "%s '%s': %s", option, value, envoi_strerror(rc));
}

typedef int (*add_fn)(envoi_message *, const char *);

static int add_each(envoi_message *m, add_fn add, const cli_strlist *l, const char *option,
                    envoi_error *err)
{
    for (size_t i = 0; i < l->count; i++) {
        int rc = add(m, l->items[i]);
        if (rc < 0)
            return refused(err, rc, option, l->items[i]);
    }
    return 0;
}

/* "<id@host>" or "id@host" into "id@host" (in a buffer of the caller's). */
static const char *bare_id(const char *id, char *buf, size_t size)
{
    size_t len = strlen(id);
    if (len >= 2 && id[0] == '<' && id[len - 1] == '>' && len - 2 < size) {
        memcpy(buf, id + 1, len - 2);
        buf[len - 2] = '\0';
        return buf;
    }
    return id;
}

static int set_ids(envoi_message *m, const cli_send_args *a, envoi_error *err)
{
    char buf[1000];
    int rc;
    if (a->message_id &&
        (rc = envoi_message_set_message_id(m, bare_id(a->message_id, buf, sizeof buf))) < 0)
        return refused(err, rc, "--message-id", a->message_id);
    if (a->in_reply_to &&
        (rc = envoi_message_set_in_reply_to(m, bare_id(a->in_reply_to, buf, sizeof buf))) < 0)
        return refused(err, rc, "--in-reply-to", a->in_reply_to);
    for (size_t i = 0; i < a->references.count; i++) {
        const char *p = a->references.items[i];
        while (*p) {
            p += strspn(p, " \t");
            size_t len = strcspn(p, " \t");
            if (len == 0)
                break;
            if (len >= sizeof buf)
                return refused(err, ENVOI_EINVAL, "--references", a->references.items[i]);
            char word[sizeof buf];
            memcpy(word, p, len);
            word[len] = '\0';
            if ((rc = envoi_message_add_reference(m, bare_id(word, buf, sizeof buf))) < 0)
                return refused(err, rc, "--references", word);
            p += len;
        }
    }
    return 0;
}

static int set_addresses(envoi_message *m, const cli_send_args *a, const char *from,
                         envoi_error *err)
{
    int rc = envoi_message_set_from(m, from);
    if (rc < 0)
        return refused(err, rc, "--from", from);
    if (a->sender && (rc = envoi_message_set_sender(m, a->sender)) < 0)
        return refused(err, rc, "--sender", a->sender);
    if ((rc = add_each(m, envoi_message_add_reply_to, &a->reply_to, "--reply-to", err)) < 0 ||
        (rc = add_each(m, envoi_message_add_to, &a->to, "--to", err)) < 0 ||
        (rc = add_each(m, envoi_message_add_cc, &a->cc, "--cc", err)) < 0 ||
        (rc = add_each(m, envoi_message_add_bcc, &a->bcc, "--bcc", err)) < 0)
        return rc;
    if (a->read_receipt || a->read_receipt_to) {
        const char *to = a->read_receipt_to ? a->read_receipt_to : from;
        if ((rc = envoi_message_set_read_receipt(m, to)) < 0)
            return refused(err, rc, "--read-receipt", to);
    }
    return 0;
}

typedef int (*body_fn)(envoi_message *, const char *, size_t);

static int set_body(envoi_message *m, body_fn set, const char *path, const char *option,
                    envoi_error *err)
{
    envoi_buf body = ENVOI_BUF_INIT;
    int rc = cli_read_file(path, &body, err);
    if (rc == 0 && (rc = set(m, body.data, body.len)) < 0)
        refused(err, rc, option, path);
    envoi_buf_free(&body);
    return rc;
}

static int add_parts(envoi_message *m, const cli_send_args *a, envoi_error *err)
{
    int rc;
    for (size_t i = 0; i < a->attach.count; i++) {
        const cli_part *p = &a->attach.items[i];
        if ((rc = cli_check_readable("--attach", p->path, err)) < 0)
            return rc;
        if ((rc = envoi_message_attach_file(m, p->path, p->name, p->type)) < 0)
            return refused(err, rc, "--attach", p->path);
    }
    for (size_t i = 0; i < a->inline_parts.count; i++) {
        const cli_part *p = &a->inline_parts.items[i];
        if ((rc = cli_check_readable("--inline", p->path, err)) < 0)
            return rc;
        if ((rc = envoi_message_add_inline_file(m, p->path, p->cid, p->type)) < 0)
            return refused(err, rc, "--inline", p->path);
    }
    return 0;
}

static int add_headers(envoi_message *m, const cli_strlist *headers, envoi_error *err)
{
    for (size_t i = 0; i < headers->count; i++) {
        const char *h = headers->items[i];
        size_t name_len = strcspn(h, ":");
        char *name = strndup(h, name_len);
        if (!name)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        const char *value = h + name_len + 1;
        value += strspn(value, " \t");
        int rc = envoi_message_add_header(m, name, value);
        free(name);
        if (rc < 0)
            return refused(err, rc, "--header", h);
    }
    return 0;
}

static int set_flags(envoi_message *m, const cli_send_args *a, envoi_error *err)
{
    int rc;
    if (a->subject && (rc = envoi_message_set_subject(m, a->subject)) < 0)
        return refused(err, rc, "--subject", a->subject);
    if (a->priority >= 0 && (rc = envoi_message_set_priority(m, a->priority)) < 0)
        return envoi_err_set(err, rc, "--priority: %s", envoi_strerror(rc));
    if (a->sensitivity >= 0 && (rc = envoi_message_set_sensitivity(m, a->sensitivity)) < 0)
        return envoi_err_set(err, rc, "--sensitivity: %s", envoi_strerror(rc));
    return 0;
}

int cli_compose(const cli_send_args *a, const char *from, envoi_message **out, envoi_error *err)
{
    *out = NULL;
    envoi_message *m = envoi_message_new();
    if (!m)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int rc;
    if ((rc = set_addresses(m, a, from, err)) < 0 || (rc = set_flags(m, a, err)) < 0 ||
        (rc = set_ids(m, a, err)) < 0 ||
        (a->text_file &&
         (rc = set_body(m, envoi_message_set_text, a->text_file, "--text", err)) < 0) ||
        (a->html_file &&
         (rc = set_body(m, envoi_message_set_html, a->html_file, "--html", err)) < 0) ||
        (rc = add_parts(m, a, err)) < 0 || (rc = add_headers(m, &a->headers, err)) < 0) {
        envoi_message_free(m);
        return rc;
    }
    *out = m;
    return 0;
}
