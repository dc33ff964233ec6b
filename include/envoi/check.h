/* envoi — checking an email address before using it: its syntax, its
 * domain (MX records, the A/AAAA fallback, null MX), and what the domain's
 * mail server answers for it.
 *
 *     envoi_checker *c = envoi_checker_new();
 *     envoi_checker_set_level(c, ENVOI_CHECK_DOMAIN);
 *     envoi_check_report r;
 *     if (envoi_checker_check(c, "jane@example.org", &r) == 0 &&
 *         r.result != ENVOI_ADDR_VALID)
 *         printf("%s: %s\n", envoi_check_result_name(r.result), r.reason);
 *     envoi_checker_free(c);
 *
 * Each level includes the ones before it: a domain check first checks the
 * syntax, a server check first looks the domain up. The result is the
 * first level's verdict that is not "valid".
 *
 * - syntax: an RFC 5321 mailbox (dot-atom or quoted local part, domain name
 *   or IP address literal, at most 64 octets of local part, 254 of address,
 *   255 of domain, 63 per label), internationalized addresses (UTF-8 local
 *   part, a domain in IDNA2008 through libidn2), and a domain name whose
 *   top-level domain is in the public suffix list (libpsl with the system's
 *   list). A domain that is itself a public suffix of the list's ICANN part
 *   ("com", "co.uk") and the special-use names that are not in the list
 *   (.test, .example, .invalid, .localhost) are incorrect syntax. An address
 *   with a display name or comments ("Jane <j@x.org>") is not a bare
 *   address: incorrect syntax. docs/address-syntax.md has the details.
 * - domain: the domain's MX records, else its A/AAAA records (RFC 5321
 *   section 5.1), looked up through the system's resolver or the nameserver
 *   set. No such domain, no MX and no address, or a null MX (RFC 7505): refused.
 *   A timeout or a server failure: error (the address may be fine).
 * - server: a connection to the best reachable MX host on port 25, EHLO
 *   (HELO when refused), MAIL FROM:<>, RCPT TO:<address>, QUIT, never DATA.
 *   2xx: valid; 5xx to RCPT: refused, with the server's words; 4xx,
 *   timeouts, refused connections, a 5xx before RCPT: error.
 *
 * A checker belongs to one thread at a time. */
#ifndef ENVOI_CHECK_H
#define ENVOI_CHECK_H

#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum envoi_check_level {
    ENVOI_CHECK_SYNTAX = 0,
    ENVOI_CHECK_DOMAIN = 1,
    ENVOI_CHECK_SERVER = 2,
} envoi_check_level;

typedef enum envoi_check_result {
    ENVOI_ADDR_VALID = 0,   /* every level asked for found nothing wrong */
    ENVOI_ADDR_SYNTAX = 1,  /* incorrect syntax: reason says what is wrong */
    ENVOI_ADDR_REFUSED = 2, /* the domain cannot receive mail, or its server refused the
                               address: reason has the server's words */
    ENVOI_ADDR_ERROR = 3,   /* the check could not be completed (timeout, server
                               failure, 4xx): reason says why */
} envoi_check_result;

typedef struct envoi_check_report {
    envoi_check_result result;
    envoi_check_level level; /* the level that gave the result */
    char reason[512];        /* empty when valid; else one sentence naming what */
    char local_part[256];    /* as written (UTF-8), "" when the syntax is wrong */
    char domain[256];        /* the domain in ASCII (A-labels), or the IP literal */
    char mx[256];            /* domain and server levels: the host mail goes to (the best
                                MX, or the domain itself for the A/AAAA fallback); server
                                level: the host that answered. "" when none */
    int reply_code;          /* server level: the RCPT reply (or the failing one), else 0 */
    char enhanced[32];       /* its enhanced status code ("5.1.1"), "" when none */
} envoi_check_report;

typedef struct envoi_checker envoi_checker;

/* NULL when out of memory. Defaults: level syntax, the system's resolver
 * (/etc/resolv.conf), a 10 s timeout per DNS query, SMTP port 25 with a
 * 30 s timeout per step, EHLO name the local host name, sender "" (the
 * null reverse path). */
envoi_checker *envoi_checker_new(void);
void envoi_checker_free(envoi_checker *c);

int envoi_checker_set_level(envoi_checker *c, envoi_check_level level);
/* The DNS server to ask instead of the system's: "IP" or "IP:PORT"
 * (IPv4 or [IPv6]:PORT), port 53 by default. ENVOI_EINVAL when malformed. */
int envoi_checker_set_nameserver(envoi_checker *c, const char *server);
/* Per DNS query, in milliseconds (at least 1 ms; rounded up to seconds by
 * the resolver). */
int envoi_checker_set_dns_timeout(envoi_checker *c, int ms);
/* Per SMTP step (connect, each reply), in milliseconds. */
int envoi_checker_set_smtp_timeout(envoi_checker *c, int ms);
/* The port the server level connects to (25; another only for tests). */
int envoi_checker_set_smtp_port(envoi_checker *c, unsigned port);
int envoi_checker_set_helo_name(envoi_checker *c, const char *name);
/* The MAIL FROM address of the server level; "" (the default) for <>. */
int envoi_checker_set_mail_from(envoi_checker *c, const char *address);

/* Check address at the checker's level and fill *report. 0 when a result
 * was reached (whatever it is: look at report->result); a negative code
 * only for ENVOI_ENOMEM or ENVOI_EINVAL (NULL arguments). */
int envoi_checker_check(envoi_checker *c, const char *address, envoi_check_report *report);

/* The syntax level alone, without a checker: the same rules and report. */
int envoi_address_check_syntax(const char *address, envoi_check_report *report);

/* "valid", "syntax", "refused" or "error". Never NULL. */
const char *envoi_check_result_name(envoi_check_result result);
/* "syntax", "domain" or "server". Never NULL. */
const char *envoi_check_level_name(envoi_check_level level);

#ifdef __cplusplus
}
#endif
#endif
