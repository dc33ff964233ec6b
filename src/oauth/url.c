/* The token endpoint's URL: https://host[:port]/path, plain http only to a
 * loopback address. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oauth/oauth_impl.h"
#include "util/err.h"

bool oauth_host_is_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0)
        return true;
    struct in_addr v4;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    struct in6_addr v6;
    if (inet_pton(AF_INET6, host, &v6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

static bool has_bad_bytes(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p >= 0x7f)
            return true;
    return false;
}

static int bad(envoi_error *err, const char *why)
{
    return envoi_err_set(err, ENVOI_EINVAL, "token endpoint: %s", why);
}

/* host, [v6] or host:port, [v6]:port in a[0..n). */
static int parse_authority(const char *a, size_t n, oauth_url *out, envoi_error *err)
{
    const char *host = a, *colon = NULL;
    size_t hlen;
    if (n && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close)
            return bad(err, "unclosed [ in the host");
        host = a + 1;
        hlen = (size_t)(close - host);
        if (close + 1 < a + n) {
            if (close[1] != ':')
                return bad(err, "garbage after the IPv6 address");
            colon = close + 1;
        }
    } else {
        colon = memchr(a, ':', n);
        hlen = colon ? (size_t)(colon - a) : n;
    }
    if (hlen == 0 || hlen >= sizeof out->host)
        return bad(err, "no host, or a host name too long");
    memcpy(out->host, host, hlen);
    out->host[hlen] = '\0';
    if (a[0] == '[' && !strchr(out->host, ':'))
        return bad(err, "[...] holds no IPv6 address");
    if (colon) {
        size_t plen = (size_t)(a + n - colon - 1);
        unsigned port = 0;
        if (plen == 0 || plen > 5)
            return bad(err, "malformed port");
        for (size_t i = 1; i <= plen; i++) {
            if (colon[i] < '0' || colon[i] > '9')
                return bad(err, "malformed port");
            port = port * 10 + (unsigned)(colon[i] - '0');
        }
        if (port == 0 || port > 65535)
            return bad(err, "port out of range");
        out->port = port;
    }
    return 0;
}

int oauth_url_parse(const char *text, oauth_url *out, envoi_error *err)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return bad(err, "empty URL");
    if (has_bad_bytes(text))
        return bad(err, "blanks or control characters in the URL");
    const char *rest;
    if (strncasecmp(text, "https://", 8) == 0) {
        out->tls = true;
        rest = text + 8;
    } else if (strncasecmp(text, "http://", 7) == 0) {
        rest = text + 7;
    } else {
        return bad(err, "not an https:// URL");
    }
    size_t alen = strcspn(rest, "/?#");
    if (memchr(rest, '@', alen))
        return bad(err, "user information in the URL is not allowed");
    if (strchr(rest, '#'))
        return bad(err, "a fragment (#) in the URL is not allowed");
    int rc = parse_authority(rest, alen, out, err);
    if (rc < 0)
        return rc;
    if (!out->port)
        out->port = out->tls ? 443 : 80;
    if (!out->tls && !oauth_host_is_loopback(out->host))
        return bad(err, "http:// only to a loopback address: use https://");
    const char *path = rest + alen;
    size_t plen = strlen(path);
    out->path = malloc(plen + 2);
    if (!out->path)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    size_t at = 0;
    if (path[0] != '/')
        out->path[at++] = '/';
    memcpy(out->path + at, path, plen + 1);
    return 0;
}

void oauth_url_free(oauth_url *u)
{
    free(u->path);
    memset(u, 0, sizeof *u);
}
