/* Address literals of RFC 5321 section 4.1.3: [IPv4] and [IPv6:...],
 * checked with inet_pton and the RFC's limits on "::" compression. General
 * address literals ([tag:...]) are refused: no other tag is registered. */
#include "check/syntax.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { MAX_LITERAL = 64 };

static bool is_ipv6_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
           c == '.';
}

static bool check_ipv4(const char *s, envoi_check_report *r)
{
    char name[48];
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F)
            return check_syntax_refuse(
                r, "the address literal has %s",
                check_syntax_char_name((unsigned char)*p, name, sizeof name));
    struct in_addr a;
    if (strspn(s, "0123456789.") != strlen(s) || inet_pton(AF_INET, s, &a) != 1)
        return check_syntax_refuse(r, "the address literal [%s] is not an IPv4 address", s);
    return true;
}

/* Hexadecimal groups before any embedded IPv4 address. */
static size_t count_groups(const char *s)
{
    size_t groups = 0;
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, ":");
        if (n > 0 && !memchr(p, '.', n))
            groups++;
        p += n;
        if (*p == ':')
            p++;
    }
    return groups;
}

static bool check_ipv6(const char *s, envoi_check_report *r)
{
    char name[48];
    for (const char *p = s; *p; p++)
        if (!is_ipv6_char((unsigned char)*p))
            return check_syntax_refuse(
                r, "the IPv6 address literal has %s",
                check_syntax_char_name((unsigned char)*p, name, sizeof name));
    struct in6_addr a;
    if (inet_pton(AF_INET6, s, &a) != 1)
        return check_syntax_refuse(r, "the address literal [IPv6:%s] is not an IPv6 address", s);
    size_t max = strchr(s, '.') ? 6 : 8;
    if (strstr(s, "::") && count_groups(s) > max - 2)
        return check_syntax_refuse(r,
                                   "the IPv6 address literal has %zu groups beside \"::\", "
                                   "more than the %zu RFC 5321 allows",
                                   count_groups(s), max - 2);
    return true;
}

bool check_syntax_literal(const char *s, size_t len, envoi_check_report *r)
{
    const char *close = memchr(s, ']', len);
    if (!close)
        return check_syntax_refuse(r, "the address literal has no closing bracket");
    if ((size_t)(close - s) != len - 1)
        return check_syntax_refuse(r, "text follows the closing bracket of the address literal");
    size_t n = len - 2;
    if (n == 0)
        return check_syntax_refuse(r, "the address literal [] is empty");
    if (n >= MAX_LITERAL)
        return check_syntax_refuse(r, "the address literal is not an IPv4 or IPv6 address");
    char body[MAX_LITERAL];
    memcpy(body, s + 1, n);
    body[n] = '\0';
    if (strncasecmp(body, "IPv6:", 5) == 0)
        return check_ipv6(body + 5, r);
    if (strchr(body, ':'))
        return check_syntax_refuse(r, "general address literals ([tag:...]) are not accepted: "
                                      "only IPv4 and IPv6 addresses");
    return check_ipv4(body, r);
}
