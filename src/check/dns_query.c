/* Asking one DNS question (res_nmkquery, res_nsend) on a private resolver state (the
 * system's configuration, or the resolver's one nameserver) and sorting the
 * outcome: answer, NXDOMAIN, NODATA, or a failure that must not read as
 * "no such domain". */
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/dns_query.h"

enum {
    DEFAULT_TIMEOUT_MS = 10000,
    ANSWER_SIZE = 65536, /* the largest DNS message (over TCP) */
    QUERY_SIZE = 1024,   /* a question of at most 255 octets of name */
};

const char *dns_type_name(int type)
{
    switch (type) {
    case ns_t_mx:
        return "MX";
    case ns_t_a:
        return "A";
    case ns_t_aaaa:
        return "AAAA";
    case ns_t_txt:
        return "TXT";
    default:
        return "other";
    }
}

static int timeout_seconds(const check_resolver *r)
{
    int ms = r->timeout_ms > 0 ? r->timeout_ms : DEFAULT_TIMEOUT_MS;
    return (ms + 999) / 1000;
}

/* Make the one nameserver of r the state's only one. An IPv6 address goes in
 * the extended slot glibc reads when nsaddr_list[0] has no family; glibc
 * frees that slot itself in res_nclose, so it is malloc'd. 0 or -1. */
static int use_server(res_state st, const check_resolver *r)
{
    if (r->server.ss_family == AF_INET) {
        memcpy(&st->nsaddr_list[0], &r->server, sizeof(struct sockaddr_in));
    } else if (r->server.ss_family == AF_INET6) {
        struct sockaddr_in6 *six = malloc(sizeof *six);
        if (!six)
            return -1;
        memcpy(six, &r->server, sizeof *six);
        free(st->_u._ext.nsaddrs[0]);
        st->_u._ext.nsaddrs[0] = six;
        memset(&st->nsaddr_list[0], 0, sizeof st->nsaddr_list[0]); /* family 0 */
    } else {
        return -1;
    }
    st->nscount = 1;
    return 0;
}

/* res_ninit on st with r's nameserver and timeout: one try per server,
 * retrans seconds each. 0 or -1. */
static int open_state(res_state st, const check_resolver *r)
{
    memset(st, 0, sizeof *st);
    if (res_ninit(st) != 0)
        return -1;
    st->retrans = timeout_seconds(r);
    st->retry = 1;
    st->options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
    if (r->has_server && use_server(st, r) != 0) {
        res_nclose(st);
        return -1;
    }
    /* With one nameserver, hand back its SERVFAIL or REFUSED reply instead of
     * ending with ETIMEDOUT, which would read like a timeout. With several,
     * glibc's way (ask the next one) is kept. */
    if (st->nscount == 1)
        st->pfcode = RES_PRF_REPLY;
    return 0;
}

/* Why no answer came, from errno after res_nsend: nothing listening (an
 * ICMP refusal) or no reply in time. */
static void explain_no_reply(dns_reply *out, const check_resolver *r, const char *name, int type,
                             int err)
{
    const char *t = dns_type_name(type);
    if (err == ECONNREFUSED)
        snprintf(out->why, sizeof out->why,
                 "the DNS query for %s %s got no answer: nothing listens at the nameserver", name,
                 t);
    else if ((err == ETIMEDOUT || err == EAGAIN || err == 0) && !r->has_server)
        snprintf(out->why, sizeof out->why,
                 "the DNS query for %s %s got no answer in time (timeout after %d s, or a "
                 "failure at every nameserver)",
                 name, t, timeout_seconds(r));
    else if (err == ETIMEDOUT || err == EAGAIN || err == 0)
        snprintf(out->why, sizeof out->why, "the DNS query for %s %s timed out after %d s", name, t,
                 timeout_seconds(r));
    else
        snprintf(out->why, sizeof out->why, "the DNS query for %s %s failed: %s", name, t,
                 strerror(err));
}

/* Why the nameserver's reply is no answer: its response code. */
static void explain_rcode(dns_reply *out, const char *name, int type, int rcode)
{
    const char *t = dns_type_name(type);
    if (rcode == ns_r_servfail)
        snprintf(out->why, sizeof out->why,
                 "the nameserver failed to answer the query for %s %s (SERVFAIL)", name, t);
    else if (rcode == ns_r_refused)
        snprintf(out->why, sizeof out->why, "the nameserver refused the query for %s %s (REFUSED)",
                 name, t);
    else
        snprintf(out->why, sizeof out->why,
                 "the nameserver answered the query for %s %s with error code %d", name, t, rcode);
}

/* Sort a reply of n bytes in out->msg (n < 0: none came, errno err) into out. */
static void classify(dns_reply *out, const check_resolver *r, const char *name, int type, int n,
                     int err)
{
    if (n < 0) {
        explain_no_reply(out, r, name, type, err);
        return;
    }
    if (n < HFIXEDSZ || n > ANSWER_SIZE) {
        snprintf(out->why, sizeof out->why, "the DNS reply for %s %s is malformed", name,
                 dns_type_name(type));
        return;
    }
    const HEADER *h = (const HEADER *)out->msg;
    if (h->rcode == ns_r_nxdomain) {
        out->status = DNS_NXDOMAIN;
    } else if (h->rcode != ns_r_noerror) {
        explain_rcode(out, name, type, h->rcode);
    } else if (ntohs(h->ancount) == 0) {
        out->status = DNS_NODATA;
    } else {
        out->status = DNS_ANSWER;
        out->len = (size_t)n;
    }
}

/* res_nmkquery then res_nsend on st; the reply's length or -1 (errno). */
static int send_query(res_state st, const char *name, int type, unsigned char *answer)
{
    unsigned char query[QUERY_SIZE];
    int qlen =
        res_nmkquery(st, ns_o_query, name, ns_c_in, type, NULL, 0, NULL, query, (int)sizeof query);
    if (qlen < 0) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    return res_nsend(st, query, qlen, answer, ANSWER_SIZE);
}

int dns_ask(const check_resolver *r, const char *name, int type, dns_reply *out)
{
    memset(out, 0, sizeof *out);
    out->status = DNS_FAILED;
    out->msg = malloc(ANSWER_SIZE);
    if (!out->msg) {
        snprintf(out->why, sizeof out->why, "out of memory");
        return ENVOI_ENOMEM;
    }
    struct __res_state st;
    if (open_state(&st, r) != 0) {
        snprintf(out->why, sizeof out->why, "the resolver could not be set up for %s", name);
        return 0;
    }
    int n = send_query(&st, name, type, out->msg);
    int err = errno;
    res_nclose(&st);
    classify(out, r, name, type, n, err);
    return 0;
}

void dns_reply_free(dns_reply *reply)
{
    if (!reply)
        return;
    free(reply->msg);
    reply->msg = NULL;
    reply->len = 0;
}
