/* GET /v1/capture, /v1/capture/{id}, /v1/capture/{id}/html: the capture
 * mailbox listed and its messages read with envoi's parser. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon/api_impl.h"
#include "daemon/dashboard.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

#define LIST_DEFAULT 50
#define LIST_MAX 1000
#define MAX_ATTACHMENTS 1000

/* A JSON string of text that should be UTF-8: each malformed byte becomes
 * U+FFFD, so the reply stays valid JSON whatever the message holds. */
static json_t *text_json(const char *s, size_t len)
{
    if (!s)
        return json_null();
    if (envoi_utf8_valid(s, len))
        return json_stringn(s, len);
    envoi_buf b = ENVOI_BUF_INIT;
    for (size_t i = 0; i < len;) {
        size_t n = envoi_utf8_char_len(s + i, len - i);
        bool bad = n == 1 && (unsigned char)s[i] >= 0x80;
        if ((bad ? envoi_buf_append_str(&b, "\xEF\xBF\xBD") : envoi_buf_append(&b, s + i, n)) < 0) {
            envoi_buf_free(&b);
            return NULL;
        }
        i += n;
    }
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    envoi_buf_free(&b);
    return j;
}

static json_t *str_json(const char *s)
{
    return s ? text_json(s, strlen(s)) : json_null();
}

static json_t *addresses_json(const envoi_message *msg, envoi_field field)
{
    json_t *a = json_array();
    size_t n = envoi_message_address_count(msg, field);
    for (size_t i = 0; a && i < n; i++) {
        const char *name = NULL, *addr = NULL;
        if (envoi_message_address_at(msg, field, i, &name, &addr) < 0)
            continue;
        envoi_buf b = ENVOI_BUF_INIT;
        int rc = name && *name ? envoi_buf_printf(&b, "%s <%s>", name, addr ? addr : "")
                               : envoi_buf_append_str(&b, addr ? addr : "");
        if (rc == 0)
            json_array_append_new(a, text_json(b.data ? b.data : "", b.len));
        envoi_buf_free(&b);
    }
    return a;
}

static json_t *date_json(const envoi_message *msg, const struct stat *st)
{
    time_t t;
    if (envoi_message_get_date(msg, &t) == 0)
        return envoid_json_time((int64_t)t * 1000);
    return envoid_json_time((int64_t)st->st_mtime * 1000);
}

/* What the list and the message view both show. */
static json_t *summary_json(const envoid_capture_file *f, const envoi_message *msg,
                            const struct stat *st)
{
    const char *from = NULL, *addr = NULL;
    if (envoi_message_address_count(msg, ENVOI_FIELD_FROM) > 0)
        envoi_message_address_at(msg, ENVOI_FIELD_FROM, 0, &from, &addr);
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "id", json_string(f->id));
    json_object_set_new(o, "from", str_json(addr));
    json_object_set_new(o, "from_name", str_json(from));
    json_object_set_new(o, "to", addresses_json(msg, ENVOI_FIELD_TO));
    json_object_set_new(o, "subject", str_json(envoi_message_get_subject(msg)));
    json_object_set_new(o, "date", date_json(msg, st));
    json_object_set_new(o, "captured", envoid_json_time((int64_t)f->secs * 1000 + f->usecs / 1000));
    json_object_set_new(o, "size", json_integer((json_int_t)st->st_size));
    return o;
}

/* Parse a captured file; NULL when it is gone or unreadable. */
static envoi_message *open_file(const char *path, struct stat *st)
{
    envoi_message *msg = NULL;
    if (stat(path, st) != 0 || envoi_message_parse_file(path, &msg) < 0)
        return NULL;
    return msg;
}

static int read_count(const envoid_request *req, const char *key, size_t fallback, size_t max,
                      size_t *out)
{
    const char *text = envoid_request_arg(req, key);
    if (!text) {
        *out = fallback;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*text < '0' || *text > '9' || errno || *end || v > max)
        return ENVOI_EINVAL;
    *out = (size_t)v;
    return 0;
}

void envoid_capture_list(const envoid_api *api, const envoid_request *req, envoid_reply *rep)
{
    size_t offset, limit;
    if (read_count(req, "offset", 0, (size_t)1 << 40, &offset) < 0 ||
        read_count(req, "limit", LIST_DEFAULT, LIST_MAX, &limit) < 0) {
        envoid_reply_error(rep, 400, "offset and limit: expected numbers (limit up to 1000)");
        return;
    }
    envoi_error err = {0};
    envoid_capture_file *files = NULL;
    size_t n = 0;
    if (envoid_capture_scan(api->spool_dir, &files, &n, &err) < 0) {
        envoid_reply_error(rep, 500, err.text);
        return;
    }
    json_t *items = json_array();
    for (size_t i = offset; items && i < n && i - offset < limit; i++) {
        struct stat st;
        envoi_message *msg = open_file(files[i].path, &st);
        if (!msg)
            continue; /* taken away meanwhile */
        json_array_append_new(items, summary_json(&files[i], msg, &st));
        envoi_message_free(msg);
    }
    envoid_capture_files_free(files, n);
    envoid_reply_json(rep, 200,
                      json_pack("{s:o,s:I,s:I,s:I}", "messages", items, "total", (json_int_t)n,
                                "offset", (json_int_t)offset, "limit", (json_int_t)limit));
}

/* The parsed newest capture of id, or an error reply (NULL). */
static envoi_message *open_capture(const envoid_api *api, const char *id, envoid_capture_file *f,
                                   struct stat *st, envoid_reply *rep)
{
    envoi_error err = {0};
    int rc = envoid_capture_find(api->spool_dir, id, f, &err);
    if (rc < 0) {
        envoid_reply_error(rep, rc == ENVOI_ENOTFOUND ? 404 : 500,
                           rc == ENVOI_ENOTFOUND ? "no such captured message" : err.text);
        return NULL;
    }
    envoi_message *msg = open_file(f->path, st);
    if (!msg)
        envoid_reply_error(rep, 404, "no such captured message");
    return msg;
}

static json_t *part_text_json(const envoi_part *part)
{
    const char *text = NULL;
    size_t len = 0;
    if (!part || envoi_part_text(part, &text, &len) < 0)
        return json_null();
    return text_json(text, len);
}

static json_t *attachments_json(const envoi_message *msg)
{
    const envoi_part *parts[MAX_ATTACHMENTS];
    size_t n = envoid_capture_attachments(envoi_message_root(msg), parts, MAX_ATTACHMENTS);
    json_t *a = json_array();
    for (size_t i = 0; a && i < n && i < MAX_ATTACHMENTS; i++) {
        const void *data = NULL;
        size_t len = 0;
        if (envoi_part_body(parts[i], &data, &len) < 0)
            len = 0;
        char *save_as = envoid_attachment_name(envoi_part_filename(parts[i]), i);
        json_array_append_new(a, json_pack("{s:I,s:o,s:o,s:s,s:I}", "index", (json_int_t)i,
                                           "filename", str_json(envoi_part_filename(parts[i])),
                                           "save_as", str_json(save_as), "content_type",
                                           envoi_part_content_type(parts[i]), "size",
                                           (json_int_t)len));
        free(save_as);
    }
    return a;
}

void envoid_capture_show(const envoid_api *api, const char *id, envoid_reply *rep)
{
    envoid_capture_file f;
    struct stat st;
    envoi_message *msg = open_capture(api, id, &f, &st, rep);
    if (!msg) {
        free(f.path);
        return;
    }
    json_t *o = summary_json(&f, msg, &st);
    if (o) {
        json_object_set_new(o, "cc", addresses_json(msg, ENVOI_FIELD_CC));
        json_object_set_new(o, "message_id", str_json(envoi_message_get_message_id(msg)));
        json_object_set_new(o, "text", part_text_json(envoi_message_text_part(msg)));
        json_object_set_new(o, "html", part_text_json(envoi_message_html_part(msg)));
        json_object_set_new(o, "attachments", attachments_json(msg));
        json_object_set_new(o, "defects",
                            json_integer((json_int_t)envoi_message_defect_count(msg)));
    }
    envoid_reply_json(rep, 200, o);
    envoi_message_free(msg);
    free(f.path);
}

void envoid_capture_html(const envoid_api *api, const char *id, envoid_reply *rep)
{
    envoid_capture_file f;
    struct stat st;
    envoi_message *msg = open_capture(api, id, &f, &st, rep);
    free(f.path);
    if (!msg)
        return;
    const envoi_part *part = envoi_message_html_part(msg);
    const char *text = NULL;
    size_t len = 0;
    if (!part || envoi_part_text(part, &text, &len) < 0) {
        envoid_reply_error(rep, 404, "the message has no HTML body");
    } else {
        char *body = malloc(len + 1);
        if (body) {
            memcpy(body, text, len);
            body[len] = '\0';
            envoid_reply_text(rep, 200, body, len, "text/html; charset=utf-8", ENVOID_CSP_INERT);
        } else {
            envoid_reply_error(rep, 500, "out of memory");
        }
    }
    envoi_message_free(msg);
}
