/* Secrets in memory: copied, and wiped before being freed (see secret.h). */
#include "util/secret.h"

#include <stdlib.h>
#include <string.h>

char *envoi_strdup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void envoi_wipe(void *p, size_t len)
{
    if (p)
        explicit_bzero(p, len);
}

void envoi_secret_free(char *s)
{
    if (!s)
        return;
    envoi_wipe(s, strlen(s));
    free(s);
}
