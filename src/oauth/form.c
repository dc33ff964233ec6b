/* The refresh request's body: application/x-www-form-urlencoded pairs. */
#include <string.h>

#include "oauth/oauth_impl.h"

static bool unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int oauth_form_add(envoi_buf *out, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = out->len ? envoi_buf_append_char(out, '&') : 0;
    if (rc == 0)
        rc = envoi_buf_append_str(out, name);
    if (rc == 0)
        rc = envoi_buf_append_char(out, '=');
    for (const unsigned char *p = (const unsigned char *)value; rc == 0 && *p; p++) {
        if (unreserved(*p)) {
            rc = envoi_buf_append_char(out, (char)*p);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            rc = envoi_buf_append(out, esc, 3);
        }
    }
    return rc;
}
