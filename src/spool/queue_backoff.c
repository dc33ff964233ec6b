/* The retry policy's delays: exponential from the first retry, capped,
 * with a random jitter so messages failing together spread out. */
#include "spool/queue_impl.h"

#include <openssl/rand.h>
#include <time.h>

/* A uniform value in [0, 1): the CSPRNG, or the clock when it fails. */
static double uniform(void)
{
    uint32_t r;
    if (RAND_bytes((unsigned char *)&r, (int)sizeof r) != 1)
        r = (uint32_t)clock();
    return (double)r / 4294967296.0;
}

int64_t queue_backoff_ms(const spool_policy *p, unsigned attempts)
{
    double factor = p->factor >= 1 ? p->factor : 1;
    double delay = (double)p->first_retry_s;
    for (unsigned i = 1; i < attempts && delay < (double)p->max_retry_s; i++)
        delay *= factor;
    if (delay > (double)p->max_retry_s)
        delay = (double)p->max_retry_s;
    unsigned pct = p->jitter_pct > 100 ? 100 : p->jitter_pct;
    double spread = delay * (double)pct / 100.0;
    delay += spread * (2.0 * uniform() - 1.0);
    return delay > 0 ? (int64_t)(delay * 1000.0 + 0.5) : 0;
}
