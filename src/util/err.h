/* Filling an envoi_error record: the one way every layer reports a failure. */
#ifndef ENVOI_UTIL_ERR_H
#define ENVOI_UTIL_ERR_H

#include "envoi/error.h"

/* Set code and a formatted text (reply code and enhanced status cleared).
 * Returns code, so a failure can be reported and returned in one statement:
 *     return envoi_err_set(err, ENVOI_EFILE, "%s: %s", path, strerror(errno)); */
int envoi_err_set(envoi_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set code with a server reply: reply code, enhanced status and the reply's
 * text (several lines joined by a space). Returns code. */
int envoi_err_reply(envoi_error *err, int code, int reply_code, const char *enhanced,
                    const char *text);
void envoi_err_clear(envoi_error *err);

#endif
