/* SASL client mechanisms as small step functions: a challenge comes in, a
 * response goes out, both base64 as they travel in SMTP, POP3 and IMAP.
 *
 * Mechanisms: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER (RFC 7628). When
 * none is named, envoi_sasl_choose picks, from what the server offers:
 * OAUTHBEARER, then XOAUTH2, when a token is set (and only then); otherwise
 * CRAM-MD5, then PLAIN, then LOGIN. CRAM-MD5 comes first because it does not
 * reveal the password; PLAIN before LOGIN because it takes one round trip.
 * Authentication is only ever attempted over TLS unless the caller allowed
 * plain text, so PLAIN is safe to choose. */
#ifndef ENVOI_PROTO_SASL_H
#define ENVOI_PROTO_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct envoi_sasl envoi_sasl;

typedef struct envoi_sasl_creds {
    const char *user;
    const char *password; /* PLAIN, LOGIN, CRAM-MD5 */
    const char *token;    /* XOAUTH2, OAUTHBEARER */
    const char *host;     /* OAUTHBEARER host= and port= fields */
    unsigned port;
} envoi_sasl_creds;

/* The mechanism to use: `forced` when the server offers it (NULL when not),
 * else the strongest of `offered` (space separated, any case) that the
 * credentials allow. NULL when none fits. */
const char *envoi_sasl_choose(const char *offered, const char *forced, bool have_password,
                              bool have_token);
/* True when mech names a mechanism envoi implements (any case). */
bool envoi_sasl_known(const char *mech);

/* Start a mechanism; credentials are copied (and wiped on free).
 * ENVOI_EINVAL for an unknown mechanism or missing credentials. */
int envoi_sasl_new(envoi_sasl **out, const char *mech, const envoi_sasl_creds *creds);
void envoi_sasl_free(envoi_sasl *s);
/* The canonical (upper case) mechanism name. */
const char *envoi_sasl_name(const envoi_sasl *s);

/* The initial response, base64, to send with the AUTH command ("=" when it
 * is empty). *has = false when the mechanism waits for a first challenge. */
int envoi_sasl_initial(envoi_sasl *s, envoi_buf *out, bool *has);
/* Answer a base64 challenge with a base64 response. ENVOI_EPROTOCOL when
 * the challenge is not base64 or comes when none is expected. */
int envoi_sasl_step(envoi_sasl *s, const char *challenge, size_t len, envoi_buf *out);

/* The raw (not base64) responses, for tests and reuse. */
int envoi_sasl_plain_response(const char *user, const char *password, envoi_buf *out);
int envoi_sasl_cram_md5_response(const char *user, const char *password,
                                 const unsigned char *challenge, size_t len, envoi_buf *out);
int envoi_sasl_xoauth2_response(const char *user, const char *token, envoi_buf *out);
int envoi_sasl_oauthbearer_response(const char *user, const char *token, const char *host,
                                    unsigned port, envoi_buf *out);

/* Base64 (RFC 4648) for SASL payloads. decode: ENVOI_EPROTOCOL on bad input. */
int envoi_sasl_b64_encode(const void *data, size_t len, envoi_buf *out);
int envoi_sasl_b64_decode(const char *text, size_t len, envoi_buf *out);

#endif
