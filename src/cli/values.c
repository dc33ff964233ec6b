/* Words and numbers shared by command-line options and config keys. */
#include "cli/values.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"

int envoi_value_security(const char *word, envoi_security *out)
{
    if (strcmp(word, "none") == 0)
        *out = ENVOI_SECURITY_NONE;
    else if (strcmp(word, "starttls") == 0)
        *out = ENVOI_SECURITY_STARTTLS;
    else if (strcmp(word, "tls") == 0)
        *out = ENVOI_SECURITY_TLS;
    else
        return -1;
    return 0;
}

static bool all_digits(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int port_from(const char *s, size_t len, unsigned *out)
{
    if (!all_digits(s, len) || len > 5)
        return -1;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    if (v == 0 || v > 65535)
        return -1;
    *out = v;
    return 0;
}

int envoi_value_port(const char *text, unsigned *out)
{
    return port_from(text, strlen(text), out);
}

int envoi_value_seconds(const char *text, int *ms)
{
    size_t whole_len = strcspn(text, ".");
    const char *frac = text[whole_len] == '.' ? text + whole_len + 1 : NULL;
    if (whole_len > 5 || (whole_len > 0 && !all_digits(text, whole_len)))
        return -1;
    if (frac && (strlen(frac) > 3 || (*frac && !all_digits(frac, strlen(frac)))))
        return -1;
    if (whole_len == 0 && (!frac || !*frac))
        return -1;
    long total = 0;
    for (size_t i = 0; i < whole_len; i++)
        total = total * 10 + (text[i] - '0');
    total *= 1000;
    long scale = 100;
    for (const char *f = frac; f && *f; f++, scale /= 10)
        total += (*f - '0') * scale;
    if (total <= 0 || total > 86400L * 1000)
        return -1;
    *ms = (int)total;
    return 0;
}

static int copy_host(const char *s, size_t len, char **host)
{
    *host = strndup(s, len);
    return *host ? 0 : ENVOI_ENOMEM;
}

int envoi_value_hostport(const char *text, char **host, unsigned *port)
{
    *host = NULL;
    *port = 0;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close == text + 1)
            return ENVOI_EINVAL;
        const char *rest = close + 1;
        if (*rest && (*rest != ':' || port_from(rest + 1, strlen(rest + 1), port) < 0))
            return ENVOI_EINVAL;
        return copy_host(text + 1, (size_t)(close - text - 1), host);
    }
    const char *colon = strchr(text, ':');
    if (colon && strchr(colon + 1, ':'))
        return copy_host(text, strlen(text), host); /* bare IPv6 literal */
    size_t host_len = colon ? (size_t)(colon - text) : strlen(text);
    if (host_len == 0 || strpbrk(text, " \t[]/") != NULL)
        return ENVOI_EINVAL;
    if (colon && port_from(colon + 1, strlen(colon + 1), port) < 0)
        return ENVOI_EINVAL;
    return copy_host(text, host_len, host);
}
