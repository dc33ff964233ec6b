/* The progress line and the batch sizes of "envoi fetch". */
#include "cli/fetch_progress.h"

#include "cli/fetch.h"

void cli_fetch_show_progress(FILE *errout, const struct timespec *start, size_t done, size_t total,
                             unsigned long long bytes, bool last)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs = (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
    double rate = secs > 0 ? (double)done / secs : 0;
    fprintf(errout, "\rfetched %zu/%zu messages, %.1f MiB, %.0f messages/s%s", done, total,
            (double)bytes / (1024.0 * 1024.0), rate, last ? "\n" : "");
    fflush(errout);
}

size_t cli_fetch_batch_size(size_t first, size_t total,
                            unsigned long long (*size_of)(const void *ctx, size_t i),
                            const void *ctx)
{
    size_t n = 0;
    unsigned long long bytes = 0;
    while (first + n < total && n < CLI_FETCH_BATCH_MESSAGES &&
           (n == 0 || bytes < CLI_FETCH_BATCH_BYTES)) {
        bytes += size_of(ctx, first + n);
        n++;
    }
    return n;
}
