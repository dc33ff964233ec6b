/* Output of "envoi mailto": the URI it built, or the fields of a URI it
 * parsed, as text or as one JSON object. */
#include "cli/mailto_print.h"

#include <jansson.h>
#include <string.h>

#include "cli/json_message.h"

static const struct {
    envoi_mailto_list list;
    const char *label; /* text output */
    const char *key;   /* JSON */
} lists[] = {
    {ENVOI_MAILTO_TO, "To", "to"},
    {ENVOI_MAILTO_CC, "Cc", "cc"},
    {ENVOI_MAILTO_BCC, "Bcc", "bcc"},
};

/* The body with CRLF (and lone CR) as LF, for a terminal or a pipe; other
 * control characters but tab shown as \xNN, so a link cannot drive the
 * terminal. */
static void print_body(FILE *out, const char *body)
{
    for (const char *c = body; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u == '\r') {
            if (c[1] == '\n')
                c++;
            fputc('\n', out);
        } else if ((u < 0x20 && u != '\t' && u != '\n') || u == 0x7f) {
            fprintf(out, "\\x%02X", u);
        } else {
            fputc(u, out);
        }
    }
    size_t len = strlen(body);
    if (len > 0 && body[len - 1] != '\n' && body[len - 1] != '\r')
        fputc('\n', out);
}

static void print_text(FILE *out, const envoi_mailto *m)
{
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < envoi_mailto_count(m, lists[l].list); i++)
            fprintf(out, "%s: %s\n", lists[l].label, envoi_mailto_get(m, lists[l].list, i));
    if (envoi_mailto_subject(m))
        fprintf(out, "Subject: %s\n", envoi_mailto_subject(m));
    for (size_t i = 0; i < envoi_mailto_header_count(m); i++) {
        const char *name, *value;
        envoi_mailto_header(m, i, &name, &value);
        fprintf(out, "%s: %s\n", name, value);
    }
    if (envoi_mailto_body(m)) {
        fputc('\n', out);
        print_body(out, envoi_mailto_body(m));
    }
}

static json_t *fields_json(const envoi_mailto *m)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    for (size_t l = 0; ok && l < 3; l++) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < envoi_mailto_count(m, lists[l].list); i++)
            if (json_array_append_new(arr, cli_json_str(envoi_mailto_get(m, lists[l].list, i))))
                ok = false;
        ok = ok && json_object_set_new(o, lists[l].key, arr) == 0;
    }
    ok = ok && json_object_set_new(o, "subject", cli_json_str(envoi_mailto_subject(m))) == 0;
    json_t *headers = json_array();
    for (size_t i = 0; headers && i < envoi_mailto_header_count(m); i++) {
        const char *name, *value;
        envoi_mailto_header(m, i, &name, &value);
        json_t *h =
            json_pack("{s:o,s:o}", "name", cli_json_str(name), "value", cli_json_str(value));
        if (json_array_append_new(headers, h))
            ok = false;
    }
    ok = ok && json_object_set_new(o, "headers", headers) == 0;
    ok = ok && json_object_set_new(o, "body", cli_json_str(envoi_mailto_body(m))) == 0;
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int dump(FILE *out, json_t *o)
{
    int rc = o ? json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER) : -1;
    json_decref(o);
    if (rc == 0)
        fputc('\n', out);
    return rc == 0 ? 0 : -1;
}

int cli_mailto_print_fields(FILE *out, const envoi_mailto *m, bool json)
{
    if (json)
        return dump(out, fields_json(m));
    print_text(out, m);
    return ferror(out) ? -1 : 0;
}

int cli_mailto_print_uri(FILE *out, const char *uri, bool open, bool opened, const char *error,
                         bool json)
{
    if (json) {
        json_t *o = json_pack("{s:s}", "uri", uri);
        if (o && open)
            json_object_set_new(o, "opened", json_boolean(opened));
        if (o && error)
            json_object_set_new(o, "error", cli_json_str(error));
        return dump(out, o);
    }
    if (opened)
        fprintf(out, "opened with xdg-open: %s\n", uri);
    else
        fprintf(out, "%s\n", uri);
    return ferror(out) ? -1 : 0;
}
