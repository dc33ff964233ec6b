/* The queue watcher: an inotify watch on the spool directory, a thread that
 * turns bursts of writes to the write-ahead log into one wake of the
 * workers, and a pipe that tells the thread to stop. */
#include "daemon/queue_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"

#define WAL_NAME "queue.db-wal"
#define COALESCE_NS 2000000L /* 2 ms: one wake for a burst of writes */

struct envoid_queue_watch {
    int inotify_fd;
    int stop_pipe[2];
    pthread_t thread;
    void (*wake)(void *ctx);
    void *ctx;
};

/* True when the events in buf name the write-ahead log. */
static bool names_wal(const char *buf, ssize_t len)
{
    for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= len;) {
        const struct inotify_event *ev = (const struct inotify_event *)(buf + off);
        if (ev->len && strcmp(ev->name, WAL_NAME) == 0)
            return true;
        off += (ssize_t)sizeof *ev + ev->len;
    }
    return false;
}

static void *watch_main(void *arg)
{
    envoid_queue_watch *w = arg;
    char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    struct pollfd fds[2] = {{w->inotify_fd, POLLIN, 0}, {w->stop_pipe[0], POLLIN, 0}};
    for (;;) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        if (fds[1].revents)
            break;
        if (!(fds[0].revents & POLLIN))
            continue;
        ssize_t n = read(w->inotify_fd, buf, sizeof buf);
        if (n < 0 && errno != EINTR && errno != EAGAIN)
            break;
        /* Wake, let the rest of the burst gather, and wake again if it
         * wrote more: the last write is always followed by a wake. */
        bool written = n > 0 && names_wal(buf, n);
        while (written) {
            w->wake(w->ctx);
            nanosleep(&(struct timespec){0, COALESCE_NS}, NULL);
            written = false;
            while ((n = read(w->inotify_fd, buf, sizeof buf)) > 0)
                written = written || names_wal(buf, n);
        }
    }
    return NULL;
}

static void free_watch(envoid_queue_watch *w)
{
    if (w->inotify_fd >= 0)
        close(w->inotify_fd);
    for (int i = 0; i < 2; i++)
        if (w->stop_pipe[i] >= 0)
            close(w->stop_pipe[i]);
    free(w);
}

envoid_queue_watch *envoid_queue_watch_start(const char *dir, void (*wake)(void *ctx), void *ctx)
{
    envoid_queue_watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->wake = wake;
    w->ctx = ctx;
    w->stop_pipe[0] = w->stop_pipe[1] = -1;
    w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    const char *why = NULL;
    if (w->inotify_fd < 0)
        why = "inotify_init1";
    else if (inotify_add_watch(w->inotify_fd, dir, IN_MODIFY) < 0)
        why = "inotify_add_watch";
    else if (pipe2(w->stop_pipe, O_CLOEXEC) < 0)
        why = "pipe2";
    else if ((errno = pthread_create(&w->thread, NULL, watch_main, w)) != 0)
        why = "pthread_create";
    if (why) {
        envoid_warn("not watching %s for mail queued by other processes (%s: %s): it is "
                    "picked up within a second",
                    dir, why, strerror(errno));
        free_watch(w);
        return NULL;
    }
    return w;
}

void envoid_queue_watch_stop(envoid_queue_watch *w)
{
    if (!w)
        return;
    if (write(w->stop_pipe[1], "", 1) < 0)
        envoid_warn("cannot stop the queue watcher: %s", strerror(errno));
    pthread_join(w->thread, NULL);
    free_watch(w);
}
