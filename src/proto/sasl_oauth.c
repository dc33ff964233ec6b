/* SASL with OAuth 2.0 bearer tokens: Google's XOAUTH2 and OAUTHBEARER
 * (RFC 7628) with its GS2 header and host/port fields. */
#include "proto/sasl.h"

#include "envoi/error.h"

int envoi_sasl_xoauth2_response(const char *user, const char *token, envoi_buf *out)
{
    return envoi_buf_printf(out, "user=%s\001auth=Bearer %s\001\001", user, token);
}

/* RFC 5801 saslname: ',' and '=' escaped as =2C and =3D. */
static int append_saslname(envoi_buf *out, const char *name)
{
    int rc = 0;
    for (const char *p = name; *p && rc == 0; p++) {
        if (*p == ',')
            rc = envoi_buf_append(out, "=2C", 3);
        else if (*p == '=')
            rc = envoi_buf_append(out, "=3D", 3);
        else
            rc = envoi_buf_append_char(out, *p);
    }
    return rc;
}

int envoi_sasl_oauthbearer_response(const char *user, const char *token, const char *host,
                                    unsigned port, envoi_buf *out)
{
    int rc = envoi_buf_append_str(out, "n,a=");
    if (rc == 0)
        rc = append_saslname(out, user);
    if (rc == 0)
        rc = envoi_buf_append_str(out, ",\001");
    if (rc == 0 && host && *host)
        rc = envoi_buf_printf(out, "host=%s\001", host);
    if (rc == 0 && port)
        rc = envoi_buf_printf(out, "port=%u\001", port);
    if (rc == 0)
        rc = envoi_buf_printf(out, "auth=Bearer %s\001\001", token);
    return rc;
}
