/* envoid's [spool] settings: defaults, config keys, the listen address. */
#include "daemon/settings.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void envoid_settings_default(envoid_settings *s)
{
    memset(s, 0, sizeof *s);
    s->dir = ENVOID_DEFAULT_DIR;
    s->listen = ENVOID_DEFAULT_LISTEN;
    s->workers = ENVOID_DEFAULT_WORKERS;
    s->max_message = ENVOID_DEFAULT_MAX_MESSAGE;
    s->filter_timeout = ENVOID_DEFAULT_FILTER_TIMEOUT;
}

int envoid_parse_size(const char *text, size_t *out)
{
    if (!text || *text < '0' || *text > '9')
        return ENVOI_EINVAL;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno)
        return ENVOI_EINVAL;
    unsigned long long mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024ULL;
    else if (*end == 'm' || *end == 'M')
        mult = 1024ULL * 1024;
    else if (*end == 'g' || *end == 'G')
        mult = 1024ULL * 1024 * 1024;
    if (mult != 1)
        end++;
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end != '\0' || v == 0 || v > SIZE_MAX / mult)
        return ENVOI_EINVAL;
    *out = (size_t)(v * mult);
    return 0;
}

static int parse_workers(const char *text, unsigned *out)
{
    if (!text || *text < '0' || *text > '9')
        return ENVOI_EINVAL;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || v > 1024)
        return ENVOI_EINVAL;
    *out = (unsigned)v;
    return 0;
}

static int parse_seconds(const char *text, unsigned *out)
{
    if (!text || *text < '0' || *text > '9')
        return ENVOI_EINVAL;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || v == 0 || v > 86400)
        return ENVOI_EINVAL;
    *out = (unsigned)v;
    return 0;
}

static int bad_value(envoi_error *err, const envoi_config *cfg, unsigned line, const char *key,
                     const char *why)
{
    return envoi_err_set(err, ENVOI_ECONFIG, "%s:%u: [spool] %s: %s", envoi_config_name(cfg), line,
                         key, why);
}

static const char *const known_keys[] = {
    "dir",    "queue",          "listen", "relay", "workers", "token-file", "max-message-size",
    "filter", "filter-timeout", "log"};

static bool is_known_key(const char *key)
{
    for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
        if (strcmp(known_keys[i], key) == 0)
            return true;
    return false;
}

static int read_key(envoid_settings *s, const envoi_config *cfg, const char *key, const char *value,
                    unsigned line, envoi_error *err)
{
    if (!is_known_key(key))
        return bad_value(err, cfg, line, key, "unknown key");
    if (*value == '\0')
        return bad_value(err, cfg, line, key, "empty value");
    if (strcmp(key, "dir") == 0)
        s->dir = value;
    else if (strcmp(key, "listen") == 0)
        s->listen = value;
    else if (strcmp(key, "relay") == 0)
        s->relay = value;
    else if (strcmp(key, "token-file") == 0)
        s->token_file = value;
    else if (strcmp(key, "queue") == 0) {
        if (strcmp(value, "sqlite") != 0)
            return bad_value(err, cfg, line, key, "only \"sqlite\" is supported so far");
    } else if (strcmp(key, "filter") == 0) {
        s->filter = value;
    } else if (strcmp(key, "filter-timeout") == 0) {
        if (parse_seconds(value, &s->filter_timeout) < 0)
            return bad_value(err, cfg, line, key, "expected seconds from 1 to 86400");
    } else if (strcmp(key, "log") == 0) {
        if (strcmp(value, "stderr") != 0 && strcmp(value, "syslog") != 0)
            return bad_value(err, cfg, line, key, "expected \"stderr\" or \"syslog\"");
        s->syslog = strcmp(value, "syslog") == 0;
    } else if (strcmp(key, "workers") == 0) {
        if (parse_workers(value, &s->workers) < 0)
            return bad_value(err, cfg, line, key, "expected a number from 0 to 1024");
    } else if (envoid_parse_size(value, &s->max_message) < 0) {
        return bad_value(err, cfg, line, key, "expected a size such as 25M (K, M, G suffixes)");
    }
    return 0;
}

int envoid_settings_read(envoid_settings *s, const envoi_config *cfg, envoi_error *err)
{
    if (!cfg)
        return 0;
    const envoi_config_section *sec = envoi_config_find(cfg, "spool", NULL);
    if (!sec)
        return 0;
    for (size_t i = 0; i < envoi_config_key_count(sec); i++) {
        const char *value = NULL;
        unsigned line = 0;
        const char *key = envoi_config_key_at(sec, i, &value, &line);
        int rc = read_key(s, cfg, key, value ? value : "", line, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int bad_listen(envoi_error *err, const char *listen, const char *why)
{
    return envoi_err_set(err, ENVOI_ECONFIG, "listen address '%s': %s", listen, why);
}

static int parse_port(const char *text, unsigned short *out)
{
    if (*text < '0' || *text > '9')
        return ENVOI_EINVAL;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || v == 0 || v > 65535)
        return ENVOI_EINVAL;
    *out = (unsigned short)v;
    return 0;
}

/* Split "host:port" / "[host]:port" into host (copied into hbuf) and port text. */
static int split_listen(const char *listen, char *hbuf, size_t hsize, const char **port)
{
    const char *host = listen, *host_end = NULL;
    if (*listen == '[') {
        host = listen + 1;
        host_end = strchr(host, ']');
        if (!host_end || host_end[1] != ':')
            return ENVOI_EINVAL;
        *port = host_end + 2;
    } else {
        host_end = strrchr(listen, ':');
        if (!host_end)
            return ENVOI_EINVAL;
        *port = host_end + 1;
    }
    size_t n = (size_t)(host_end - host);
    if (n == 0 || n >= hsize)
        return ENVOI_EINVAL;
    memcpy(hbuf, host, n);
    hbuf[n] = '\0';
    return 0;
}

int envoid_settings_resolve(envoid_settings *s, envoi_error *err)
{
    char host[64];
    const char *port_text = NULL;
    unsigned short port = 0;
    if (split_listen(s->listen, host, sizeof host, &port_text) < 0)
        return bad_listen(err, s->listen, "expected ADDRESS:PORT, e.g. 127.0.0.1:8025");
    if (parse_port(port_text, &port) < 0)
        return bad_listen(err, s->listen, "the port must be a number from 1 to 65535");
    if (strcmp(host, "localhost") == 0)
        memcpy(host, "127.0.0.1", sizeof "127.0.0.1");
    memset(&s->addr, 0, sizeof s->addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&s->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&s->addr;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        s->addr_len = sizeof *v4;
        s->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        s->addr_len = sizeof *v6;
        s->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) ||
                      (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr) && v6->sin6_addr.s6_addr[12] == 127);
    } else {
        return bad_listen(err, s->listen, "not a numeric IPv4 or [IPv6] address");
    }
    return 0;
}
