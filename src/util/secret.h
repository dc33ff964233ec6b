/* Secrets in memory: copied, and wiped before being freed. */
#ifndef ENVOI_UTIL_SECRET_H
#define ENVOI_UTIL_SECRET_H

#include <stddef.h>

/* strdup; NULL stays NULL. */
char *envoi_strdup_or_null(const char *s);
/* Wipe the string's bytes (explicit_bzero) and free it; NULL is fine. */
void envoi_secret_free(char *s);
void envoi_wipe(void *p, size_t len);

#endif
