/* Printing the verdicts of "envoi check-address" as text lines or as one
 * JSON array {address, result, level, reason, domain, mx, reply_code,
 * enhanced}. */
#include "cli/check_address_print.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"

int cli_check_printer_init(cli_check_printer *p, FILE *out, bool json)
{
    p->out = out;
    p->json = json;
    p->array = NULL;
    if (json && !(p->array = json_array()))
        return ENVOI_ENOMEM;
    return 0;
}

static const char *verdict_words(envoi_check_result result)
{
    switch (result) {
    case ENVOI_ADDR_VALID:
        return "valid";
    case ENVOI_ADDR_SYNTAX:
        return "incorrect syntax";
    case ENVOI_ADDR_REFUSED:
        return "refused";
    case ENVOI_ADDR_ERROR:
    default:
        return "error";
    }
}

static int print_text(cli_check_printer *p, const char *address, const envoi_check_report *r)
{
    int n;
    if (r->result == ENVOI_ADDR_VALID || !r->reason[0])
        n = fprintf(p->out, "%s: %s\n", address, verdict_words(r->result));
    else
        n = fprintf(p->out, "%s: %s: %s\n", address, verdict_words(r->result), r->reason);
    return n < 0 ? ENVOI_EIO : 0;
}

/* A JSON string of s; bytes that are not UTF-8 become '?' (JSON holds only
 * UTF-8, and an address typed on the command line may be anything). */
static json_t *safe_string(const char *s)
{
    json_t *v = json_string(s);
    if (v)
        return v;
    size_t len = strlen(s);
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        copy[i] = (unsigned char)s[i] >= 0x80 ? '?' : s[i];
    v = json_string(copy);
    free(copy);
    return v;
}

/* A string, or null when empty. */
static json_t *text_or_null(const char *s)
{
    return s && *s ? safe_string(s) : json_null();
}

static json_t *verdict_object(const char *address, const envoi_check_report *r)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = json_object_set_new(o, "address", safe_string(address));
    bad |= json_object_set_new(o, "result", json_string(envoi_check_result_name(r->result)));
    bad |= json_object_set_new(o, "level", json_string(envoi_check_level_name(r->level)));
    bad |= json_object_set_new(o, "reason", text_or_null(r->reason));
    bad |= json_object_set_new(o, "domain", text_or_null(r->domain));
    bad |= json_object_set_new(o, "mx", text_or_null(r->mx));
    bad |= json_object_set_new(o, "reply_code",
                               r->reply_code ? json_integer(r->reply_code) : json_null());
    bad |= json_object_set_new(o, "enhanced", text_or_null(r->enhanced));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int cli_check_print(cli_check_printer *p, const char *address, const envoi_check_report *r)
{
    if (!p->json)
        return print_text(p, address, r);
    json_t *o = verdict_object(address, r);
    if (!o || json_array_append_new(p->array, o) != 0)
        return ENVOI_ENOMEM;
    return 0;
}

int cli_check_printer_finish(cli_check_printer *p)
{
    int rc = 0;
    if (p->json) {
        if (json_dumpf(p->array, p->out, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0 ||
            fputc('\n', p->out) == EOF)
            rc = ENVOI_EIO;
        json_decref(p->array);
        p->array = NULL;
    }
    if (fflush(p->out) == EOF)
        rc = ENVOI_EIO;
    return rc;
}
