/* GET /v1/capture/{id}/attachments/{n}: a captured message's attachment as
 * a download (never rendered: octet-stream, nosniff, an inert policy) under
 * a file name stripped of anything a file system or a header could misread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dashboard.h"
#include "util/buf.h"
#include "util/err.h"

#define NAME_MAX_ASCII 100
#define NAME_MAX_UTF8 200

static size_t walk(const envoi_part *part, const envoi_part **out, size_t max, size_t found)
{
    if (!part)
        return found;
    if (envoi_part_is_attachment(part)) {
        if (out && found < max)
            out[found] = part;
        return found + 1;
    }
    size_t n = envoi_part_child_count(part);
    for (size_t i = 0; i < n; i++)
        found = walk(envoi_part_child(part, i), out, max, found);
    return found;
}

size_t envoid_capture_attachments(const envoi_part *root, const envoi_part **out, size_t max)
{
    return walk(root, out, max, 0);
}

static bool is_plain(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == '+';
}

/* RFC 5987 attr-char: what filename*= may carry unencoded. */
static bool is_attr_char(unsigned char c)
{
    return is_plain(c) || strchr("!#$&^`|~", c) != NULL;
}

/* The last path component, without leading dots. */
static const char *base_name(const char *name)
{
    const char *p = name;
    for (const char *s = name; *s; s++)
        if (*s == '/' || *s == '\\')
            p = s + 1;
    while (*p == '.')
        p++;
    return p;
}

static int ascii_name(envoi_buf *b, const char *name, size_t index)
{
    size_t start = b->len, kept = 0;
    for (const unsigned char *s = (const unsigned char *)name; *s && kept < NAME_MAX_ASCII; s++) {
        if (*s >= 0x80 && (*s & 0xC0) == 0x80)
            continue; /* one '_' per non-ASCII character */
        if (envoi_buf_append_char(b, is_plain(*s) ? (char)*s : '_') < 0)
            return ENVOI_ENOMEM;
        kept++;
    }
    bool only_marks = true;
    for (size_t i = start; i < b->len; i++)
        if (b->data[i] != '_' && b->data[i] != '.')
            only_marks = false;
    if (kept == 0 || only_marks) {
        envoi_buf_truncate(b, start);
        return envoi_buf_printf(b, "attachment-%zu", index + 1);
    }
    return 0;
}

static int utf8_name(envoi_buf *b, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        int rc;
        if (*s < 0x20 || *s == 0x7f)
            rc = envoi_buf_append_char(b, '_');
        else if (is_attr_char(*s))
            rc = envoi_buf_append_char(b, (char)*s);
        else
            rc = envoi_buf_printf(b, "%%%c%c", hex[*s >> 4], hex[*s & 15]);
        if (rc < 0)
            return ENVOI_ENOMEM;
    }
    return 0;
}

char *envoid_attachment_name(const char *name, size_t index)
{
    const char *base = name ? base_name(name) : "";
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = 0;
    for (const unsigned char *s = (const unsigned char *)base; *s && rc == 0; s++) {
        /* Cut only before the first byte of a character. */
        if (b.len >= NAME_MAX_UTF8 && (*s & 0xC0) != 0x80)
            break;
        rc = envoi_buf_append_char(&b, (*s < 0x20 || *s == 0x7f) ? '_' : (char)*s);
    }
    if (rc == 0 && b.len == 0)
        rc = envoi_buf_printf(&b, "attachment-%zu", index + 1);
    if (rc < 0) {
        envoi_buf_free(&b);
        return NULL;
    }
    return envoi_buf_steal(&b, NULL);
}

char *envoid_attachment_disposition(const char *name, size_t index)
{
    char *base = envoid_attachment_name(name, index);
    if (!base)
        return NULL;
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = envoi_buf_append_str(&b, "attachment; filename=\"");
    if (rc == 0)
        rc = ascii_name(&b, base, index);
    if (rc == 0)
        rc = envoi_buf_append_char(&b, '"');
    /* The UTF-8 name too when it says more than the ASCII one. */
    bool plain = true;
    for (const char *s = base; *s; s++)
        if (!is_plain((unsigned char)*s))
            plain = false;
    if (rc == 0 && !plain) {
        rc = envoi_buf_append_str(&b, "; filename*=UTF-8''");
        if (rc == 0)
            rc = utf8_name(&b, base);
    }
    free(base);
    if (rc < 0) {
        envoi_buf_free(&b);
        return NULL;
    }
    return envoi_buf_steal(&b, NULL);
}

static int parse_index(const char *text, size_t *out)
{
    if (*text < '0' || *text > '9' || strlen(text) > 6)
        return ENVOI_EINVAL;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end)
        return ENVOI_EINVAL;
    *out = (size_t)v;
    return 0;
}

/* The index-th attachment's bytes, or an error reply. */
static void reply_part(const envoi_message *msg, size_t index, envoid_reply *rep)
{
    size_t total = envoid_capture_attachments(envoi_message_root(msg), NULL, 0);
    if (index >= total) {
        envoid_reply_error(rep, 404, "no such attachment");
        return;
    }
    const envoi_part **parts = calloc(index + 1, sizeof *parts);
    const void *data = NULL;
    size_t len = 0;
    if (!parts || (envoid_capture_attachments(envoi_message_root(msg), parts, index + 1),
                   envoi_part_body(parts[index], &data, &len) < 0)) {
        free(parts);
        envoid_reply_error(rep, 500, "cannot decode the attachment");
        return;
    }
    char *body = malloc(len + 1);
    char *disposition = envoid_attachment_disposition(envoi_part_filename(parts[index]), index);
    free(parts);
    if (!body || !disposition) {
        free(body);
        free(disposition);
        envoid_reply_error(rep, 500, "out of memory");
        return;
    }
    memcpy(body, data, len);
    body[len] = '\0';
    envoid_reply_text(rep, 200, body, len, "application/octet-stream", ENVOID_CSP_INERT);
    rep->disposition = disposition;
}

void envoid_capture_attachment(const envoid_api *api, const char *id, const char *index,
                               envoid_reply *rep)
{
    size_t n;
    if (parse_index(index, &n) < 0) {
        envoid_reply_error(rep, 404, "no such attachment");
        return;
    }
    envoi_error err = {0};
    envoid_capture_file f;
    int rc = envoid_capture_find(api->spool_dir, id, &f, &err);
    if (rc < 0) {
        envoid_reply_error(rep, rc == ENVOI_ENOTFOUND ? 404 : 500,
                           rc == ENVOI_ENOTFOUND ? "no such captured message" : err.text);
        return;
    }
    envoi_message *msg = NULL;
    if (envoi_message_parse_file(f.path, &msg) < 0)
        envoid_reply_error(rep, 404, "no such captured message");
    else
        reply_part(msg, n, rep);
    envoi_message_free(msg);
    free(f.path);
}
