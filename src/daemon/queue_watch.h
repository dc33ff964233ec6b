/* Mail queued by other processes sharing the spool directory (the library's
 * directory mode, `envoi send --async` on a spool directory, `envoi
 * sendmail` in queue mode) wakes envoid's workers at once: the queue's
 * write-ahead log is watched with inotify. */
#ifndef ENVOI_DAEMON_QUEUE_WATCH_H
#define ENVOI_DAEMON_QUEUE_WATCH_H

typedef struct envoid_queue_watch envoid_queue_watch;

/* Watch dir/queue.db-wal and call wake(ctx) after writes to it, at most
 * every few milliseconds, from a thread of the watcher. NULL when inotify
 * is unavailable (then workers still look at the queue every second): the
 * reason is logged. */
envoid_queue_watch *envoid_queue_watch_start(const char *dir, void (*wake)(void *ctx), void *ctx);
void envoid_queue_watch_stop(envoid_queue_watch *w);

#endif
