/* Printing DKIM verdicts: "FILE: RESULT d= s= a=[: REASON]" lines, or a
 * JSON array of {file, pass, signatures: [...]}. */
#include "cli/dkim_verify_print.h"

#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"

int cli_dkim_printer_init(cli_dkim_printer *p, FILE *out, bool json)
{
    p->out = out;
    p->json = json;
    p->array = NULL;
    if (json && !(p->array = json_array()))
        return ENVOI_ENOMEM;
    return 0;
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static int print_text(cli_dkim_printer *p, const char *file, const envoi_dkim_status *st, size_t n)
{
    if (n == 0)
        return fprintf(p->out, "%s: none: no DKIM-Signature field\n", file) < 0 ? ENVOI_EIO : 0;
    for (size_t i = 0; i < n; i++) {
        const envoi_dkim_status *s = &st[i];
        bool why = s->reason && s->reason[0];
        if (fprintf(p->out, "%s: %s d=%s s=%s a=%s%s%s%s\n", file,
                    envoi_dkim_result_name(s->result), or_dash(s->domain), or_dash(s->selector),
                    or_dash(s->algorithm), s->testing ? " (testing key)" : "", why ? ": " : "",
                    why ? s->reason : "") < 0)
            return ENVOI_EIO;
    }
    return 0;
}

/* A JSON string, or null; bytes that are not UTF-8 become '?'. */
static json_t *text_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    if (v)
        return v;
    char *copy = strdup(s);
    if (!copy)
        return NULL;
    for (char *c = copy; *c; c++)
        if ((unsigned char)*c >= 0x80)
            *c = '?';
    v = json_string(copy);
    free(copy);
    return v;
}

static json_t *status_object(const envoi_dkim_status *s)
{
    return json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "result", envoi_dkim_result_name(s->result),
        "domain", text_or_null(s->domain), "selector", text_or_null(s->selector), "algorithm",
        text_or_null(s->algorithm), "identity", text_or_null(s->identity), "reason",
        text_or_null(s->reason ? s->reason : ""), "testing", s->testing, "signed_at",
        s->signed_at == (time_t)-1 ? json_null() : json_integer((json_int_t)s->signed_at));
}

static int add_json(cli_dkim_printer *p, const char *file, const envoi_dkim_status *st, size_t n)
{
    json_t *sigs = json_array();
    bool pass = false;
    for (size_t i = 0; sigs && i < n; i++) {
        pass = pass || st[i].result == ENVOI_DKIM_PASS;
        if (json_array_append_new(sigs, status_object(&st[i])) < 0) {
            json_decref(sigs);
            sigs = NULL;
        }
    }
    if (!sigs)
        return ENVOI_ENOMEM;
    json_t *obj =
        json_pack("{s:o, s:b, s:o}", "file", text_or_null(file), "pass", pass, "signatures", sigs);
    return obj && json_array_append_new(p->array, obj) == 0 ? 0 : ENVOI_ENOMEM;
}

int cli_dkim_print(cli_dkim_printer *p, const char *file, const envoi_dkim_status *st, size_t n)
{
    return p->json ? add_json(p, file, st, n) : print_text(p, file, st, n);
}

int cli_dkim_print_unreadable(cli_dkim_printer *p, const char *file, const char *why)
{
    if (!p->json)
        return 0;
    json_t *obj = json_pack("{s:o, s:b, s:s}", "file", text_or_null(file), "pass", 0, "error", why);
    return obj && json_array_append_new(p->array, obj) == 0 ? 0 : ENVOI_ENOMEM;
}

int cli_dkim_printer_finish(cli_dkim_printer *p)
{
    int rc = 0;
    if (p->json && p->array) {
        if (json_dumpf(p->array, p->out, JSON_INDENT(2)) < 0 || fputc('\n', p->out) == EOF)
            rc = ENVOI_EIO;
        json_decref(p->array);
        p->array = NULL;
    }
    return fflush(p->out) == 0 ? rc : ENVOI_EIO;
}
