/* What an HTTP submission becomes before it goes to the queue: the envelope
 * and the message source, built from a JSON body (a structured message
 * composed through envoi_message, or raw source) or from a raw body. */
#ifndef ENVOI_DAEMON_SUBMISSION_H
#define ENVOI_DAEMON_SUBMISSION_H

#include <stddef.h>

#include "envoi/error.h"

typedef struct envoid_submission {
    char *from;        /* envelope sender (addr-spec), "" for the null sender */
    char **recipients; /* envelope recipients (addr-specs), at least one */
    size_t recipient_count;
    char *source; /* the message, NUL-terminated */
    size_t source_len;
} envoid_submission;

void envoid_submission_free(envoid_submission *s);

/* From a JSON body, either structured:
 *   {"from","to":[..],"cc":[..],"bcc":[..],"reply_to":[..],"subject","text",
 *    "html","headers":{"Name":"value"}}
 * (addresses as one string or an array of strings; Bcc only in the envelope)
 * or raw: {"from","recipients":[..],"raw":"<source>"}.
 * Returns 0, or with err naming the field and what is wrong:
 * ENVOI_EINVAL (malformed JSON, missing, unknown or mistyped field, not a
 * message source), ENVOI_EADDRESS / ENVOI_EIDNA (a bad address), ENVOI_EHEADER
 * (CR, LF or NUL in a header value: no header injection), ENVOI_ETOOBIG
 * (source over max_message bytes), ENVOI_ENOMEM. */
int envoid_submission_from_json(const char *body, size_t len, size_t max_message,
                                envoid_submission *out, envoi_error *err);

/* From raw source with the envelope given apart (a message/rfc822 body with
 * ?from=&to= in the URL); same errors. */
int envoid_submission_from_raw(const char *from, const char *const *recipients, size_t count,
                               const void *source, size_t len, size_t max_message,
                               envoid_submission *out, envoi_error *err);

#endif
