/* Spool queue benchmark: durable submissions per second through the library
 * with one or many submitting threads (group commit).
 *
 *   spool_submit [THREADS [COUNT [DIR [FILE]]]]
 *
 * THREADS submitters (default 1) share COUNT submissions (default 2000) of
 * a 2 KiB message (or the message in FILE) into a fresh queue under DIR
 * (default /var/tmp). Prints
 * one key=value line: "threads=", "sent=" (submissions), "failed=",
 * "seconds=", "msgs_per_s=" (submissions per second, the queue's opening not
 * counted), "cpu_s=", "cpu_ms_per_msg=" and "commits=" (transactions, each
 * one fsync of the write-ahead log). */
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_clock.h"

#include "spool/queue.h"
#include "spool/queue_test.h"

static char builtin[2048];
static const char *source = builtin;
static size_t source_len = sizeof builtin;
static atomic_long remaining;
static atomic_int failures;

static void make_source(void)
{
    static const char head[] = "From: bench@example.org\r\nTo: sink@example.net\r\n"
                               "Subject: spool benchmark\r\n\r\n";
    memset(builtin, 'x', sizeof builtin);
    memcpy(builtin, head, sizeof head - 1);
    for (size_t i = sizeof head + 70; i + 2 < sizeof builtin; i += 72)
        memcpy(builtin + i, "\r\n", 2);
}

/* The message in path, kept for the whole run. 0 or -1. */
static int read_source(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    static char *data;
    size_t cap = 0, len = 0, n;
    char chunk[8192];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *grown = realloc(data, cap);
            if (!grown) {
                fclose(f);
                return -1;
            }
            data = grown;
        }
        memcpy(data + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (len == 0) {
        fprintf(stderr, "spool_submit: %s: empty\n", path);
        return -1;
    }
    source = data;
    source_len = len;
    return 0;
}

static void *submitter(void *arg)
{
    spool_queue *q = arg;
    static const char *const rcpt[] = {"sink@example.net"};
    spool_submission m = {.from = "bench@example.org",
                          .recipients = rcpt,
                          .recipient_count = 1,
                          .source = source,
                          .source_len = source_len};
    while (atomic_fetch_sub(&remaining, 1) > 0) {
        char id[SPOOL_ID_SIZE];
        envoi_error err;
        if (spool_queue_submit(q, &m, id, &err) != 0) {
            if (atomic_fetch_add(&failures, 1) == 0)
                fprintf(stderr, "spool_submit: %s\n", err.text);
        }
    }
    return NULL;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    long count = argc > 2 ? atol(argv[2]) : 2000;
    const char *base = argc > 3 ? argv[3] : "/var/tmp";
    if (threads < 1 || threads > 1024 || count < 1 || argc > 5) {
        fprintf(stderr, "usage: spool_submit [THREADS [COUNT [DIR [FILE]]]]\n");
        return 64;
    }
    make_source();
    if (argc > 4 && read_source(argv[4]) != 0)
        return 66;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/envoi-spool-bench-XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror(dir);
        return 73;
    }
    spool_queue *q;
    envoi_error err;
    if (spool_queue_open(&q, dir, NULL, &err) != 0) {
        fprintf(stderr, "spool_submit: %s\n", err.text);
        return 73;
    }
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    if (!t)
        return 71;
    atomic_store(&remaining, count);
    double cpu0 = bench_cpu_seconds();
    double start = bench_now();
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, submitter, q);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double seconds = bench_now() - start;
    double cpu = bench_cpu_seconds() - cpu0;
    uint64_t commits = spool_queue_commit_count(q);
    spool_queue_close(q);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(t);
    long failed = atomic_load(&failures);
    printf("threads=%d sent=%ld failed=%ld seconds=%.4f msgs_per_s=%.1f cpu_s=%.4f "
           "cpu_ms_per_msg=%.4f commits=%llu\n",
           threads, count - failed, failed, seconds, (double)(count - failed) / seconds, cpu,
           cpu * 1000 / (double)count, (unsigned long long)commits);
    return failed ? 1 : 0;
}
