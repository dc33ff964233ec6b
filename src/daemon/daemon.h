/* Running envoid: open the queue, start the delivery workers and the HTTP
 * API, wait for SIGTERM or SIGINT, then stop gracefully. */
#ifndef ENVOI_DAEMON_DAEMON_H
#define ENVOI_DAEMON_DAEMON_H

#include "cli/config.h"
#include "daemon/settings.h"

/* Serve until a stop signal (SIGTERM, SIGINT or SIGHUP); the process's exit status (sysexits.h): 0
 * after a graceful stop, EX_CONFIG (78) for a bad setting or a missing token
 * off loopback, EX_CANTCREAT when the queue cannot be opened, EX_UNAVAILABLE
 * when the address cannot be bound. Must be called before any other thread
 * starts (it blocks the stop signals for every thread). */
int envoid_run(envoid_settings *s, const envoi_config *cfg);

#endif
