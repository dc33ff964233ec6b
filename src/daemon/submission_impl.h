/* Pieces shared by the raw and JSON submission builders. */
#ifndef ENVOI_DAEMON_SUBMISSION_IMPL_H
#define ENVOI_DAEMON_SUBMISSION_IMPL_H

#include "daemon/submission.h"

/* err for a failed address of field (code from envoi_mailbox_parse). */
int envoid_address_error(envoi_error *err, int code, const char *field, const char *text);
/* The addr-spec of a mailbox ("Name <a@b>" or "a@b") into *out (free()). */
int envoid_envelope_address(const char *field, const char *text, char **out, envoi_error *err);
int envoid_add_recipient(envoid_submission *s, const char *field, const char *text,
                         envoi_error *err);
/* The envelope sender: "" or "<>" is the null sender. */
int envoid_set_from(envoid_submission *s, const char *from, envoi_error *err);
/* Copy the source after checking its size, NULs and first header line. */
int envoid_set_source(envoid_submission *s, const void *source, size_t len, size_t max_message,
                      const char *field, envoi_error *err);

#endif
