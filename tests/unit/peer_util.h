/* What the unit tests that start a real peer (tests/peers/) share: a shell
 * command run, and where the peer scripts are. Header-only. */
#ifndef ENVOI_TESTS_PEER_UTIL_H
#define ENVOI_TESTS_PEER_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int peer_run(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static int peer_run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* tests/peers into out: ENVOI_PEERS, else beside tests/unit/ where this
 * file is. False when neither works. */
static bool peer_find_dir(char *out, size_t size) __attribute__((unused));
static bool peer_find_dir(char *out, size_t size)
{
    const char *env = getenv("ENVOI_PEERS");
    if (env) {
        snprintf(out, size, "%s", env);
        return true;
    }
    snprintf(out, size, "%s", __FILE__);
    char *cut = strstr(out, "/unit/");
    if (!cut)
        return false;
    snprintf(cut, size - (size_t)(cut - out), "/peers");
    return true;
}

#endif
