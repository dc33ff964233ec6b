/* The bearer token of the HTTP API: read from its file (which no one but
 * its owner may read) and compared in constant time. */
#ifndef ENVOI_DAEMON_TOKEN_H
#define ENVOI_DAEMON_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/error.h"

typedef struct envoid_token {
    char *value; /* NULL: no token configured */
    size_t len;
} envoid_token;

/* The first line of path. ENVOI_ECONFIG when the file is readable by its
 * group or others, or when the token is empty or shorter than 16 bytes;
 * ENVOI_EFILE when it cannot be read. */
int envoid_token_load(envoid_token *t, const char *path, envoi_error *err);
/* Wipe and free. */
void envoid_token_clear(envoid_token *t);
/* True when no token is configured, or the header is "Bearer <token>". */
bool envoid_token_accepts(const envoid_token *t, const char *authorization);

#endif
