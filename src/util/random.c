/* Random alphanumeric tokens from RAND_bytes (see random.h). */
#include "util/random.h"

#include <openssl/rand.h>

#include "envoi/error.h"

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int envoi_random_alnum(char *out, size_t n)
{
    unsigned char bytes[64];
    size_t done = 0;
    while (done < n) {
        if (RAND_bytes(bytes, (int)sizeof bytes) != 1)
            return ENVOI_EINVAL;
        /* 62 letters: keep bytes below 248 (4 * 62) so every letter is equally likely. */
        for (size_t i = 0; i < sizeof bytes && done < n; i++)
            if (bytes[i] < 248)
                out[done++] = alnum[bytes[i] % 62];
    }
    return 0;
}
