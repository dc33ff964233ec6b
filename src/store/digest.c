/* SHA-256 through OpenSSL's EVP interface, as hex (see digest.h). */
#include "store/digest.h"

#include <openssl/evp.h>
#include <stdlib.h>

#include "envoi/error.h"

struct store_digest {
    EVP_MD_CTX *md;
};

static void write_hex(const unsigned char *sha, char out[STORE_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = digits[sha[i] >> 4];
        out[2 * i + 1] = digits[sha[i] & 15];
    }
    out[64] = '\0';
}

int store_sha256_hex(const void *data, size_t len, char out[STORE_SHA256_HEX])
{
    unsigned char sha[32];
    if (!EVP_Digest(len ? data : "", len, sha, NULL, EVP_sha256(), NULL))
        return ENVOI_ENOMEM;
    write_hex(sha, out);
    return 0;
}

store_digest *store_digest_new(void)
{
    store_digest *d = malloc(sizeof *d);
    if (!d)
        return NULL;
    d->md = EVP_MD_CTX_new();
    if (!d->md || !EVP_DigestInit_ex(d->md, EVP_sha256(), NULL)) {
        store_digest_free(d);
        return NULL;
    }
    return d;
}

int store_digest_update(void *digest, const void *data, size_t len)
{
    store_digest *d = digest;
    return EVP_DigestUpdate(d->md, data, len) ? 0 : ENVOI_ENOMEM;
}

int store_digest_finish(store_digest *d, char out[STORE_SHA256_HEX])
{
    unsigned char sha[32];
    int ok = EVP_DigestFinal_ex(d->md, sha, NULL);
    store_digest_free(d);
    if (!ok)
        return ENVOI_ENOMEM;
    write_hex(sha, out);
    return 0;
}

void store_digest_free(store_digest *d)
{
    if (!d)
        return;
    EVP_MD_CTX_free(d->md);
    free(d);
}
