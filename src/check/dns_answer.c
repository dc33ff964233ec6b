/* Walking a DNS reply's answer section with ns_initparse/ns_parserr: CNAME
 * chains followed, names compared without case and trailing dot, every
 * length checked against the message. */
#include <resolv.h>
#include <string.h>
#include <strings.h>

#include "check/dns.h"
#include "check/dns_answer.h"

enum { MAX_CNAME_LINKS = 8 };

bool dns_name_copy(char *out, size_t n, const char *name)
{
    size_t len = strlen(name);
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len >= n)
        return false;
    memcpy(out, name, len);
    out[len] = '\0';
    return true;
}

static bool same_name(const char *a, const char *b)
{
    char x[NS_MAXDNAME], y[NS_MAXDNAME];
    return dns_name_copy(x, sizeof x, a) && dns_name_copy(y, sizeof y, b) && strcasecmp(x, y) == 0;
}

/* rdata inside the message: ns_parserr checks it, this says so again. */
static bool rdata_inside(const ns_msg *msg, const ns_rr *rr)
{
    const unsigned char *start = ns_msg_base(*msg), *end = ns_msg_end(*msg);
    const unsigned char *rd = ns_rr_rdata(*rr);
    return rd >= start && rd <= end && (size_t)(end - rd) >= ns_rr_rdlen(*rr);
}

int dns_answer_name(const ns_msg *msg, const ns_rr *rr, size_t offset, char *out, size_t n)
{
    size_t rdlen = ns_rr_rdlen(*rr);
    char name[NS_MAXDNAME];
    if (offset >= rdlen || !rdata_inside(msg, rr))
        return -1;
    int used = ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), ns_rr_rdata(*rr) + offset,
                                  name, sizeof name);
    if (used <= 0 || (size_t)used > rdlen - offset)
        return -1;
    if (strcmp(name, ".") == 0)
        name[0] = '\0';
    return dns_name_copy(out, n, name) ? used : -1;
}

/* Follow CNAME records from name (in out) to the chain's end. false when malformed. */
static bool follow_cnames(ns_msg *msg, char *out, size_t n)
{
    int count = ns_msg_count(*msg, ns_s_an);
    for (int link = 0; link < MAX_CNAME_LINKS; link++) {
        bool moved = false;
        for (int i = 0; i < count && !moved; i++) {
            ns_rr rr;
            if (ns_parserr(msg, ns_s_an, i, &rr) != 0)
                return false;
            if (ns_rr_type(rr) != ns_t_cname || !same_name(ns_rr_name(rr), out))
                continue;
            char target[NS_MAXDNAME];
            if (dns_answer_name(msg, &rr, 0, target, sizeof target) < 0)
                return false;
            if (!dns_name_copy(out, n, target))
                return false;
            moved = true;
        }
        if (!moved)
            return true;
    }
    return true; /* a longer chain (or a loop): its records are not looked for further */
}

int dns_answer_each(const unsigned char *buf, size_t len, const char *name, int type,
                    dns_record_fn fn, void *ctx)
{
    ns_msg msg;
    char owner[NS_MAXDNAME];
    if (len > 65535 || ns_initparse(buf, (int)len, &msg) != 0)
        return -1;
    if (!dns_name_copy(owner, sizeof owner, name) || !follow_cnames(&msg, owner, sizeof owner))
        return -1;
    int count = ns_msg_count(msg, ns_s_an), found = 0;
    for (int i = 0; i < count; i++) {
        ns_rr rr;
        if (ns_parserr(&msg, ns_s_an, i, &rr) != 0)
            return -1;
        if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in ||
            !same_name(ns_rr_name(rr), owner) || !rdata_inside(&msg, &rr))
            continue;
        found++;
        if (!fn(ctx, &msg, &rr))
            break;
    }
    return found;
}
