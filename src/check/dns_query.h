/* One DNS question asked of a check_resolver through glibc's resolver, on
 * a private resolver state, and what came back: an answer, no such domain,
 * no record of the type, or a failure (timeout, server failure, refusal). */
#ifndef ENVOI_CHECK_DNS_QUERY_H
#define ENVOI_CHECK_DNS_QUERY_H

#include <stddef.h>

#include "check/dns.h"

typedef enum dns_status {
    DNS_ANSWER = 0, /* msg holds a NOERROR reply with at least one answer record */
    DNS_NXDOMAIN,   /* the name does not exist */
    DNS_NODATA,     /* the name exists but has no record of the type */
    DNS_FAILED,     /* no answer: timeout, SERVFAIL, REFUSED, unreachable server */
} dns_status;

typedef struct dns_reply {
    dns_status status;
    unsigned char *msg; /* the reply as received (DNS_ANSWER only), malloc'd */
    size_t len;
    char why[256]; /* DNS_FAILED: one sentence naming the query and the cause */
} dns_reply;

/* Ask for name's records of type (ns_t_mx, ns_t_a, ns_t_aaaa). Fills *out;
 * 0, or ENVOI_ENOMEM. dns_reply_free() afterwards in every case. */
int dns_ask(const check_resolver *r, const char *name, int type, dns_reply *out);
void dns_reply_free(dns_reply *reply);

/* "MX", "A", "AAAA" or "type N" of a query type, for messages. */
const char *dns_type_name(int type);

#endif
