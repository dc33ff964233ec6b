/* UID sets: sorting and deduplicating UIDs, and writing them as IMAP
 * sequence sets ("1:5,7,9:12") of bounded size for batched commands. */
#include <stdlib.h>
#include <string.h>

#include "imap/session.h"

static int cmp_uid(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int imap_uid_sort(const uint32_t *uids, size_t n, uint32_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    uint32_t *u = malloc((n ? n : 1) * sizeof *u);
    if (!u)
        return ENVOI_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (uids[i])
            u[k++] = uids[i];
    qsort(u, k, sizeof *u, cmp_uid);
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (m == 0 || u[m - 1] != u[i])
            u[m++] = u[i];
    *out = u;
    *count = m;
    return 0;
}

int imap_seqset(envoi_buf *out, const uint32_t *uids, size_t n, size_t *at, size_t max)
{
    envoi_buf_clear(out);
    size_t i = *at, end = n - i > max ? i + max : n;
    while (i < end) {
        size_t j = i;
        while (j + 1 < end && uids[j + 1] == uids[j] + 1)
            j++;
        int rc = j > i ? envoi_buf_printf(out, "%s%u:%u", out->len ? "," : "", uids[i], uids[j])
                       : envoi_buf_printf(out, "%s%u", out->len ? "," : "", uids[i]);
        if (rc < 0)
            return rc;
        i = j + 1;
    }
    *at = end;
    return 0;
}
