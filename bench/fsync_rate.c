/* fsync_rate: how many durable 4 KiB writes per second the disk takes, one
 * after another (write, then fdatasync or fsync): the rate a queue without
 * group commit could not exceed.
 *
 *   fsync_rate [--fsync] [SECONDS [DIR]]
 *
 * Overwrites 4 KiB blocks in turn in a file of 1 MiB under DIR (default
 * /var/tmp), written and synced once before the clock starts, for SECONDS
 * (default 2); fdatasync by default, --fsync for fsync. Prints one key=value
 * line: "sent=" (syncs), "seconds=", "fsyncs_per_s=" (also as msgs_per_s=),
 * "cpu_s=", "cpu_ms_per_msg=". */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

#define BLOCK 4096
#define BLOCKS 256

static int sync_file(int fd, bool full)
{
    return full ? fsync(fd) : fdatasync(fd);
}

/* Write the whole file once and sync it, so that the loop only overwrites. */
static int prepare(int fd, const char *block)
{
    for (size_t i = 0; i < BLOCKS; i++)
        if (pwrite(fd, block, BLOCK, (off_t)(i * BLOCK)) != BLOCK)
            return -1;
    return fsync(fd);
}

int main(int argc, char **argv)
{
    bool full = false;
    int arg = 1;
    if (argc > 1 && strcmp(argv[1], "--fsync") == 0) {
        full = true;
        arg++;
    }
    double limit = argc > arg ? atof(argv[arg]) : 2.0;
    const char *base = argc > arg + 1 ? argv[arg + 1] : "/var/tmp";
    if (limit <= 0 || argc > arg + 2) {
        fprintf(stderr, "usage: fsync_rate [--fsync] [SECONDS [DIR]]\n");
        return 64;
    }
    char path[512];
    if ((size_t)snprintf(path, sizeof path, "%s/envoi-fsync-rate-XXXXXX", base) >= sizeof path) {
        fprintf(stderr, "fsync_rate: %s: path too long\n", base);
        return 64;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "fsync_rate: %s: %s\n", path, strerror(errno));
        return 73;
    }
    unlink(path);
    static char block[BLOCK];
    memset(block, 'x', sizeof block);
    if (prepare(fd, block) != 0) {
        fprintf(stderr, "fsync_rate: preparing the file: %s\n", strerror(errno));
        return 74;
    }
    double cpu0 = bench_cpu_seconds();
    double start = bench_now(), elapsed = 0;
    unsigned long syncs = 0;
    while (elapsed < limit) {
        block[syncs % BLOCK] = (char)('a' + syncs % 26);
        off_t at = (off_t)((syncs % BLOCKS) * BLOCK);
        if (pwrite(fd, block, BLOCK, at) != BLOCK || sync_file(fd, full) != 0) {
            fprintf(stderr, "fsync_rate: %s\n", strerror(errno));
            close(fd);
            return 74;
        }
        syncs++;
        elapsed = bench_now() - start;
    }
    double cpu = bench_cpu_seconds() - cpu0;
    close(fd);
    double rate = (double)syncs / elapsed;
    printf("sent=%lu failed=0 seconds=%.4f msgs_per_s=%.1f fsyncs_per_s=%.1f cpu_s=%.4f "
           "cpu_ms_per_msg=%.4f call=%s\n",
           syncs, elapsed, rate, rate, cpu, cpu * 1000 / (double)syncs,
           full ? "fsync" : "fdatasync");
    return 0;
}
