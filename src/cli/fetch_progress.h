/* What "envoi fetch" shows while it works and how it cuts the work into
 * durable batches, for its POP3 and IMAP halves. */
#ifndef ENVOI_CLI_FETCH_PROGRESS_H
#define ENVOI_CLI_FETCH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* "\rfetched DONE/TOTAL messages, N MiB, R messages/s" (a line end when
 * last), the rate counted from start. */
void cli_fetch_show_progress(FILE *errout, const struct timespec *start, size_t done, size_t total,
                             unsigned long long bytes, bool last);

/* How many of the messages from first (of total) go into one batch: at most
 * CLI_FETCH_BATCH_MESSAGES, and no more once CLI_FETCH_BATCH_BYTES are
 * reached (always at least one); size_of gives message i's size. */
size_t cli_fetch_batch_size(size_t first, size_t total,
                            unsigned long long (*size_of)(const void *ctx, size_t i),
                            const void *ctx);

#endif
