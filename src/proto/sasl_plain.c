/* SASL PLAIN (RFC 4616): "\0user\0password", no authorization identity. */
#include "proto/sasl.h"

#include <string.h>

#include "envoi/error.h"

int envoi_sasl_plain_response(const char *user, const char *password, envoi_buf *out)
{
    size_t u = strlen(user), p = strlen(password);
    if (envoi_buf_reserve(out, u + p + 2) < 0)
        return ENVOI_ENOMEM;
    envoi_buf_append_char(out, '\0');
    envoi_buf_append(out, user, u);
    envoi_buf_append_char(out, '\0');
    envoi_buf_append(out, password, p);
    return 0;
}
