/* envoid's settings: the [spool] section of the config file, then the
 * command line on top, checked and turned into typed values. */
#ifndef ENVOI_DAEMON_SETTINGS_H
#define ENVOI_DAEMON_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "cli/config.h"
#include "envoi/error.h"

#define ENVOID_DEFAULT_DIR "./var"
#define ENVOID_DEFAULT_LISTEN "127.0.0.1:8025"
#define ENVOID_DEFAULT_MAX_MESSAGE ((size_t)50 * 1024 * 1024)
#define ENVOID_DEFAULT_WORKERS 4u
#define ENVOID_DEFAULT_FILTER_TIMEOUT 30u /* seconds */

/* Strings point into the config or argv (valid while they live). */
typedef struct envoid_settings {
    const char *dir;        /* spool directory */
    const char *listen;     /* ADDR:PORT as written */
    const char *relay;      /* account to deliver through; NULL: capture mailbox */
    const char *token_file; /* bearer token; NULL: none */
    unsigned workers;
    size_t max_message; /* bytes */
    struct sockaddr_storage addr;
    socklen_t addr_len;
    bool loopback;           /* addr is a loopback address */
    const char *filter;      /* content filter command (run with /bin/sh -c); NULL: none */
    unsigned filter_timeout; /* seconds */
    bool syslog;             /* log through syslog(3) rather than to stderr */
} envoid_settings;

/* The embedded defaults. */
void envoid_settings_default(envoid_settings *s);
/* Read [spool] from cfg (may be NULL: defaults only). Unknown keys and bad
 * values are ENVOI_ECONFIG errors naming the file and line. */
int envoid_settings_read(envoid_settings *s, const envoi_config *cfg, envoi_error *err);
/* Resolve s->listen into addr/addr_len/loopback: "IPv4:PORT", "[IPv6]:PORT"
 * or "localhost:PORT" (numeric only, no DNS). ENVOI_ECONFIG when malformed. */
int envoid_settings_resolve(envoid_settings *s, envoi_error *err);
/* Parse a size: digits with an optional K, M or G suffix (powers of 1024).
 * 0 or ENVOI_EINVAL. */
int envoid_parse_size(const char *text, size_t *out);

#endif
