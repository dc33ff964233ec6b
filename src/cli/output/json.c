/* "envoi send --json": the result as one JSON object (jansson). */
#include "cli/output/json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Server text may not be UTF-8: such bytes become '?' rather than fail. */
static json_t *string_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    size_t len = strlen(s);
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        copy[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    j = json_string(copy);
    free(copy);
    return j;
}

static json_t *recipient(const char *address, int code, const char *enhanced, const char *text,
                         bool accepted)
{
    return json_pack("{s:o,s:i,s:o,s:o,s:b}", "address", string_or_null(address), "code", code,
                     "enhanced", string_or_null(enhanced && *enhanced ? enhanced : NULL), "text",
                     string_or_null(text && *text ? text : NULL), "accepted", accepted);
}

static json_t *recipients(const cli_send_result *r)
{
    json_t *list = json_array();
    if (!list)
        return NULL;
    for (size_t i = 0; i < r->nrcpts; i++) {
        const envoi_rcpt_status *st = &r->rcpts[i];
        if (json_array_append_new(list, recipient(st->address, st->reply_code, st->enhanced,
                                                  st->text, st->accepted)) < 0)
            goto fail;
    }
    for (size_t i = 0; r->nrcpts == 0 && i < r->nplanned; i++)
        if (json_array_append_new(list, recipient(r->planned[i], 0, NULL, NULL, false)) < 0)
            goto fail;
    return list;
fail:
    json_decref(list);
    return NULL;
}

static json_t *error_object(const cli_send_result *r)
{
    const envoi_error *e = r->error;
    if (!e)
        return json_null();
    return json_pack("{s:i,s:s,s:i,s:o,s:o,s:b,s:o}", "code", e->code, "name",
                     envoi_err_name(e->code), "reply_code", e->reply_code, "enhanced",
                     string_or_null(e->enhanced[0] ? e->enhanced : NULL), "text",
                     string_or_null(e->text[0] ? e->text : NULL), "temporary",
                     envoi_error_is_temporary(e), "message", string_or_null(r->message));
}

int cli_json_print_result(FILE *out, const cli_send_result *r)
{
    json_t *rcpts = recipients(r);
    json_t *root =
        rcpts ? json_pack("{s:s,s:o,s:o,s:o,s:o}", "status", r->error ? "error" : "sent", "server",
                          string_or_null(r->server), "reply", string_or_null(r->reply),
                          "recipients", rcpts, "error", error_object(r))
              : NULL;
    if (!root)
        return ENVOI_ENOMEM;
    int rc = json_dumpf(root, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc < 0 || fputc('\n', out) == EOF)
        return ENVOI_EIO;
    return 0;
}
