/* Spool queue benchmark: durable submissions per second through the library
 * with one or many submitting threads (group commit).
 *
 *   spool_submit [THREADS [COUNT [DIR]]]
 *
 * THREADS submitters (default 1) share COUNT submissions (default 2000) of
 * a 2 KiB message into a fresh queue under DIR (default /var/tmp). Prints
 * "threads=", "submits=", "seconds=", "submits_per_s=" and "commits=". */
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spool/queue.h"
#include "spool/queue_test.h"

static char source[2048];
static atomic_long remaining;
static atomic_int failures;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_source(void)
{
    static const char head[] = "From: bench@example.org\r\nTo: sink@example.net\r\n"
                               "Subject: spool benchmark\r\n\r\n";
    memset(source, 'x', sizeof source);
    memcpy(source, head, sizeof head - 1);
    for (size_t i = sizeof head + 70; i + 2 < sizeof source; i += 72)
        memcpy(source + i, "\r\n", 2);
}

static void *submitter(void *arg)
{
    spool_queue *q = arg;
    static const char *const rcpt[] = {"sink@example.net"};
    spool_submission m = {.from = "bench@example.org",
                          .recipients = rcpt,
                          .recipient_count = 1,
                          .source = source,
                          .source_len = sizeof source};
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
    if (threads < 1 || threads > 1024 || count < 1) {
        fprintf(stderr, "usage: spool_submit [THREADS [COUNT [DIR]]]\n");
        return 64;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/envoi-spool-bench-XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror(dir);
        return 73;
    }
    make_source();
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
    double start = now();
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, submitter, q);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double seconds = now() - start;
    uint64_t commits = spool_queue_commit_count(q);
    spool_queue_close(q);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(t);
    printf("threads=%d\nsubmits=%ld\nseconds=%.3f\nsubmits_per_s=%.0f\ncommits=%llu\n", threads,
           count, seconds, (double)count / seconds, (unsigned long long)commits);
    return atomic_load(&failures) ? 1 : 0;
}
