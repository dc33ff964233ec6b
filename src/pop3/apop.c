/* APOP (RFC 1939 section 7): the MD5 of the greeting's timestamp followed by
 * the password, in lower-case hex. */
#include <string.h>

#include <openssl/evp.h>

#include "pop3/wire.h"
#include "util/secret.h"

bool pop3_apop_timestamp(const char *text, size_t len, const char **ts, size_t *ts_len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '<')
            continue;
        size_t j = i + 1;
        bool at = false;
        while (j < len && text[j] != '>' && (unsigned char)text[j] > 0x20 &&
               (unsigned char)text[j] < 0x7f && text[j] != '<')
            at |= text[j++] == '@';
        if (j < len && text[j] == '>' && at) {
            *ts = text + i;
            *ts_len = j - i + 1;
            return true;
        }
    }
    return false;
}

int pop3_apop_digest(const char *ts, size_t ts_len, const char *password, char hex[33])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) && EVP_DigestUpdate(ctx, ts, ts_len) &&
             EVP_DigestUpdate(ctx, password, strlen(password)) && EVP_DigestFinal_ex(ctx, md, &n) &&
             n == 16;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return ENVOI_EINVAL;
    for (size_t i = 0; i < 16; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[32] = '\0';
    envoi_wipe(md, sizeof md);
    return 0;
}
