/* Words and numbers shared by command-line options and config keys:
 * security modes, ports, host[:port], durations. */
#ifndef ENVOI_CLI_VALUES_H
#define ENVOI_CLI_VALUES_H

#include "envoi/tls.h"

/* "none", "starttls" or "tls". Returns 0, or -1 on another word. */
int envoi_value_security(const char *word, envoi_security *out);
/* A decimal port 1..65535. Returns 0 or -1. */
int envoi_value_port(const char *text, unsigned *out);
/* Seconds, whole or decimal ("30", "2.5"), more than 0 and at most a day,
 * into milliseconds. Returns 0 or -1. */
int envoi_value_seconds(const char *text, int *ms);
/* "host", "host:port", "[v6]" or "[v6]:port"; a bare IPv6 literal ("::1")
 * is a host without port. *host is allocated (free it); *port is 0 when
 * absent. Returns 0, ENVOI_EINVAL on bad
 * syntax, or ENVOI_ENOMEM. */
int envoi_value_hostport(const char *text, char **host, unsigned *port);

#endif
