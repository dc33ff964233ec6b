/* DKIM private keys: PEM files read with their permissions checked, the
 * key kind mapped onto an algorithm, and the header hash input signed. */
#ifndef ENVOI_DKIM_KEY_H
#define ENVOI_DKIM_KEY_H

#include <openssl/evp.h>
#include <stddef.h>

#include "envoi/error.h"
#include "util/buf.h"

typedef enum dkim_alg {
    DKIM_ALG_RSA_SHA256,
    DKIM_ALG_ED25519_SHA256,
} dkim_alg;

/* "rsa-sha256" or "ed25519-sha256". */
const char *dkim_alg_name(dkim_alg alg);

/* Read a private key file into pem (wiped by the caller after use). The
 * file must be a regular file not readable by group or others.
 * 0 or ENVOI_EFILE / ENVOI_ENOMEM, with err naming the problem. */
int dkim_key_read_file(const char *path, envoi_buf *pem, envoi_error *err);

/* Parse PEM text (PKCS#8, or traditional RSA; an encrypted key is refused)
 * into *key: RSA of 1024 bits at least, or Ed25519. 0 or ENVOI_ECONFIG /
 * ENVOI_ENOMEM, with err naming the problem. */
int dkim_key_parse(const char *pem, size_t len, EVP_PKEY **key, dkim_alg *alg, envoi_error *err);

/* Sign the header hash input: RSASSA-PKCS1-v1_5 over SHA-256, or pure
 * Ed25519 over the SHA-256 of the input (RFC 8463). The signature is
 * appended base64-encoded (no line breaks) to out. The key is only read:
 * several threads may sign with it at once. 0 or ENVOI_ENOMEM /
 * ENVOI_EFORMAT (OpenSSL refused). */
int dkim_key_sign(EVP_PKEY *key, dkim_alg alg, const void *input, size_t len, envoi_buf *out);

#endif
