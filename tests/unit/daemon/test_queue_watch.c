/* The queue watcher wakes the workers when another process writes the
 * queue's write-ahead log, and for nothing else in the directory. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/queue_watch.h"

typedef struct wakes {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int count;
} wakes;

static void on_wake(void *ctx)
{
    wakes *w = ctx;
    pthread_mutex_lock(&w->mu);
    w->count++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* The count once it is above `above`, or when 10 s passed (a failure bound,
 * not a measure). */
static int wait_above(wakes *w, int above)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&w->mu);
    while (w->count <= above)
        if (pthread_cond_timedwait(&w->cv, &w->mu, &until) != 0)
            break;
    int n = w->count;
    pthread_mutex_unlock(&w->mu);
    return n;
}

static void append(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "page", 4), 4);
    close(fd);
}

static void test_writes_to_the_log_wake_the_workers(void **state)
{
    (void)state;
    char dir[] = "/var/tmp/envoi-watch-XXXXXX";
    assert_non_null(mkdtemp(dir));
    wakes w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    envoid_queue_watch *watch = envoid_queue_watch_start(dir, on_wake, &w);
    assert_non_null(watch);

    /* Another file in the directory: no wake. Then the log: a wake, which
     * also shows the first write was seen and ignored before it. */
    append(dir, "capture.tmp");
    append(dir, "queue.db-wal");
    assert_int_equal(wait_above(&w, 0), 1);
    /* A burst of writes later: woken again. */
    for (int i = 0; i < 50; i++)
        append(dir, "queue.db-wal");
    assert_true(wait_above(&w, 1) >= 2);

    envoid_queue_watch_stop(watch);
    int after_stop = w.count;
    append(dir, "queue.db-wal");
    assert_int_equal(w.count, after_stop);
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/capture.tmp", dir);
    unlink(path);
    rmdir(dir);
}

static void test_a_missing_directory_is_not_fatal(void **state)
{
    (void)state;
    wakes w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    assert_null(envoid_queue_watch_start("/nonexistent/envoi-spool", on_wake, &w));
    envoid_queue_watch_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_to_the_log_wake_the_workers),
        cmocka_unit_test(test_a_missing_directory_is_not_fatal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
