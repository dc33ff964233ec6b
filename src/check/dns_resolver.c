/* The nameserver of a check_resolver: "IP", "IP:PORT", "[IPv6]" or
 * "[IPv6]:PORT" parsed into a socket address. */
#include <arpa/inet.h>
#include <string.h>

#include "check/dns.h"

enum { DEFAULT_DNS_PORT = 53 };

/* A decimal port 1..65535 of exactly len characters; 0 when malformed. */
static unsigned parse_port(const char *text, size_t len)
{
    if (len == 0 || len > 5)
        return 0;
    unsigned port = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return 0;
        port = port * 10 + (unsigned)(text[i] - '0');
    }
    return port <= 65535 ? port : 0;
}

/* Copy len characters of text into out (size n) as a C string; false when too long. */
static bool copy_part(char *out, size_t n, const char *text, size_t len)
{
    if (len >= n)
        return false;
    memcpy(out, text, len);
    out[len] = '\0';
    return true;
}

static bool set_v4(struct sockaddr_storage *ss, const char *ip, unsigned port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
        return false;
    memset(ss, 0, sizeof *ss);
    memcpy(ss, &sin, sizeof sin);
    return true;
}

static bool set_v6(struct sockaddr_storage *ss, const char *ip, unsigned port)
{
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET6, ip, &sin6.sin6_addr) != 1)
        return false;
    memset(ss, 0, sizeof *ss);
    memcpy(ss, &sin6, sizeof sin6);
    return true;
}

/* "[IPv6]" or "[IPv6]:PORT". */
static bool parse_bracketed(struct sockaddr_storage *ss, const char *text)
{
    const char *close = strchr(text, ']');
    char ip[INET6_ADDRSTRLEN];
    if (!close || !copy_part(ip, sizeof ip, text + 1, (size_t)(close - text - 1)))
        return false;
    unsigned port = DEFAULT_DNS_PORT;
    if (close[1] == ':')
        port = parse_port(close + 2, strlen(close + 2));
    else if (close[1] != '\0')
        return false;
    return port != 0 && set_v6(ss, ip, port);
}

/* "IPv4", "IPv4:PORT", or a bare IPv6 address (no port: it needs brackets). */
static bool parse_plain(struct sockaddr_storage *ss, const char *text)
{
    const char *colon = strchr(text, ':');
    if (colon && strchr(colon + 1, ':'))
        return set_v6(ss, text, DEFAULT_DNS_PORT);
    char ip[INET_ADDRSTRLEN];
    size_t iplen = colon ? (size_t)(colon - text) : strlen(text);
    if (!copy_part(ip, sizeof ip, text, iplen))
        return false;
    unsigned port = colon ? parse_port(colon + 1, strlen(colon + 1)) : DEFAULT_DNS_PORT;
    return port != 0 && set_v4(ss, ip, port);
}

int check_resolver_set_server(check_resolver *r, const char *text, envoi_error *err)
{
    if (!r || !text)
        return envoi_err_set(err, ENVOI_EINVAL, "no nameserver given");
    struct sockaddr_storage ss;
    bool ok = text[0] == '[' ? parse_bracketed(&ss, text) : parse_plain(&ss, text);
    if (!ok)
        return envoi_err_set(err, ENVOI_EINVAL,
                             "nameserver \"%.200s\": expected IP, IP:PORT, [IPv6] or [IPv6]:PORT "
                             "(port 1 to 65535)",
                             text);
    r->server = ss;
    r->has_server = true;
    return 0;
}
