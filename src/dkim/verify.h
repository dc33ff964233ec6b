/* What the files of the DKIM verifier share: the verifier's state, one
 * signature read from its DKIM-Signature field, and how a verdict is set. */
#ifndef ENVOI_DKIM_VERIFY_H
#define ENVOI_DKIM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "check/dns.h"
#include "dkim/canon.h"
#include "dkim/keyrec.h"
#include "dkim/tags.h"
#include "envoi/dkim.h"
#include "util/buf.h"

enum {
    DKIM_VERIFY_MAX_SIGNATURES = 16,
    DKIM_HASH_SIZE = 32, /* SHA-256 */
};

typedef struct dkim_given_key {
    char *domain; /* lowercased */
    char *selector;
    char *record;
} dkim_given_key;

struct envoi_dkim_verifier {
    envoi_error err;
    check_resolver resolver;
    time_t now; /* (time_t)-1: the clock */
    dkim_given_key *keys;
    size_t key_count;
    bool offline; /* only given keys, DNS never asked (the fuzz target sets it) */
};

typedef enum dkim_alg {
    DKIM_ALG_RSA_SHA256 = 0,
    DKIM_ALG_ED25519_SHA256 = 1,
} dkim_alg;

/* One DKIM-Signature field read and checked for syntax. */
typedef struct dkim_sig {
    const dkim_field *field;
    size_t value_offset; /* where the field's value starts in field->raw */
    dkim_tags tags;      /* pointing into field->raw + value_offset */
    dkim_alg alg;
    envoi_dkim_canon header_canon, body_canon;
    envoi_buf b;                      /* the signature, decoded */
    unsigned char bh[DKIM_HASH_SIZE]; /* the body hash, decoded */
    envoi_buf headers;                /* h=, white space removed */
    long long length;                 /* l=, or -1 */
    time_t expires;                   /* x=, or (time_t)-1 */
    const char *domain, *selector;    /* in the status */
} dkim_sig;

/* Verdicts: set st->result and st->reason (formatted). Returns 1 (a
 * verdict is reached) or ENVOI_ENOMEM. */
int dkim_verdict(envoi_dkim_status *st, envoi_dkim_result result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Read the signature of field f into sig and fill the status's domain,
 * selector, algorithm, identity and signed_at. 0 when it is well formed, 1
 * with a verdict (permerror), or ENVOI_ENOMEM. dkim_sig_free() afterwards
 * in every case. */
int dkim_sig_read(const dkim_field *f, dkim_sig *sig, envoi_dkim_status *st);
void dkim_sig_free(dkim_sig *sig);

/* The key for sig: a given one, else the TXT record of
 * selector._domainkey.domain. 0 with *key filled, 1 with a verdict
 * (permerror: no key, a malformed or unusable record; temperror: the lookup
 * failed), or ENVOI_ENOMEM. */
int dkim_key_fetch(envoi_dkim_verifier *v, const dkim_sig *sig, envoi_dkim_status *st,
                   dkim_keyrec *key);

/* The body hash and the signature checked against the key. 0 on a pass, 1
 * with a verdict (fail, or neutral for l= not covering the body), or
 * ENVOI_ENOMEM. */
int dkim_sig_check(const dkim_header *h, const void *source, size_t len, const dkim_sig *sig,
                   const dkim_keyrec *key, envoi_dkim_status *st);

#endif
