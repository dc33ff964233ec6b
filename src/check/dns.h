/* The address checker's DNS: where a domain's mail goes (MX records, the
 * A/AAAA fallback, null MX) and a host's addresses, asked of the system's
 * resolver or of one given nameserver (IPv4 or IPv6), with a timeout,
 * through glibc's resolver (res_ninit on a private state per query,
 * res_nmkquery + res_nsend: thread-safe). Replies are parsed with
 * ns_initparse/ns_parserr, bounded: a malformed reply is a failure. CNAME
 * chains in answers are followed (8 links at most). */
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
    bool has_server;                /* false: the system's resolver (/etc/resolv.conf) */
    struct sockaddr_storage server; /* the nameserver, port included */
    int timeout_ms;                 /* per query, rounded up to whole seconds, one try
                                       (several nameservers of the system: one each); 0: 10 s */
} check_resolver;

/* Parse "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT" (port 53 by default; a
 * bare IPv6 address without a port is accepted too) into r->server and set
 * r->has_server; r->timeout_ms is left as it is. 0 or ENVOI_EINVAL with err
 * (may be NULL) naming what is wrong; r unchanged then. */
int check_resolver_set_server(check_resolver *r, const char *text, envoi_error *err);

typedef enum check_mx_outcome {
    CHECK_MX_FOUND = 0, /* hosts[] lists where mail goes, best first */
    CHECK_MX_NULL,      /* a null MX (RFC 7505): every MX record's target is "." (a "."
                           beside real hosts is skipped); the domain accepts no mail */
    CHECK_MX_NONE,      /* NXDOMAIN, or neither MX nor A/AAAA: refused */
    CHECK_MX_FAILED,    /* timeout, SERVFAIL, REFUSED, nothing listening, a malformed
                           reply, or the fallback's A/AAAA query failing: error */
} check_mx_outcome;

typedef struct check_mx_list {
    check_mx_outcome outcome;
    bool fallback; /* no MX: hosts[0] is the domain itself, preference 0 (its A/AAAA
                      exist) */
    size_t count;
    struct {
        char name[CHECK_DNS_NAME_SIZE]; /* without the trailing dot, as the server wrote it */
        unsigned preference;
    } hosts[CHECK_DNS_MAX_HOSTS]; /* by preference; equal ones in the order received; the
                                     best 16 when there are more */
    char why[256]; /* NULL, NONE and FAILED: one sentence ("no such domain: x.org does not
                      exist (NXDOMAIN)", "the DNS query for example.org MX timed out after
                      10 s", "the nameserver refused the query for x.org MX (REFUSED)");
                      "" when FOUND */
} check_mx_list;

/* Where mail for domain (ASCII, A-labels, a trailing dot allowed) goes: its
 * MX records; with none (NODATA, or a CNAME to a name without MX), the
 * domain itself when it has an AAAA or A record. Always fills *out (when
 * out is not NULL); returns 0, or ENVOI_ENOMEM / ENVOI_EINVAL (NULL or
 * empty domain, longer than 254 octets) with outcome FAILED. */
int check_dns_mx(const check_resolver *r, const char *domain, check_mx_list *out);

typedef struct check_addr_list {
    size_t count;
    struct sockaddr_storage addrs[CHECK_DNS_MAX_ADDRS]; /* AAAA then A; port 0 */
    bool failed;   /* no address, and a query timed out or failed (else count 0 means
                      none: NXDOMAIN or NODATA for both) */
    char why[256]; /* when failed: the first failure, as check_mx_list.why */
} check_addr_list;

/* The A and AAAA records of host (ASCII), asked of the same resolver (not
 * getaddrinfo: a test nameserver must answer for MX hosts too). Always
 * fills *out; 0, or ENVOI_ENOMEM / ENVOI_EINVAL. */
int check_dns_addrs(const check_resolver *r, const char *host, check_addr_list *out);

/* ---- TXT records (DKIM keys) ---- */

typedef enum check_txt_outcome {
    CHECK_TXT_FOUND = 0, /* records[] holds the name's TXT records */
    CHECK_TXT_NONE,      /* NXDOMAIN, or the name has no TXT record (NODATA) */
    CHECK_TXT_FAILED,    /* timeout, SERVFAIL, REFUSED, nothing listening, a malformed reply */
} check_txt_outcome;

enum { CHECK_DNS_MAX_TXT = 8 }; /* TXT records kept, in the order received */

typedef struct check_txt_list {
    check_txt_outcome outcome;
    bool nxdomain; /* NONE because the name does not exist (else: no TXT record) */
    size_t count;
    char *records[CHECK_DNS_MAX_TXT]; /* each record's character-strings joined, malloc'd,
                                         NUL-terminated */
    size_t lens[CHECK_DNS_MAX_TXT];
    char why[256]; /* NONE and FAILED: one sentence, as check_mx_list.why */
} check_txt_list;

/* The TXT records of name (ASCII, a trailing dot allowed), each one's
 * character-strings joined without separator (RFC 6376 section 3.6.2.2).
 * Always fills *out; 0, or ENVOI_ENOMEM / ENVOI_EINVAL (NULL, empty or too
 * long name) with outcome FAILED. check_txt_list_free() afterwards. */
int check_dns_txt(const check_resolver *r, const char *name, check_txt_list *out);
void check_txt_list_free(check_txt_list *list);

#endif
