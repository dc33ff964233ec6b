/* SASL CRAM-MD5 (RFC 2195): "user " and the hex HMAC-MD5 of the challenge
 * keyed with the password. */
#include "proto/sasl.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "envoi/error.h"
#include "util/secret.h"

static int hmac_md5(const char *key, const unsigned char *data, size_t len, unsigned char mac[16])
{
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    char digest[] = "MD5";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t n = 0;
    int ok = ctx && EVP_MAC_init(ctx, (const unsigned char *)key, strlen(key), params) &&
             EVP_MAC_update(ctx, data, len) && EVP_MAC_final(ctx, mac, &n, 16) && n == 16;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(hmac);
    return ok ? 0 : ENVOI_EINVAL;
}

int envoi_sasl_cram_md5_response(const char *user, const char *password,
                                 const unsigned char *challenge, size_t len, envoi_buf *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[16];
    int rc = hmac_md5(password, challenge, len, mac);
    if (rc < 0)
        return rc;
    char text[33];
    for (size_t i = 0; i < 16; i++) {
        text[2 * i] = hex[mac[i] >> 4];
        text[2 * i + 1] = hex[mac[i] & 15];
    }
    text[32] = '\0';
    rc = envoi_buf_printf(out, "%s %s", user, text);
    envoi_wipe(mac, sizeof mac);
    return rc;
}
