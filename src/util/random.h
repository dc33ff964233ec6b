/* Random tokens for Message-IDs and MIME boundaries (OpenSSL's CSPRNG). */
#ifndef ENVOI_UTIL_RANDOM_H
#define ENVOI_UTIL_RANDOM_H

#include <stddef.h>

/* Write n random characters from [A-Za-z0-9] into out (no NUL added).
 * 0, or ENVOI_EINVAL when the generator fails. */
int envoi_random_alnum(char *out, size_t n);

#endif
