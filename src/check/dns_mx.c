/* Where a domain's mail goes: its MX records best first, a null MX (RFC
 * 7505), else the domain itself when it has an A or AAAA record (RFC 5321
 * section 5.1); no such domain and failures told apart. */
#include <stdio.h>
#include <string.h>

#include "check/dns_answer.h"
#include "check/dns_query.h"

typedef struct mx_collect {
    check_mx_list *out;
    size_t nulls; /* MX records whose target is the root "." */
    bool malformed;
} mx_collect;

/* Insert (name, pref) after every host of preference <= pref (stable); when
 * the list is full the worst is dropped. */
static void insert_host(check_mx_list *out, const char *name, unsigned pref)
{
    size_t at = out->count;
    while (at > 0 && out->hosts[at - 1].preference > pref)
        at--;
    if (at >= CHECK_DNS_MAX_HOSTS)
        return;
    size_t last = out->count < CHECK_DNS_MAX_HOSTS ? out->count : CHECK_DNS_MAX_HOSTS - 1;
    memmove(&out->hosts[at + 1], &out->hosts[at], (last - at) * sizeof out->hosts[0]);
    snprintf(out->hosts[at].name, sizeof out->hosts[at].name, "%s", name);
    out->hosts[at].preference = pref;
    if (out->count < CHECK_DNS_MAX_HOSTS)
        out->count++;
}

static bool add_mx(void *ctx, const ns_msg *msg, const ns_rr *rr)
{
    mx_collect *c = ctx;
    char name[CHECK_DNS_NAME_SIZE];
    if (ns_rr_rdlen(*rr) < 3 || dns_answer_name(msg, rr, 2, name, sizeof name) < 0) {
        c->malformed = true;
        return false;
    }
    unsigned pref = ns_get16(ns_rr_rdata(*rr));
    if (name[0] == '\0')
        c->nulls++;
    else
        insert_host(c->out, name, pref);
    return true;
}

/* No MX: the domain itself when it has an address. */
static int fall_back(const check_resolver *r, const char *domain, check_mx_list *out)
{
    check_addr_list addrs;
    int rc = check_dns_addrs(r, domain, &addrs);
    if (rc != 0 || addrs.failed) {
        out->outcome = CHECK_MX_FAILED;
        snprintf(out->why, sizeof out->why, "%s", addrs.why);
    } else if (addrs.count == 0) {
        out->outcome = CHECK_MX_NONE;
        snprintf(out->why, sizeof out->why, "%s has no MX record and no A or AAAA record", domain);
    } else {
        out->outcome = CHECK_MX_FOUND;
        out->fallback = true;
        out->count = 1;
        dns_name_copy(out->hosts[0].name, sizeof out->hosts[0].name, domain);
    }
    return rc;
}

/* Read the MX answer into out; false when there is no usable MX (fall back). */
static bool read_mx(const dns_reply *reply, const char *domain, check_mx_list *out)
{
    mx_collect c = {.out = out};
    int n = dns_answer_each(reply->msg, reply->len, domain, ns_t_mx, add_mx, &c);
    if (n < 0 || c.malformed) {
        out->count = 0;
        out->outcome = CHECK_MX_FAILED;
        snprintf(out->why, sizeof out->why, "the DNS reply for %s MX is malformed", domain);
        return true;
    }
    if (out->count > 0) {
        out->outcome = CHECK_MX_FOUND;
        return true;
    }
    if (c.nulls > 0) {
        out->outcome = CHECK_MX_NULL;
        snprintf(out->why, sizeof out->why, "%s accepts no mail (null MX, RFC 7505)", domain);
        return true;
    }
    return false; /* only a CNAME to a name without MX */
}

static bool valid_domain(const char *domain)
{
    size_t len = strlen(domain);
    return len > 0 && len < CHECK_DNS_NAME_SIZE - 1 && strcmp(domain, ".") != 0;
}

int check_dns_mx(const check_resolver *r, const char *domain, check_mx_list *out)
{
    if (!out)
        return ENVOI_EINVAL;
    memset(out, 0, sizeof *out);
    out->outcome = CHECK_MX_FAILED;
    if (!r || !domain || !valid_domain(domain)) {
        snprintf(out->why, sizeof out->why, "no valid domain to look up");
        return ENVOI_EINVAL;
    }
    dns_reply reply;
    int rc = dns_ask(r, domain, ns_t_mx, &reply);
    if (rc != 0)
        snprintf(out->why, sizeof out->why, "%s", reply.why);
    else if (reply.status == DNS_NXDOMAIN) {
        out->outcome = CHECK_MX_NONE;
        snprintf(out->why, sizeof out->why, "no such domain: %s does not exist (NXDOMAIN)", domain);
    } else if (reply.status == DNS_FAILED)
        snprintf(out->why, sizeof out->why, "%s", reply.why);
    else if (reply.status == DNS_NODATA || !read_mx(&reply, domain, out))
        rc = fall_back(r, domain, out);
    dns_reply_free(&reply);
    return rc;
}
