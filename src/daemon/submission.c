/* Submissions of raw source: the envelope checked address by address, the
 * source checked to look like a message, and the size limit. */
#include "daemon/submission.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/submission_impl.h"
#include "mime/address.h"
#include "util/err.h"

void envoid_submission_free(envoid_submission *s)
{
    if (!s)
        return;
    free(s->from);
    for (size_t i = 0; i < s->recipient_count; i++)
        free(s->recipients[i]);
    free(s->recipients);
    free(s->source);
    memset(s, 0, sizeof *s);
}

int envoid_address_error(envoi_error *err, int code, const char *field, const char *text)
{
    if (code == ENVOI_EHEADER)
        return envoi_err_set(err, code, "%s: CR, LF or NUL in an address is not allowed", field);
    if (code == ENVOI_ENOMEM)
        return envoi_err_set(err, code, "out of memory");
    if (code == ENVOI_EIDNA)
        return envoi_err_set(err, code, "%s: the domain of '%.200s' has no IDNA form", field, text);
    return envoi_err_set(err, ENVOI_EADDRESS, "%s: '%.200s' is not an email address", field, text);
}

int envoid_envelope_address(const char *field, const char *text, char **out, envoi_error *err)
{
    envoi_mailbox mb = {0};
    int rc = envoi_mailbox_parse(text, &mb);
    if (rc < 0)
        return envoid_address_error(err, rc, field, text);
    *out = mb.addr;
    mb.addr = NULL;
    envoi_mailbox_clear(&mb);
    return 0;
}

int envoid_add_recipient(envoid_submission *s, const char *field, const char *text,
                         envoi_error *err)
{
    char **grown = realloc(s->recipients, (s->recipient_count + 1) * sizeof *grown);
    if (!grown)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    s->recipients = grown;
    char *addr = NULL;
    int rc = envoid_envelope_address(field, text, &addr, err);
    if (rc < 0)
        return rc;
    s->recipients[s->recipient_count++] = addr;
    return 0;
}

/* A message source starts with a header field: a name of printable ASCII
 * without ':' or space, then ':'. */
static bool looks_like_message(const char *src, size_t len)
{
    size_t i = 0;
    while (i < len && src[i] > ' ' && src[i] <= '~' && src[i] != ':')
        i++;
    return i > 0 && i < len && src[i] == ':';
}

int envoid_set_source(envoid_submission *s, const void *source, size_t len, size_t max_message,
                      const char *field, envoi_error *err)
{
    if (len > max_message)
        return envoi_err_set(err, ENVOI_ETOOBIG,
                             "the message is %zu bytes, over the limit of %zu bytes", len,
                             max_message);
    if (len == 0)
        return envoi_err_set(err, ENVOI_EINVAL, "%s: the message source is empty", field);
    if (memchr(source, '\0', len))
        return envoi_err_set(err, ENVOI_EINVAL, "%s: NUL byte in the message source", field);
    if (!looks_like_message(source, len))
        return envoi_err_set(err, ENVOI_EINVAL,
                             "%s: not a message source (it must start with a header field)", field);
    s->source = malloc(len + 1);
    if (!s->source)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    memcpy(s->source, source, len);
    s->source[len] = '\0';
    s->source_len = len;
    return 0;
}

int envoid_set_from(envoid_submission *s, const char *from, envoi_error *err)
{
    if (*from == '\0' || strcmp(from, "<>") == 0) {
        s->from = strdup("");
        return s->from ? 0 : envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    return envoid_envelope_address("from", from, &s->from, err);
}

int envoid_submission_from_raw(const char *from, const char *const *recipients, size_t count,
                               const void *source, size_t len, size_t max_message,
                               envoid_submission *out, envoi_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = 0;
    if (!from)
        rc = envoi_err_set(err, ENVOI_EINVAL, "from: missing (the envelope sender)");
    else if (count == 0)
        rc = envoi_err_set(err, ENVOI_EINVAL, "to: missing (at least one recipient)");
    if (rc == 0)
        rc = envoid_set_from(out, from, err);
    for (size_t i = 0; rc == 0 && i < count; i++)
        rc = envoid_add_recipient(out, "to", recipients[i], err);
    if (rc == 0)
        rc = envoid_set_source(out, source, len, max_message, "body", err);
    if (rc < 0)
        envoid_submission_free(out);
    return rc;
}
