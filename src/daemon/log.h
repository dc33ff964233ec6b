/* envoid's log: one line per event, "event key=value...", on stderr as
 * "envoid: TIME LEVEL event..." or through syslog(3) (ident "envoid",
 * facility mail). Thread-safe (one write or one syslog call per line). */
#ifndef ENVOI_DAEMON_LOG_H
#define ENVOI_DAEMON_LOG_H

#include <stddef.h>

void envoid_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define envoid_info(...) envoid_log("info", __VA_ARGS__)
#define envoid_warn(...) envoid_log("warning", __VA_ARGS__)
#define envoid_error(...) envoid_log("error", __VA_ARGS__)

/* Where a line goes: its syslog priority (LOG_INFO, LOG_WARNING, LOG_ERR)
 * and its text (no time, no level, control characters already replaced). */
typedef void (*envoid_log_sink)(int priority, const char *text, size_t len);

/* The two sinks: stderr (the default) and syslog(3). */
void envoid_log_to_stderr(int priority, const char *text, size_t len);
void envoid_log_to_syslog(int priority, const char *text, size_t len);
/* Send every line to sink (NULL: stderr). Call before other threads log;
 * choosing envoid_log_to_syslog opens the connection to syslog. */
void envoid_log_set_sink(envoid_log_sink sink);
/* The syslog priority of a level name ("info", "warning", "error"). */
int envoid_log_priority(const char *level);

#endif
