/* Fuzz the date parser: any input gives 0 with a time inside years 1..9999,
 * or ENVOI_EINVAL, and parsing is deterministic. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "envoi/error.h"
#include "mime/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    time_t t = 0, again = 0;
    int rc = mime_date_parse((const char *)data, size, &t);
    if (rc != 0 && rc != ENVOI_EINVAL)
        abort();
    if (rc == 0) {
        /* 0001-01-01 minus a day .. 9999-12-31 plus a day. */
        if ((long long)t < -62135683200LL || (long long)t > 253402387200LL)
            abort();
        if (mime_date_parse((const char *)data, size, &again) != 0 || again != t)
            abort();
    }
    return 0;
}
