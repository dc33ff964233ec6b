/* envoid's log: one line per event on stderr, "envoid: TIME LEVEL event
 * key=value...". Thread-safe (one write per line). */
#ifndef ENVOI_DAEMON_LOG_H
#define ENVOI_DAEMON_LOG_H

void envoid_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define envoid_info(...) envoid_log("info", __VA_ARGS__)
#define envoid_warn(...) envoid_log("warning", __VA_ARGS__)
#define envoid_error(...) envoid_log("error", __VA_ARGS__)

#endif
