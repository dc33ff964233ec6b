/* envoi — mailto: URIs (RFC 6068): build one from recipients, a subject, a
 * body and other header fields, parse one back, and open one with the
 * desktop's mail program (xdg-open).
 *
 * A mailto handle holds the fields of one URI: the to, cc and bcc lists,
 * the subject, the body and any other header fields (in-reply-to, keywords,
 * from...) in the order given. Strings are UTF-8, copied in; the handle owns
 * what its getters return (valid until the field changes or the handle is
 * freed). CR and LF may only appear in the body: an address, the subject or
 * another header field holding one is refused with ENVOI_EHEADER, so a URI
 * can never smuggle a header line into the message it prefills; other control
 * characters but tab are refused there too (ENVOI_EINVAL). */
#ifndef ENVOI_MAILTO_H
#define ENVOI_MAILTO_H

#include <stddef.h>

#include "envoi/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_mailto envoi_mailto;

/* The recipient lists. */
typedef enum envoi_mailto_list {
    ENVOI_MAILTO_TO,
    ENVOI_MAILTO_CC,
    ENVOI_MAILTO_BCC,
} envoi_mailto_list;

/* A URI (or a parsed one) is at most this long: 1 MiB. */
#define ENVOI_MAILTO_MAX_LEN ((size_t)1 << 20)

/* An empty handle; NULL when out of memory. Free it with envoi_mailto_free. */
envoi_mailto *envoi_mailto_new(void);
void envoi_mailto_free(envoi_mailto *m);

/* Add recipients to a list. text is one address or a comma-separated list
 * ("a@example.org, Jane <j@example.org>"); commas inside quotes or angle
 * brackets do not split it; spaces around each address are dropped and
 * empty items skipped. Addresses are kept as written (UTF-8 local parts and
 * domains stay UTF-8). Returns 0, ENVOI_EHEADER (CR, LF), ENVOI_EINVAL (not
 * UTF-8, a control character, or no address at all) or ENVOI_ENOMEM. */
int envoi_mailto_add(envoi_mailto *m, envoi_mailto_list list, const char *text);
/* Number of addresses in a list, and the i-th (NULL when out of range). */
size_t envoi_mailto_count(const envoi_mailto *m, envoi_mailto_list list);
const char *envoi_mailto_get(const envoi_mailto *m, envoi_mailto_list list, size_t i);

/* The subject (NULL clears it). Returns 0, ENVOI_EHEADER (CR, LF),
 * ENVOI_EINVAL (not UTF-8, a control character) or ENVOI_ENOMEM. */
int envoi_mailto_set_subject(envoi_mailto *m, const char *subject);
/* NULL when none was set. */
const char *envoi_mailto_subject(const envoi_mailto *m);

/* The body (NULL clears it). Any line end (LF, CR, CRLF) is kept as given
 * here and written as %0D%0A in the URI. Returns 0, ENVOI_EINVAL (not
 * UTF-8) or ENVOI_ENOMEM. */
int envoi_mailto_set_body(envoi_mailto *m, const char *body);
/* NULL when none was set. */
const char *envoi_mailto_body(const envoi_mailto *m);

/* Add another header field (name compared without regard to case): "to",
 * "cc" and "bcc" add recipients, "subject" and "body" set those, any other
 * name (in-reply-to, keywords, from...) is kept in order as given. A name is
 * printable ASCII without ':'. Returns 0, ENVOI_EHEADER (CR or LF in the name
 * or, except for the body, the value), ENVOI_EINVAL (bad name, not UTF-8) or
 * ENVOI_ENOMEM. */
int envoi_mailto_add_header(envoi_mailto *m, const char *name, const char *value);
/* Number of other header fields, and the i-th one's name and value.
 * Returns 0, or ENVOI_ENOTFOUND when i is out of range. */
size_t envoi_mailto_header_count(const envoi_mailto *m);
int envoi_mailto_header(const envoi_mailto *m, size_t i, const char **name, const char **value);

/* The URI of the fields, into *uri (NUL-terminated; free() it): the leading
 * plain to addresses in the path, the others as to=, cc=, bcc=, then
 * subject=, the other header fields and body=. UTF-8 is percent-encoded;
 * only unreserved characters and the some-delims RFC 6068 allows stay raw
 * (not ',' or ';' inside an address); space is %20 and every line end of the
 * body %0D%0A. Returns 0 or ENVOI_ENOMEM. */
int envoi_mailto_build(const envoi_mailto *m, char **uri);

/* Parse uri[0..len) into a new handle *out (free it). The scheme is
 * "mailto:" in any case; addresses come from the path and every to=, cc=
 * and bcc= (lists joined); header field names are matched without regard to
 * case; unknown ones are kept. '+' is a plus, not a space. The body's line
 * ends come back as CRLF; a repeated subject or body: the last one wins.
 * Returns 0, ENVOI_EINVAL (not a mailto URI, a bad percent escape, %00, a
 * raw '#' or control character, text that is not UTF-8 once decoded (or a
 * control character decoded outside the body), longer
 * than ENVOI_MAILTO_MAX_LEN), ENVOI_EHEADER (CR or LF decoded outside the
 * body) or ENVOI_ENOMEM; err (may be NULL) then says what and where. */
int envoi_mailto_parse(const char *uri, size_t len, envoi_mailto **out, envoi_error *err);

/* Hand a mailto: URI to the desktop's mail program: runs `xdg-open URI`
 * (found on PATH, no shell) and waits for it. The URI must parse (see
 * envoi_mailto_parse). Returns 0, ENVOI_EINVAL (not a good mailto URI),
 * ENVOI_EUNSUPPORTED (xdg-open is not on PATH, or it failed: no mail
 * program is set up for mailto:) or ENVOI_EIO (it could not be started);
 * err (may be NULL) says which. */
int envoi_mailto_open(const char *uri, envoi_error *err);

#ifdef __cplusplus
}
#endif
#endif
