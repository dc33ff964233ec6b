/* Email addresses: parsing a mailbox ("Name <local@domain>"), checking an
 * addr-spec (RFC 5322, with UTF-8 allowed as RFC 6531/6532 allow), and the
 * envelope form for SMTP.
 *
 * Use from the SMTP client:
 *     envoi_mailbox mb;
 *     if (envoi_mailbox_parse("Zoë <zoë@bücher.example>", &mb) == 0) {
 *         bool utf8 = !envoi_address_local_is_ascii(mb.addr);  // needs SMTPUTF8
 *         char *env;
 *         if (envoi_address_to_envelope(mb.addr, &env) == 0) {  // "zoë@xn--bcher-kva.example"
 *             ... MAIL FROM:<env> ...
 *             free(env);
 *         }
 *         envoi_mailbox_clear(&mb);
 *     }
 */
#ifndef ENVOI_MIME_ADDRESS_H
#define ENVOI_MIME_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define ENVOI_ADDR_LOCAL_MAX 64   /* octets in a local part */
#define ENVOI_ADDR_DOMAIN_MAX 255 /* octets in a domain */

typedef struct envoi_mailbox {
    char *name; /* display name, UTF-8, unquoted; NULL when there is none */
    char *addr; /* addr-spec "local@domain" as given (a quoted local part stays quoted) */
} envoi_mailbox;

/* Parse one mailbox: "a@b", "<a@b>", "Name <a@b>", "\"Quoted, Name\" <a@b>".
 * Surrounding whitespace is ignored. Returns 0 and fills out (free it with
 * envoi_mailbox_clear), ENVOI_EHEADER when the text holds CR or LF,
 * ENVOI_EADDRESS when it is not a mailbox (bad UTF-8, no '@', empty or too
 * long parts, spaces or control characters in the address, text after '>'),
 * or ENVOI_ENOMEM. */
int envoi_mailbox_parse(const char *text, envoi_mailbox *out);
void envoi_mailbox_clear(envoi_mailbox *mb);

/* Check an addr-spec: local part a dot-atom or a quoted-string of at most 64
 * octets, '@', a domain of dot-separated labels (letters, digits, hyphens,
 * UTF-8) or a [literal], at most 255 octets. 0, ENVOI_EHEADER (CR, LF) or
 * ENVOI_EADDRESS. */
int envoi_address_check(const char *addr, size_t len);

/* True when the local part of a checked addr-spec is ASCII; when false the
 * message can only travel with SMTPUTF8. */
bool envoi_address_local_is_ascii(const char *addr);
/* True when the domain part of a checked addr-spec is ASCII. */
bool envoi_address_domain_is_ascii(const char *addr);

/* The envelope form of a checked addr-spec: the local part unchanged and the
 * domain converted to ASCII (IDNA2008 A-labels, UTS #46 non-transitional, via
 * libidn2) when it is not ASCII already. *out is a new string to free().
 * 0, ENVOI_EIDNA (the domain cannot be converted), ENVOI_EADDRESS or
 * ENVOI_ENOMEM. */
int envoi_address_to_envelope(const char *addr, char **out);

#endif
