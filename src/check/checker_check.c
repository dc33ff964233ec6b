/* envoi_checker_check: the levels in turn — syntax, then the domain's mail
 * hosts (DNS, skipped for an IP address literal), then the server's answer. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check/checker.h"
#include "check/server.h"

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" into addr; false for a domain
 * name or a literal of another kind. */
static bool parse_literal(const char *domain, struct sockaddr_storage *addr, bool *is_literal)
{
    size_t len = strlen(domain);
    *is_literal = len >= 2 && domain[0] == '[' && domain[len - 1] == ']';
    if (!*is_literal || len - 2 >= 64)
        return false;
    char text[64];
    snprintf(text, sizeof text, "%.*s", (int)(len - 2), domain + 1);
    memset(addr, 0, sizeof *addr);
    if (strncasecmp(text, "IPv6:", 5) == 0) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
        a6->sin6_family = AF_INET6;
        return inet_pton(AF_INET6, text + 5, &a6->sin6_addr) == 1;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
    a4->sin_family = AF_INET;
    return inet_pton(AF_INET, text, &a4->sin_addr) == 1;
}

/* The domain level: where mail for the domain goes. *mx is filled; the
 * report says valid (go on) or why not. */
static int check_domain(const envoi_checker *c, envoi_check_report *r, check_mx_list *mx)
{
    int rc = check_dns_mx(&c->resolver, r->domain, mx);
    if (rc < 0)
        return rc;
    switch (mx->outcome) {
    case CHECK_MX_FOUND:
        if (mx->count == 0)
            return checker_set_result(r, ENVOI_ADDR_ERROR, ENVOI_CHECK_DOMAIN,
                                      "the DNS answer for %s lists no mail host", r->domain);
        snprintf(r->mx, sizeof r->mx, "%s", mx->hosts[0].name);
        return checker_set_result(r, ENVOI_ADDR_VALID, ENVOI_CHECK_DOMAIN, "%s", "");
    case CHECK_MX_NULL:
        return checker_set_result(r, ENVOI_ADDR_REFUSED, ENVOI_CHECK_DOMAIN,
                                  "%s accepts no mail (null MX)", r->domain);
    case CHECK_MX_NONE:
        return checker_set_result(r, ENVOI_ADDR_REFUSED, ENVOI_CHECK_DOMAIN, "%s",
                                  mx->why[0] ? mx->why : "no mail host for the domain");
    case CHECK_MX_FAILED:
    default:
        return checker_set_result(r, ENVOI_ADDR_ERROR, ENVOI_CHECK_DOMAIN, "%s",
                                  mx->why[0] ? mx->why : "the DNS lookup failed");
    }
}

/* Domain and server levels for an IP address literal: no DNS. */
static int check_literal(const envoi_checker *c, envoi_check_report *r,
                         const struct sockaddr_storage *addr, bool parsed)
{
    if (!parsed)
        return checker_set_result(r, ENVOI_ADDR_ERROR, ENVOI_CHECK_DOMAIN,
                                  "%s is not an IPv4 or IPv6 address literal envoi can reach",
                                  r->domain);
    snprintf(r->mx, sizeof r->mx, "%s", r->domain);
    checker_set_result(r, ENVOI_ADDR_VALID, ENVOI_CHECK_DOMAIN, "%s", "");
    if (c->level < ENVOI_CHECK_SERVER)
        return 0;
    return check_server_literal(c, addr, r);
}

int envoi_checker_check(envoi_checker *c, const char *address, envoi_check_report *report)
{
    if (!c || !address || !report)
        return ENVOI_EINVAL;
    int rc = envoi_address_check_syntax(address, report);
    if (rc < 0)
        return rc;
    if (report->result != ENVOI_ADDR_VALID || c->level == ENVOI_CHECK_SYNTAX)
        return 0;
    struct sockaddr_storage addr;
    bool is_literal;
    bool parsed = parse_literal(report->domain, &addr, &is_literal);
    if (is_literal)
        return check_literal(c, report, &addr, parsed);
    check_mx_list mx;
    rc = check_domain(c, report, &mx);
    if (rc < 0 || report->result != ENVOI_ADDR_VALID || c->level < ENVOI_CHECK_SERVER)
        return rc;
    return check_server_hosts(c, &mx, report);
}
