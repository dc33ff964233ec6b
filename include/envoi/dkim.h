/* envoi — DKIM (RFC 6376): signing outgoing messages with rsa-sha256 or
 * ed25519-sha256 (RFC 8463), and verifying the signatures of received ones.
 *
 *     envoi_dkim_signer *k = envoi_dkim_signer_new();
 *     if (envoi_dkim_signer_set_key_file(k, "example.org", "mail", "/etc/envoi/mail.pem") < 0)
 *         fprintf(stderr, "%s\n", envoi_dkim_signer_error(k)->message);
 *     char *field; size_t n;
 *     envoi_dkim_sign(k, source, source_len, &field, &n);   // "DKIM-Signature: ...\r\n"
 *     // send field, then source
 *     free(field);
 *     envoi_dkim_signer_free(k);
 *
 * Signing defaults: relaxed/relaxed canonicalization, no l= (the whole body
 * is signed), t= the current time, no x=, and the header fields of
 * ENVOI_DKIM_DEFAULT_HEADERS, where From, Subject, To, Cc, Date, Reply-To,
 * Message-ID, In-Reply-To, References, MIME-Version, Content-Type and
 * Content-Transfer-Encoding appear once more than in the message
 * ("over-signing": a field of that name added later breaks the signature).
 * The algorithm follows the key: an RSA key (1024 bits at least; 2048 or
 * more recommended) signs rsa-sha256, an Ed25519 key ed25519-sha256.
 *
 * A configured signer is read-only: several threads may sign with it at
 * once. A verifier belongs to one thread at a time. */
#ifndef ENVOI_DKIM_H
#define ENVOI_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Colon-separated, as the h= tag writes them; a name listed twice is
 * over-signed (see above). */
#define ENVOI_DKIM_DEFAULT_HEADERS                                                                 \
    "from:from:reply-to:reply-to:subject:subject:date:date:to:to:cc:cc:message-id:message-id:"     \
    "in-reply-to:in-reply-to:references:references:mime-version:mime-version:content-type:"        \
    "content-type:content-transfer-encoding:content-transfer-encoding:sender:list-id:"             \
    "list-unsubscribe:list-unsubscribe-post"

typedef enum envoi_dkim_canon {
    ENVOI_DKIM_RELAXED = 0,
    ENVOI_DKIM_SIMPLE = 1,
} envoi_dkim_canon;

typedef struct envoi_dkim_signer envoi_dkim_signer;

envoi_dkim_signer *envoi_dkim_signer_new(void);
void envoi_dkim_signer_free(envoi_dkim_signer *k);
/* The last error of the signer's settings or of a signature. */
const envoi_error *envoi_dkim_signer_error(const envoi_dkim_signer *k);

/* The signing domain (d=, ASCII or UTF-8 turned into A-labels), the selector
 * (s=) and the private key, from a PEM file (PKCS#8 or traditional RSA; the
 * file must not be readable by group or others: ENVOI_EFILE) or from PEM text
 * in memory. ENVOI_EINVAL for a bad domain or selector, ENVOI_EFILE for a
 * file that cannot be read, ENVOI_ECONFIG for a key that is not RSA (>= 1024
 * bits) or Ed25519, with the error naming what is wrong. */
int envoi_dkim_signer_set_key_file(envoi_dkim_signer *k, const char *domain, const char *selector,
                                   const char *pem_path);
int envoi_dkim_signer_set_key_pem(envoi_dkim_signer *k, const char *domain, const char *selector,
                                  const char *pem, size_t len);
/* The algorithm the key signs with: "rsa-sha256" or "ed25519-sha256";
 * NULL while no key is set. */
const char *envoi_dkim_signer_algorithm(const envoi_dkim_signer *k);
/* Header and body canonicalization (c=); default relaxed/relaxed. */
int envoi_dkim_signer_set_canonicalization(envoi_dkim_signer *k, envoi_dkim_canon header,
                                           envoi_dkim_canon body);
/* The header fields to sign, colon-separated (h= syntax, case-insensitive);
 * "from" must be among them (ENVOI_EINVAL otherwise). NULL: the default. */
int envoi_dkim_signer_set_headers(envoi_dkim_signer *k, const char *names);
/* i= (the agent or user identifier, whose domain must be d= or a
 * subdomain of it); NULL: none. */
int envoi_dkim_signer_set_identity(envoi_dkim_signer *k, const char *identity);
/* l=: sign only the body length seen (never by default: l= lets anyone
 * append to the body). */
int envoi_dkim_signer_set_body_length(envoi_dkim_signer *k, bool on);
/* x=: the signature expires this many seconds after t=; 0: no x=. */
int envoi_dkim_signer_set_expiry(envoi_dkim_signer *k, unsigned long seconds);
/* t=: a fixed signing time (tests, reproducible output); (time_t)-1: the
 * time of each signature (default). */
int envoi_dkim_signer_set_time(envoi_dkim_signer *k, time_t when);

/* Sign a whole message source (header, empty line, body; CRLF or bare LF
 * line ends, read as CRLF). *field receives the DKIM-Signature header
 * field, folded at 78 columns, ending with CRLF, NUL-terminated, malloc'd:
 * put it before the message's first header field. 0 or a negative
 * ENVOI_E* code (ENVOI_EINVAL: no From field, or several). */
int envoi_dkim_sign(envoi_dkim_signer *k, const void *source, size_t len, char **field,
                    size_t *field_len);

/* The same, fed in pieces (a message serialized as a stream); the pieces
 * may cut lines anywhere. envoi_dkim_sign_finish frees the state, also on
 * error; envoi_dkim_sign_abort frees it unfinished. */
typedef struct envoi_dkim_sign_state envoi_dkim_sign_state;
envoi_dkim_sign_state *envoi_dkim_sign_begin(envoi_dkim_signer *k);
int envoi_dkim_sign_update(envoi_dkim_sign_state *st, const void *data, size_t len);
int envoi_dkim_sign_finish(envoi_dkim_sign_state *st, char **field, size_t *field_len);
void envoi_dkim_sign_abort(envoi_dkim_sign_state *st);

/* ---- verifying ---- */

typedef enum envoi_dkim_result {
    ENVOI_DKIM_PASS = 0,      /* the signature verifies */
    ENVOI_DKIM_FAIL = 1,      /* body hash or signature mismatch */
    ENVOI_DKIM_NEUTRAL = 2,   /* syntactically fine but not acceptable (expired, l= not
                                 covering the body) */
    ENVOI_DKIM_TEMPERROR = 3, /* the key could not be fetched now (DNS timeout, SERVFAIL) */
    ENVOI_DKIM_PERMERROR = 4, /* malformed signature or key record, no key, revoked key (empty
                                 p=, RFC 6376 section 6.1.2), unknown algorithm, rsa-sha1
                                 (RFC 8301), an RSA key under 1024 bits */
} envoi_dkim_result;

/* "pass", "fail", "neutral", "temperror", "permerror" (RFC 8601 words). */
const char *envoi_dkim_result_name(envoi_dkim_result r);

typedef struct envoi_dkim_status {
    envoi_dkim_result result;
    char *domain;     /* d=, NULL when the signature could not be read that far */
    char *selector;   /* s= */
    char *algorithm;  /* a= as written */
    char *identity;   /* i=, or "@" d= when absent */
    char *reason;     /* one sentence: why it is not a pass ("body hash mismatch",
                         "no key for mail._domainkey.example.org (NXDOMAIN)"); "" on pass */
    bool testing;     /* the key record says t=y */
    time_t signed_at; /* t=, or (time_t)-1 */
} envoi_dkim_status;

typedef struct envoi_dkim_verifier envoi_dkim_verifier;

envoi_dkim_verifier *envoi_dkim_verifier_new(void);
void envoi_dkim_verifier_free(envoi_dkim_verifier *v);
const envoi_error *envoi_dkim_verifier_error(const envoi_dkim_verifier *v);
/* Ask this nameserver ("IP", "IP:PORT", "[IPv6]:PORT") instead of the
 * system's resolver; timeout per DNS query in milliseconds (default 10 s). */
int envoi_dkim_verifier_set_nameserver(envoi_dkim_verifier *v, const char *server);
int envoi_dkim_verifier_set_timeout(envoi_dkim_verifier *v, int ms);
/* A key record given directly for selector._domainkey.domain (its TXT
 * text, "v=DKIM1; k=rsa; p=..."), asked before DNS; may be called for
 * several keys. */
int envoi_dkim_verifier_add_key(envoi_dkim_verifier *v, const char *domain, const char *selector,
                                const char *record);
/* The time x= is compared with; (time_t)-1: now (default). */
int envoi_dkim_verifier_set_time(envoi_dkim_verifier *v, time_t now);

/* Verify every DKIM-Signature field of a message source (the first 16 at
 * most), in the order they appear. *out is a malloc'd array of *count
 * statuses (count 0 and *out NULL for a message without signature); free
 * it with envoi_dkim_status_free. Returns 0 when the message could be
 * read, whatever the verdicts, or ENVOI_ENOMEM. */
int envoi_dkim_verify(envoi_dkim_verifier *v, const void *source, size_t len,
                      envoi_dkim_status **out, size_t *count);
void envoi_dkim_status_free(envoi_dkim_status *statuses, size_t count);

#ifdef __cplusplus
}
#endif

#endif
