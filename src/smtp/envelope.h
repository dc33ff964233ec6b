/* Envelope addresses as SMTP wants them: the addr-spec out of "Name <a@b>",
 * checked for what could break the command line, the domain converted to
 * IDNA (libidn2) unless SMTPUTF8 is in use; and xtext (RFC 3461) for ORCPT
 * and ENVID. */
#ifndef ENVOI_SMTP_ENVELOPE_H
#define ENVOI_SMTP_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/error.h"
#include "util/buf.h"

/* True when the address's local part has non-ASCII bytes, so only
 * SMTPUTF8 can carry it. */
bool envoi_smtp_addr_needs_utf8(const char *addr);
/* Append the bare address to out. allow_empty: "" (and "<>") is the null
 * sender. utf8: keep a UTF-8 domain; else convert it to its A-labels.
 * ENVOI_EADDRESS (or ENVOI_EIDNA) described in err. */
int envoi_smtp_addr_format(const char *addr, bool allow_empty, bool utf8, envoi_buf *out,
                           envoi_error *err);
/* xtext: '+', '=', controls, space and non-ASCII as "+XX". */
int envoi_smtp_xtext(const char *s, envoi_buf *out);

#endif
