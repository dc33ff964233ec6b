/* SHA-256 as 64 lowercase hex digits: of a buffer, or of bytes fed in pieces
 * (a decoded attachment). */
#ifndef ENVOI_STORE_DIGEST_H
#define ENVOI_STORE_DIGEST_H

#include <stddef.h>

#define STORE_SHA256_HEX 65 /* 64 digits and a NUL */

typedef struct store_digest store_digest;

/* 0, or ENVOI_ENOMEM. */
int store_sha256_hex(const void *data, size_t len, char out[STORE_SHA256_HEX]);
/* NULL when out of memory. */
store_digest *store_digest_new(void);
/* An envoi_write_fn: 0, or ENVOI_ENOMEM when the hash fails. */
int store_digest_update(void *digest, const void *data, size_t len);
/* Write the hex digest and free d. 0 or ENVOI_ENOMEM. */
int store_digest_finish(store_digest *d, char out[STORE_SHA256_HEX]);
void store_digest_free(store_digest *d);

#endif
