/* Message ids: 12 base-32 digits of the millisecond time (so ids sort by
 * submission time), then 10 random base-32 digits from the CSPRNG. */
#include "spool/queue_impl.h"

#include <openssl/rand.h>

#define ID_TIME_DIGITS 12
#define ID_RANDOM_DIGITS 10

/* Ascending in ASCII, so the text order is the numeric order. */
static const char digits32[] = "0123456789abcdefghijklmnopqrstuv";

int queue_id_new(char id[SPOOL_ID_SIZE], int64_t now_ms)
{
    unsigned char rnd[ID_RANDOM_DIGITS];
    if (RAND_bytes(rnd, (int)sizeof rnd) != 1)
        return ENVOI_EINVAL;
    uint64_t t = now_ms < 0 ? 0 : (uint64_t)now_ms;
    for (int i = ID_TIME_DIGITS - 1; i >= 0; i--) {
        id[i] = digits32[t & 31];
        t >>= 5;
    }
    for (size_t i = 0; i < ID_RANDOM_DIGITS; i++)
        id[ID_TIME_DIGITS + i] = digits32[rnd[i] & 31];
    id[ID_TIME_DIGITS + ID_RANDOM_DIGITS] = '\0';
    return 0;
}
