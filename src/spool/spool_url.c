/* The address of envoid as a spool is opened with it:
 * "http://HOST[:PORT][/PREFIX]". */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spool/spool_http.h"
#include "spool/spool_impl.h"
#include "util/err.h"

bool spool_is_url(const char *where)
{
    return strncasecmp(where, "http://", 7) == 0 || strncasecmp(where, "https://", 8) == 0;
}

/* HOST or [IPv6] then an optional :PORT, up to the path. */
static int parse_authority(const char *a, size_t n, spool_url *out, envoi_error *err)
{
    const char *host = a, *rest;
    size_t host_len;
    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close)
            return envoi_err_set(err, ENVOI_EINVAL, "spool URL: unclosed '[' in the host");
        host = a + 1;
        host_len = (size_t)(close - host);
        rest = close + 1;
    } else {
        const char *colon = memchr(a, ':', n);
        host_len = colon ? (size_t)(colon - a) : n;
        rest = a + host_len;
    }
    size_t rest_len = n - (size_t)(rest - a);
    if (host_len == 0 || memchr(host, '@', host_len))
        return envoi_err_set(err, ENVOI_EINVAL, "spool URL: expected http://HOST[:PORT]");
    out->port = 80;
    if (rest_len > 0 &&
        (rest[0] != ':' || spool_http_parse_port(rest + 1, rest_len - 1, &out->port) < 0))
        return envoi_err_set(err, ENVOI_EINVAL, "spool URL: bad port '%.*s'", (int)rest_len, rest);
    out->host = strndup(host, host_len);
    return out->host ? 0 : envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
}

int spool_url_parse(const char *text, spool_url *out, envoi_error *err)
{
    memset(out, 0, sizeof out[0]);
    if (strncasecmp(text, "https://", 8) == 0)
        return envoi_err_set(err, ENVOI_EUNSUPPORTED,
                             "spool URL: https is not supported; use http:// on loopback");
    const char *a = text + 7;
    if (strcspn(text, " \t\r\n?#") != strlen(text))
        return envoi_err_set(err, ENVOI_EINVAL, "spool URL: spaces, '?' or '#' in '%s'", text);
    size_t n = strcspn(a, "/");
    int rc = parse_authority(a, n, out, err);
    if (rc == 0) {
        const char *path = a + n;
        size_t len = strlen(path);
        while (len > 0 && path[len - 1] == '/')
            len--;
        out->prefix = strndup(path, len);
        if (!out->prefix)
            rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    if (rc < 0)
        spool_url_free(out);
    return rc;
}

void spool_url_free(spool_url *u)
{
    free(u->host);
    free(u->prefix);
    u->host = NULL;
    u->prefix = NULL;
}
