/* DKIM key records (RFC 6376 section 3.6.1): the TXT text of
 * selector._domainkey.domain read into a public key and its flags; RSA keys
 * as DER SubjectPublicKeyInfo, Ed25519 keys as their raw 32 bytes (RFC 8463). */
#ifndef ENVOI_DKIM_KEYREC_H
#define ENVOI_DKIM_KEYREC_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "dkim/tags.h"

enum { DKIM_RSA_MIN_BITS = 1024 };

typedef enum dkim_key_type {
    DKIM_KEY_RSA = 0,
    DKIM_KEY_ED25519 = 1,
} dkim_key_type;

typedef struct dkim_keyrec {
    dkim_key_type type; /* k=, rsa by default */
    bool revoked;       /* p= is empty */
    bool testing;       /* t=y */
    bool strict;        /* t=s: the i= domain must be d= itself */
    int bits;           /* the RSA modulus size; 256 for Ed25519 */
    EVP_PKEY *key;      /* NULL when revoked */
} dkim_keyrec;

/* Read a key record. 0, ENVOI_EFORMAT with why (a sentence: "v= is not
 * DKIM1", "unknown key type k=dsa", "the key is not for SHA-256 (h=sha1)",
 * "the key is not for email (s=...)", "p= is not base64", "p= is not an RSA
 * public key", "the RSA key has only 512 bits (1024 at least)"), or
 * ENVOI_ENOMEM. A revoked key is read fine (revoked set, key NULL). */
int dkim_keyrec_parse(const char *text, size_t len, dkim_keyrec *out, char why[DKIM_TAGS_WHY_SIZE]);
void dkim_keyrec_free(dkim_keyrec *k);

#endif
