/* Submissions as JSON: a structured message composed through envoi_message
 * and serialized, or raw source with its envelope. Every refusal names the
 * field and what is wrong with it. */
#include "daemon/submission.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/submission_impl.h"
#include "envoi/message.h"
#include "util/err.h"

static const char *const structured_fields[] = {"from",    "to",   "cc",   "bcc",    "reply_to",
                                                "subject", "text", "html", "headers"};
static const char *const raw_fields[] = {"from", "recipients", "raw"};

static bool is_listed(const char *key, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], key) == 0)
            return true;
    return false;
}

static int check_fields(json_t *root, const char *const *names, size_t n, const char *form,
                        envoi_error *err)
{
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        if (!is_listed(key, names, n))
            return envoi_err_set(err, ENVOI_EINVAL, "%.100s: unknown field for a %s message", key,
                                 form);
    }
    return 0;
}

/* A string member: *out NULL when absent and not required. */
static int get_string(json_t *root, const char *key, bool required, const char **out,
                      envoi_error *err)
{
    json_t *v = json_object_get(root, key);
    *out = NULL;
    if (!v) {
        if (required)
            return envoi_err_set(err, ENVOI_EINVAL, "%s: missing", key);
        return 0;
    }
    if (!json_is_string(v))
        return envoi_err_set(err, ENVOI_EINVAL, "%s: expected a string", key);
    *out = json_string_value(v);
    return 0;
}

typedef int (*add_address_fn)(void *ctx, const char *field, const char *address, envoi_error *err);

/* Each address of a member given as one string or an array of strings. */
static int each_address(json_t *root, const char *key, add_address_fn add, void *ctx,
                        envoi_error *err)
{
    json_t *v = json_object_get(root, key);
    if (!v)
        return 0;
    if (json_is_string(v))
        return add(ctx, key, json_string_value(v), err);
    if (!json_is_array(v))
        return envoi_err_set(err, ENVOI_EINVAL, "%s: expected an array of addresses", key);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        char field[64];
        snprintf(field, sizeof field, "%s[%zu]", key, i);
        if (!json_is_string(item))
            return envoi_err_set(err, ENVOI_EINVAL, "%s: expected a string", field);
        int rc = add(ctx, field, json_string_value(item), err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- raw form ---------------------------------------------------------------------------- */

static int add_envelope_recipient(void *ctx, const char *field, const char *address,
                                  envoi_error *err)
{
    return envoid_add_recipient(ctx, field, address, err);
}

static int build_raw(json_t *root, size_t max_message, envoid_submission *out, envoi_error *err)
{
    const char *from = NULL, *raw = NULL;
    int rc = check_fields(root, raw_fields, sizeof raw_fields / sizeof raw_fields[0], "raw", err);
    if (rc == 0)
        rc = get_string(root, "from", true, &from, err);
    if (rc == 0)
        rc = get_string(root, "raw", true, &raw, err);
    if (rc == 0)
        rc = envoid_set_from(out, from, err);
    if (rc == 0)
        rc = each_address(root, "recipients", add_envelope_recipient, out, err);
    if (rc == 0 && out->recipient_count == 0)
        rc = envoi_err_set(err, ENVOI_EINVAL, "recipients: missing (at least one address)");
    if (rc == 0)
        rc = envoid_set_source(out, raw, json_string_length(json_object_get(root, "raw")),
                               max_message, "raw", err);
    return rc;
}

/* ---- structured form --------------------------------------------------------------------- */

struct add_ctx {
    envoi_message *msg;
    int (*add)(envoi_message *, const char *);
};

static int add_message_address(void *ctx, const char *field, const char *address, envoi_error *err)
{
    struct add_ctx *c = ctx;
    int rc = c->add(c->msg, address);
    return rc < 0 ? envoid_address_error(err, rc, field, address) : 0;
}

static int add_addresses(json_t *root, envoi_message *msg, envoi_error *err)
{
    static const struct {
        const char *key;
        int (*add)(envoi_message *, const char *);
    } lists[] = {{"to", envoi_message_add_to},
                 {"cc", envoi_message_add_cc},
                 {"bcc", envoi_message_add_bcc},
                 {"reply_to", envoi_message_add_reply_to}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        struct add_ctx c = {msg, lists[i].add};
        int rc = each_address(root, lists[i].key, add_message_address, &c, err);
        if (rc < 0)
            return rc;
    }
    if (envoi_message_recipient_count(msg) == 0)
        return envoi_err_set(err, ENVOI_EINVAL,
                             "to: missing (at least one recipient in to, cc "
                             "or bcc)");
    return 0;
}

static int header_error(envoi_error *err, int rc, const char *field)
{
    if (rc == ENVOI_EHEADER)
        return envoi_err_set(err, rc,
                             "%.100s: CR, LF or NUL is not allowed in a header (no header "
                             "injection)",
                             field);
    if (rc == ENVOI_ENOMEM)
        return envoi_err_set(err, rc, "out of memory");
    return envoi_err_set(err, ENVOI_EINVAL, "%.100s: not valid UTF-8 text", field);
}

static int set_subject_and_bodies(json_t *root, envoi_message *msg, envoi_error *err)
{
    const char *subject = NULL, *text = NULL, *html = NULL;
    int rc = get_string(root, "subject", false, &subject, err);
    if (rc == 0)
        rc = get_string(root, "text", false, &text, err);
    if (rc == 0)
        rc = get_string(root, "html", false, &html, err);
    if (rc < 0)
        return rc;
    if (subject && (rc = envoi_message_set_subject(msg, subject)) < 0)
        return header_error(err, rc, "subject");
    if (text && (rc = envoi_message_set_text(
                     msg, text, json_string_length(json_object_get(root, "text")))) < 0)
        return header_error(err, rc, "text");
    if (html && (rc = envoi_message_set_html(
                     msg, html, json_string_length(json_object_get(root, "html")))) < 0)
        return header_error(err, rc, "html");
    return 0;
}

static int add_headers(json_t *root, envoi_message *msg, envoi_error *err)
{
    json_t *headers = json_object_get(root, "headers");
    if (!headers)
        return 0;
    if (!json_is_object(headers))
        return envoi_err_set(err, ENVOI_EINVAL, "headers: expected an object of name: value");
    const char *name;
    json_t *value;
    json_object_foreach(headers, name, value)
    {
        if (!json_is_string(value))
            return envoi_err_set(err, ENVOI_EINVAL, "headers: %.100s: expected a string", name);
        int rc = envoi_message_add_header(msg, name, json_string_value(value));
        if (rc == ENVOI_EHEADER)
            return envoi_err_set(err, rc,
                                 "headers: %.100s: CR, LF or NUL is not allowed in a header (no "
                                 "header injection)",
                                 name);
        if (rc == ENVOI_ENOMEM)
            return envoi_err_set(err, rc, "out of memory");
        if (rc < 0)
            return envoi_err_set(err, ENVOI_EINVAL,
                                 "headers: '%.100s' is not allowed (not a valid field name, or a "
                                 "field set through its own member such as subject or from)",
                                 name);
    }
    return 0;
}

static int take_envelope(envoi_message *msg, envoid_submission *out, envoi_error *err)
{
    const char *from = envoi_message_envelope_from(msg);
    out->from = strdup(from ? from : "");
    if (!out->from)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    size_t n = envoi_message_recipient_count(msg);
    out->recipients = calloc(n, sizeof *out->recipients);
    if (!out->recipients)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    for (; out->recipient_count < n; out->recipient_count++) {
        out->recipients[out->recipient_count] =
            strdup(envoi_message_recipient(msg, out->recipient_count));
        if (!out->recipients[out->recipient_count])
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    return 0;
}

static int serialize(envoi_message *msg, size_t max_message, envoid_submission *out,
                     envoi_error *err)
{
    int rc = envoi_message_to_string(msg, &out->source, &out->source_len);
    if (rc < 0)
        return envoi_err_set(err, rc, "the message could not be written: %s",
                             envoi_message_error(msg)->text);
    if (out->source_len > max_message)
        return envoi_err_set(err, ENVOI_ETOOBIG,
                             "the message is %zu bytes, over the limit of %zu bytes",
                             out->source_len, max_message);
    return 0;
}

static int build_structured(json_t *root, size_t max_message, envoid_submission *out,
                            envoi_error *err)
{
    const char *from = NULL;
    int rc =
        check_fields(root, structured_fields,
                     sizeof structured_fields / sizeof structured_fields[0], "structured", err);
    if (rc == 0)
        rc = get_string(root, "from", true, &from, err);
    if (rc < 0)
        return rc;
    envoi_message *msg = envoi_message_new();
    if (!msg)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    rc = envoi_message_set_from(msg, from);
    if (rc < 0)
        rc = envoid_address_error(err, rc, "from", from);
    if (rc == 0)
        rc = add_addresses(root, msg, err);
    if (rc == 0)
        rc = set_subject_and_bodies(root, msg, err);
    if (rc == 0)
        rc = add_headers(root, msg, err);
    if (rc == 0)
        rc = serialize(msg, max_message, out, err);
    if (rc == 0)
        rc = take_envelope(msg, out, err);
    envoi_message_free(msg);
    return rc;
}

int envoid_submission_from_json(const char *body, size_t len, size_t max_message,
                                envoid_submission *out, envoi_error *err)
{
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return envoi_err_set(err, ENVOI_EINVAL, "malformed JSON: %.200s (line %d, column %d)",
                             jerr.text, jerr.line, jerr.column);
    int rc;
    if (!json_is_object(root))
        rc = envoi_err_set(err, ENVOI_EINVAL, "expected a JSON object");
    else if (json_object_get(root, "raw") || json_object_get(root, "recipients"))
        rc = build_raw(root, max_message, out, err);
    else
        rc = build_structured(root, max_message, out, err);
    json_decref(root);
    if (rc < 0)
        envoid_submission_free(out);
    return rc;
}
