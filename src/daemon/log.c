/* envoid's log lines, each to stderr with one write(2) or to syslog(3) with
 * one call, through a sink chosen at start. */
#include "daemon/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"

static envoid_log_sink current_sink = envoid_log_to_stderr;

/* Control characters in logged values become '?', so a line stays one line. */
static void flatten(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            s[i] = '?';
}

int envoid_log_priority(const char *level)
{
    if (strcmp(level, "error") == 0)
        return LOG_ERR;
    if (strcmp(level, "warning") == 0)
        return LOG_WARNING;
    return LOG_INFO;
}

static const char *level_name(int priority)
{
    if (priority == LOG_ERR)
        return "error";
    return priority == LOG_WARNING ? "warning" : "info";
}

void envoid_log_to_stderr(int priority, const char *text, size_t len)
{
    char stamp[32] = "";
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (gmtime_r(&ts.tv_sec, &tm))
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    envoi_buf line = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&line, "envoid: %s.%03ldZ %s ", stamp, ts.tv_nsec / 1000000,
                         level_name(priority)) == 0 &&
        envoi_buf_append(&line, text, len) == 0 && envoi_buf_append_char(&line, '\n') == 0) {
        ssize_t n = write(STDERR_FILENO, line.data, line.len);
        (void)n;
    }
    envoi_buf_free(&line);
}

/* syslog stamps the time and the ident; warnings and errors say so in the
 * text too, as mail servers' logs do. */
void envoid_log_to_syslog(int priority, const char *text, size_t len)
{
    const char *prefix = priority == LOG_INFO ? "" : priority == LOG_ERR ? "error: " : "warning: ";
    syslog(LOG_MAIL | priority, "%s%.*s", prefix, (int)(len > 65536 ? 65536 : len), text);
}

void envoid_log_set_sink(envoid_log_sink sink)
{
    if (sink == envoid_log_to_syslog)
        openlog("envoid", LOG_PID | LOG_NDELAY, LOG_MAIL);
    current_sink = sink ? sink : envoid_log_to_stderr;
}

void envoid_log(const char *level, const char *fmt, ...)
{
    envoi_buf text = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&text, fmt, ap);
    va_end(ap);
    if (rc == 0 && text.data) {
        flatten(text.data, text.len);
        current_sink(envoid_log_priority(level), text.data, text.len);
    }
    envoi_buf_free(&text);
}
