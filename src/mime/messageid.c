/* Message-ID and boundary generation from random tokens (see messageid.h). */
#include "mime/messageid.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envoi/error.h"
#include "util/random.h"

#define ID_RANDOM_LEN 28
#define HOST_MAX 256

static bool is_dns_name(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > 253 || s[0] == '.' || s[0] == '-' || s[len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.';
        if (!ok || (c == '.' && s[i + 1] == '.'))
            return false;
    }
    return true;
}

int mime_messageid_generate(char **out)
{
    char host[HOST_MAX + 1] = "";
    if (gethostname(host, HOST_MAX) < 0 || !is_dns_name(host))
        snprintf(host, sizeof host, "localhost");
    char rnd[ID_RANDOM_LEN + 1];
    if (envoi_random_alnum(rnd, ID_RANDOM_LEN) < 0)
        return ENVOI_EINVAL;
    rnd[ID_RANDOM_LEN] = '\0';
    size_t n = ID_RANDOM_LEN + 1 + strlen(host) + 1;
    *out = malloc(n);
    if (!*out)
        return ENVOI_ENOMEM;
    snprintf(*out, n, "%s@%s", rnd, host);
    return 0;
}

int mime_boundary_generate(char *out, size_t size)
{
    if (size < ID_RANDOM_LEN + 3)
        return ENVOI_EINVAL;
    out[0] = '=';
    out[1] = '_';
    if (envoi_random_alnum(out + 2, ID_RANDOM_LEN) < 0)
        return ENVOI_EINVAL;
    out[ID_RANDOM_LEN + 2] = '\0';
    return 0;
}
