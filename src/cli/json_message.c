/* "envoi parse --json": one message as one JSON object (see json_message.h). */
#include "cli/json_message.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "util/buf.h"
#include "util/utf8.h"

json_t *cli_json_text(const char *s, size_t len)
{
    if (!s)
        return json_null();
    if (envoi_utf8_valid(s, len))
        return json_stringn(s, len);
    envoi_buf fixed = ENVOI_BUF_INIT;
    for (size_t i = 0; i < len;) {
        size_t n = envoi_utf8_char_len(s + i, len - i);
        bool bad = n == 1 && (unsigned char)s[i] >= 0x80;
        if (envoi_buf_append(&fixed, bad ? "\xef\xbf\xbd" : s + i, bad ? 3 : n) < 0) {
            envoi_buf_free(&fixed);
            return NULL;
        }
        i += n;
    }
    json_t *j = json_stringn(fixed.data ? fixed.data : "", fixed.len);
    envoi_buf_free(&fixed);
    return j;
}

json_t *cli_json_str(const char *s)
{
    return cli_json_text(s, s ? strlen(s) : 0);
}

void cli_iso8601_utc(time_t t, char out[21])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0';
}

/* Set key to value (a new reference, NULL meaning failure); false once
 * anything failed, so a chain of calls is checked once. */
static bool put(json_t *obj, const char *key, json_t *value, bool ok)
{
    if (!value)
        return false;
    if (!ok || !obj) {
        json_decref(value);
        return false;
    }
    return json_object_set_new(obj, key, value) == 0;
}

static bool append(json_t *array, json_t *value)
{
    if (!value)
        return false;
    return json_array_append_new(array, value) == 0;
}

static json_t *addresses(const envoi_message *msg, envoi_field field)
{
    json_t *list = json_array();
    size_t n = envoi_message_address_count(msg, field);
    for (size_t i = 0; list && i < n; i++) {
        const char *name = NULL;
        const char *addr = NULL;
        if (envoi_message_address_at(msg, field, i, &name, &addr) < 0)
            continue;
        json_t *item = json_object();
        bool ok = put(item, "name", cli_json_str(name && *name ? name : NULL), true);
        ok = put(item, "address", cli_json_str(addr ? addr : ""), ok);
        if (!ok || !append(list, item)) {
            json_decref(item);
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *date(const envoi_message *msg)
{
    time_t t;
    char iso[21];
    if (envoi_message_get_date(msg, &t) < 0)
        return json_null();
    cli_iso8601_utc(t, iso);
    return iso[0] ? json_string(iso) : json_null();
}

static json_t *part_object(const cli_message_view *v, const envoi_part *part)
{
    const cli_digest *d = cli_view_digest(v, part);
    json_t *o = json_object();
    bool ok = put(o, "path", cli_json_str(envoi_part_path(part)), true);
    ok = put(o, "content_type", cli_json_str(envoi_part_content_type(part)), ok);
    ok = put(o, "charset", cli_json_str(envoi_part_charset(part)), ok);
    ok = put(o, "disposition", cli_json_str(envoi_part_disposition(part)), ok);
    ok = put(o, "filename", cli_json_str(envoi_part_filename(part)), ok);
    ok = put(o, "content_id", cli_json_str(envoi_part_content_id(part)), ok);
    ok = put(o, "size", d ? json_integer((json_int_t)d->size) : json_null(), ok);
    ok = put(o, "sha256", d ? json_string(d->sha256) : json_null(), ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Leaves depth first, into embedded messages (the parser bounds the depth). */
static bool add_leaves(json_t *list, const cli_message_view *v, const envoi_part *part)
{
    if (cli_part_is_leaf(part))
        return append(list, part_object(v, part));
    size_t n = envoi_part_child_count(part);
    for (size_t i = 0; i < n; i++)
        if (!add_leaves(list, v, envoi_part_child(part, i)))
            return false;
    return true;
}

static json_t *parts(const cli_message_view *v)
{
    json_t *list = json_array();
    const envoi_part *root = envoi_message_root(v->msg);
    if (list && root && !add_leaves(list, v, root)) {
        json_decref(list);
        return NULL;
    }
    return list;
}

static json_t *defect(const char *name, const char *path, const char *detail)
{
    json_t *o = json_object();
    bool ok = put(o, "name", cli_json_str(name ? name : "unknown"), true);
    ok = put(o, "path", cli_json_str(path), ok);
    ok = put(o, "detail", cli_json_str(detail), ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Defects in the order of their place in the source: a whole parse finds the defects of a
 * body only when it is decoded, a streaming parse as it goes, and both must print alike. */
static int by_offset(const void *a, const void *b)
{
    const envoi_defect *x = *(const envoi_defect *const *)a;
    const envoi_defect *y = *(const envoi_defect *const *)b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return x < y ? -1 : x > y; /* defects live in one array: keep the order found */
}

static const envoi_defect **sorted_defects(const envoi_message *msg, size_t *count)
{
    size_t n = envoi_message_defect_count(msg);
    const envoi_defect **list = calloc(n ? n : 1, sizeof *list);
    size_t used = 0;
    for (size_t i = 0; list && i < n; i++)
        if ((list[used] = envoi_message_defect_at(msg, i)) != NULL)
            used++;
    if (list && used > 1)
        qsort(list, used, sizeof *list, by_offset);
    *count = used;
    return list;
}

static json_t *defects(const cli_message_view *v)
{
    size_t n = 0;
    const envoi_defect **found = sorted_defects(v->msg, &n);
    json_t *list = found ? json_array() : NULL;
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = append(list, defect(found[i]->name, found[i]->path, found[i]->detail));
    for (size_t i = 0; ok && i < v->nnotes; i++)
        ok = append(list, defect(v->notes[i].name, v->notes[i].path, v->notes[i].detail));
    free(found);
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return list;
}

json_t *cli_json_message(const cli_message_view *v)
{
    const envoi_message *msg = v->msg;
    json_t *o = json_object();
    bool ok = put(o, "subject", cli_json_str(envoi_message_get_subject(msg)), true);
    ok = put(o, "from", addresses(msg, ENVOI_FIELD_FROM), ok);
    ok = put(o, "to", addresses(msg, ENVOI_FIELD_TO), ok);
    ok = put(o, "cc", addresses(msg, ENVOI_FIELD_CC), ok);
    ok = put(o, "reply_to", addresses(msg, ENVOI_FIELD_REPLY_TO), ok);
    ok = put(o, "date", date(msg), ok);
    ok = put(o, "message_id", cli_json_str(envoi_message_get_message_id(msg)), ok);
    ok = put(o, "parts", parts(v), ok);
    ok = put(o, "text", cli_json_text(v->text, v->text_len), ok);
    ok = put(o, "html", cli_json_text(v->html, v->html_len), ok);
    ok = put(o, "defects", defects(v), ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int cli_json_print_message(FILE *out, const cli_message_view *v)
{
    json_t *o = cli_json_message(v);
    if (!o)
        return ENVOI_ENOMEM;
    int rc = json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (rc < 0 || fputc('\n', out) == EOF)
        return ENVOI_EIO;
    return 0;
}
