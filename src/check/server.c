/* The server level: the domain's MX hosts best first, each of their
 * addresses (asked of the checker's resolver, never getaddrinfo) in turn,
 * until one server gives an answer that counts. */
#include "check/server.h"

#include <stdio.h>
#include <string.h>

/* No address for host: an error to report if nothing better comes. */
static void note_no_address(envoi_check_report *r, const char *host, const check_addr_list *a)
{
    snprintf(r->mx, sizeof r->mx, "%s", host);
    r->reply_code = 0;
    r->enhanced[0] = '\0';
    if (a->failed)
        checker_set_result(r, ENVOI_ADDR_ERROR, ENVOI_CHECK_SERVER, "%s: %s", host,
                           a->why[0] ? a->why : "its address lookup failed");
    else
        checker_set_result(r, ENVOI_ADDR_ERROR, ENVOI_CHECK_SERVER, "%s: the host has no address",
                           host);
}

/* After every try failed: say how many servers were tried, with the last
 * failure's words. */
static void note_all_failed(envoi_check_report *r, size_t attempts)
{
    if (attempts <= 1)
        return;
    char last[sizeof r->reason];
    snprintf(last, sizeof last, "%s", r->reason);
    checker_set_result(r, ENVOI_ADDR_ERROR, ENVOI_CHECK_SERVER,
                       "none of %zu mail servers tried could complete the check; the last: %s",
                       attempts, last);
}

int check_server_hosts(const envoi_checker *c, const check_mx_list *mx, envoi_check_report *report)
{
    size_t attempts = 0;
    checker_set_result(report, ENVOI_ADDR_ERROR, ENVOI_CHECK_SERVER, "no mail host to ask");
    for (size_t i = 0; i < mx->count && i < CHECK_SERVER_MAX_HOSTS; i++) {
        const char *host = mx->hosts[i].name;
        check_addr_list addrs;
        int rc = check_dns_addrs(&c->resolver, host, &addrs);
        if (rc < 0)
            return rc;
        if (addrs.count == 0) {
            note_no_address(report, host, &addrs);
            attempts++;
            continue;
        }
        for (size_t j = 0; j < addrs.count && attempts < CHECK_SERVER_MAX_ATTEMPTS; j++) {
            check_probe_outcome outcome;
            attempts++;
            rc = check_server_probe(c, host, &addrs.addrs[j], report, &outcome);
            if (rc < 0)
                return rc;
            if (outcome != CHECK_PROBE_TRY_NEXT)
                return 0;
        }
        if (attempts >= CHECK_SERVER_MAX_ATTEMPTS)
            break;
    }
    note_all_failed(report, attempts);
    return 0;
}

int check_server_literal(const envoi_checker *c, const struct sockaddr_storage *addr,
                         envoi_check_report *report)
{
    check_probe_outcome outcome;
    return check_server_probe(c, report->domain, addr, report, &outcome);
}
