/* The syntax level of the address checks (RFC 5321 mailbox, RFC 6531 UTF-8,
 * IDNA2008 domains, the public suffix list), shared by the checker's levels. */
#ifndef ENVOI_CHECK_SYNTAX_H
#define ENVOI_CHECK_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/check.h"

/* envoi_address_check_syntax: clears *r, then fills result (valid, syntax,
 * or error when the public suffix list cannot be loaded), level (syntax),
 * reason, and on success local_part (as written, quotes included) and
 * domain (lower-case A-labels, or the address literal as written with its
 * brackets: "[192.0.2.1]", "[IPv6:2001:db8::1]"). 0, or ENVOI_EINVAL for
 * NULL arguments. */
int check_syntax(const char *address, envoi_check_report *r);

/* True when a report's domain is an address literal ("[...]"): no DNS. */
bool check_syntax_is_literal(const char *domain);

/* The parts, for the files of the syntax level. Each returns true when the
 * part is correct, else false with r->result and r->reason set. */
/* The local part s[0..len): a dot-string or a quoted string, UTF-8 allowed. */
bool check_syntax_local(const char *s, size_t len, envoi_check_report *r);
/* The domain (NUL-terminated): a name, converted into out (A-labels, at
 * most 255 octets), or an address literal, copied into out as written. */
bool check_syntax_domain(const char *s, char *out, size_t outsize, envoi_check_report *r);
/* The literal s[0..len), brackets included. */
bool check_syntax_literal(const char *s, size_t len, envoi_check_report *r);
/* The A-label domain against the public suffix list: its top-level domain
 * must be listed, and the domain must not be an ICANN public suffix itself. */
bool check_syntax_psl(const char *domain, envoi_check_report *r);

/* Set r's result (ENVOI_ADDR_SYNTAX unless told) and reason; returns false. */
bool check_syntax_refuse(envoi_check_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Name a byte for a reason: "'('", "a space", "the control character 0x0D". */
const char *check_syntax_char_name(unsigned char c, char *buf, size_t size);

#endif
