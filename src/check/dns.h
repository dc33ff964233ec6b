/* The address checker's DNS: where a domain's mail goes (MX records, the
 * A/AAAA fallback, null MX) and a host's addresses, asked of the system's
 * resolver or of one given nameserver, with a timeout, through glibc's
 * res_nquery (a private resolver state per call: thread-safe). */
#ifndef ENVOI_CHECK_DNS_H
#define ENVOI_CHECK_DNS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "util/err.h"

enum {
    CHECK_DNS_MAX_HOSTS = 16, /* MX hosts kept, best first */
    CHECK_DNS_MAX_ADDRS = 8,  /* addresses kept per host */
    CHECK_DNS_NAME_SIZE = 256,
};

typedef struct check_resolver {
    bool has_server;                 /* false: the system's resolver (/etc/resolv.conf) */
    struct sockaddr_storage server;  /* the nameserver, port included */
    int timeout_ms;                  /* per query; 0: 10 s */
} check_resolver;

/* Parse "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT" (port 53 by default)
 * into r. 0 or ENVOI_EINVAL with err naming what is wrong. */
int check_resolver_set_server(check_resolver *r, const char *text, envoi_error *err);

typedef enum check_mx_outcome {
    CHECK_MX_FOUND = 0,   /* hosts[] lists where mail goes, best first */
    CHECK_MX_NULL,        /* a null MX (RFC 7505): the domain accepts no mail */
    CHECK_MX_NONE,        /* NXDOMAIN, or neither MX nor A/AAAA: refused */
    CHECK_MX_FAILED,      /* timeout, SERVFAIL, unreachable nameserver: error */
} check_mx_outcome;

typedef struct check_mx_list {
    check_mx_outcome outcome;
    bool fallback; /* no MX: hosts[0] is the domain itself (its A/AAAA exist) */
    size_t count;
    struct {
        char name[CHECK_DNS_NAME_SIZE]; /* without the trailing dot */
        unsigned preference;
    } hosts[CHECK_DNS_MAX_HOSTS]; /* by preference; equal ones in the order received */
    char why[256]; /* NONE and FAILED: one sentence ("no such domain", "the DNS query for
                      example.org MX timed out after 10 s") */
} check_mx_list;

/* Where mail for domain (ASCII, A-labels) goes. Always fills *out; returns
 * 0, or ENVOI_ENOMEM / ENVOI_EINVAL. */
int check_dns_mx(const check_resolver *r, const char *domain, check_mx_list *out);

typedef struct check_addr_list {
    size_t count;
    struct sockaddr_storage addrs[CHECK_DNS_MAX_ADDRS]; /* AAAA then A; port 0 */
    bool failed;   /* the lookup timed out or failed (else count 0 means none) */
    char why[256];
} check_addr_list;

/* The A and AAAA records of host (ASCII), asked of the same resolver (not
 * getaddrinfo: a test nameserver must answer for MX hosts too). Always
 * fills *out; 0, or ENVOI_ENOMEM / ENVOI_EINVAL. */
int check_dns_addrs(const check_resolver *r, const char *host, check_addr_list *out);

#endif
