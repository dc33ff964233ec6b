/* Library-wide entry points: initialization, the version, and the parsing of
 * the certificate relaxations that every session and the CLI share. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>

#include "envoi.h"

int envoi_init(void)
{
    /* OpenSSL makes this idempotent and thread-safe; it only ever fails when
     * memory is short. */
    if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) !=
        1)
        return ENVOI_ENOMEM;
    return 0;
}

const char *envoi_version(void)
{
    return ENVOI_VERSION_STRING;
}

struct relaxation {
    const char *word;
    int flags;
};

static const struct relaxation relaxations[] = {
    {"invalid", ENVOI_IGNORE_CERT_UNTRUSTED},
    {"untrusted", ENVOI_IGNORE_CERT_UNTRUSTED},
    {"name", ENVOI_IGNORE_CERT_NAME},
    {"expired", ENVOI_IGNORE_CERT_EXPIRED},
    {"revocation", ENVOI_IGNORE_CERT_REVOCATION},
    {"all", ENVOI_IGNORE_CERT_UNTRUSTED | ENVOI_IGNORE_CERT_NAME | ENVOI_IGNORE_CERT_EXPIRED |
                ENVOI_IGNORE_CERT_REVOCATION},
};

/* The flags of the word p[0..len), or -1. */
static int relaxation_flags(const char *p, size_t len)
{
    for (size_t i = 0; i < sizeof relaxations / sizeof relaxations[0]; i++)
        if (strlen(relaxations[i].word) == len && strncasecmp(relaxations[i].word, p, len) == 0)
            return relaxations[i].flags;
    return -1;
}

int envoi_ignore_cert_parse(const char *list)
{
    int flags = 0;
    const char *p = list ? list : "";
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *next = *end ? end + 1 : end;
        while (p < end && isspace((unsigned char)*p))
            p++;
        while (end > p && isspace((unsigned char)end[-1]))
            end--;
        if (end > p) { /* empty items ("name,,expired", a trailing comma) are skipped */
            int f = relaxation_flags(p, (size_t)(end - p));
            if (f < 0)
                return -1;
            flags |= f;
        }
        p = next;
    }
    return flags;
}
