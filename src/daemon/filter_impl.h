/* The content filter's child process, shared by its start (filter_spawn.c)
 * and its conversation (filter.c). */
#ifndef ENVOI_DAEMON_FILTER_IMPL_H
#define ENVOI_DAEMON_FILTER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "daemon/filter.h"

typedef struct envoid_filter_child {
    pid_t pid; /* also its process group */
    int in;    /* our ends, non-blocking, close-on-exec: its stdin */
    int out;   /* its stdout */
    int err;   /* its stderr */
} envoid_filter_child;

/* Start /bin/sh -c command with the envelope in its environment. 0, or an
 * errno value (nothing left open). */
int envoid_filter_spawn(const char *command, const char *from, const char *const *recipients,
                        size_t count, size_t size, envoid_filter_child *child);

#endif
