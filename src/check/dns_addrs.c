/* A host's addresses (AAAA then A) asked of the checker's resolver, so that
 * a test nameserver answers for MX hosts too. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "check/dns_answer.h"
#include "check/dns_query.h"

/* Append one A or AAAA record's address to the list (when it has room). */
static bool add_address(void *ctx, const ns_msg *msg, const ns_rr *rr)
{
    (void)msg;
    check_addr_list *out = ctx;
    if (out->count >= CHECK_DNS_MAX_ADDRS)
        return false;
    struct sockaddr_storage *ss = &out->addrs[out->count];
    memset(ss, 0, sizeof *ss);
    if (ns_rr_type(*rr) == ns_t_a && ns_rr_rdlen(*rr) == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, ns_rr_rdata(*rr), 4);
    } else if (ns_rr_type(*rr) == ns_t_aaaa && ns_rr_rdlen(*rr) == 16) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        memcpy(&sin6->sin6_addr, ns_rr_rdata(*rr), 16);
    } else {
        return true; /* a record of the wrong size: skipped */
    }
    out->count++;
    return true;
}

/* Ask for host's records of type and add them; false when the query failed
 * (why noted in out unless one is there already). 0 or ENVOI_ENOMEM. */
static int ask_type(const check_resolver *r, const char *host, int type, check_addr_list *out,
                    bool *failed)
{
    dns_reply reply;
    int rc = dns_ask(r, host, type, &reply);
    if (rc == 0 && reply.status == DNS_ANSWER &&
        dns_answer_each(reply.msg, reply.len, host, type, add_address, out) < 0) {
        *failed = true;
        if (!out->why[0])
            snprintf(out->why, sizeof out->why, "the DNS reply for %s %s is malformed", host,
                     dns_type_name(type));
    } else if (rc != 0 || reply.status == DNS_FAILED) {
        *failed = true;
        if (!out->why[0])
            snprintf(out->why, sizeof out->why, "%s", reply.why);
    }
    dns_reply_free(&reply);
    return rc;
}

static bool valid_name(const char *name)
{
    size_t len = strlen(name);
    return len > 0 && len < CHECK_DNS_NAME_SIZE - 1;
}

int check_dns_addrs(const check_resolver *r, const char *host, check_addr_list *out)
{
    if (!out)
        return ENVOI_EINVAL;
    memset(out, 0, sizeof *out);
    if (!r || !host || !valid_name(host)) {
        out->failed = true;
        snprintf(out->why, sizeof out->why, "no valid host name to look up");
        return ENVOI_EINVAL;
    }
    bool failed = false;
    int rc = ask_type(r, host, ns_t_aaaa, out, &failed);
    if (rc == 0)
        rc = ask_type(r, host, ns_t_a, out, &failed);
    out->failed = rc != 0 || (failed && out->count == 0);
    if (!out->failed)
        out->why[0] = '\0';
    return rc;
}
