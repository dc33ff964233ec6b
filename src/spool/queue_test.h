/* What the spool queue exposes to its tests and benchmark only: the number
 * of group commits and a clock they can move forward. */
#ifndef ENVOI_SPOOL_QUEUE_TEST_H
#define ENVOI_SPOOL_QUEUE_TEST_H

#include <stdint.h>

#include "spool/queue.h"

/* Transactions the group committer has committed since the queue opened. */
uint64_t spool_queue_commit_count(spool_queue *q);
/* Move this handle's clock by delta_ms (leases, retries, expiry). */
void spool_queue_shift_clock(spool_queue *q, int64_t delta_ms);

#endif
