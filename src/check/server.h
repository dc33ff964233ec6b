/* The server level of the address checker: ask the domain's mail servers,
 * best first, whether they take the address (EHLO, MAIL FROM, RCPT TO,
 * QUIT; never DATA). */
#ifndef ENVOI_CHECK_SERVER_H
#define ENVOI_CHECK_SERVER_H

#include <stdbool.h>
#include <sys/socket.h>

#include "check/checker.h"
#include "check/dns.h"
#include "envoi/check.h"

enum {
    CHECK_SERVER_MAX_HOSTS = 5,    /* MX hosts tried, best first */
    CHECK_SERVER_MAX_ATTEMPTS = 8, /* connections tried in all */
};

/* Ask the hosts of mx (report->local_part @ report->domain) and fill
 * report's result, level (server), mx, reply_code, enhanced and reason.
 * 0, or ENVOI_ENOMEM. */
int check_server_hosts(const envoi_checker *c, const check_mx_list *mx, envoi_check_report *report);

/* The same for an IP address literal: one address, no DNS. */
int check_server_literal(const envoi_checker *c, const struct sockaddr_storage *addr,
                         envoi_check_report *report);

/* server_probe.c: one conversation with one address of host. The outcome: */
typedef enum check_probe_outcome {
    CHECK_PROBE_ANSWERED = 0,  /* RCPT got 2xx or 5xx: report filled, done */
    CHECK_PROBE_REFUSED_PROBE, /* 5xx before RCPT: report filled (error), done */
    CHECK_PROBE_TRY_NEXT,      /* unreachable, 4xx, no SMTPUTF8: report filled (error), go on */
} check_probe_outcome;

/* Talk to addr (port the checker's) as host; fills report and *outcome.
 * 0, or ENVOI_ENOMEM. */
int check_server_probe(const envoi_checker *c, const char *host,
                       const struct sockaddr_storage *addr, envoi_check_report *report,
                       check_probe_outcome *outcome);

#endif
