/* envoid's log lines on stderr, each written with one write(2). */
#include "daemon/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"

/* Control characters in logged values become '?', so a line stays one line. */
static void flatten(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            s[i] = '?';
}

void envoid_log(const char *level, const char *fmt, ...)
{
    char stamp[32] = "";
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (gmtime_r(&ts.tv_sec, &tm))
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    envoi_buf line = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&line, "envoid: %s.%03ldZ %s ", stamp, ts.tv_nsec / 1000000, level) < 0)
        return;
    size_t head = line.len;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&line, fmt, ap);
    va_end(ap);
    if (rc == 0) {
        flatten(line.data + head, line.len - head);
        if (envoi_buf_append_char(&line, '\n') == 0) {
            ssize_t n = write(STDERR_FILENO, line.data, line.len);
            (void)n;
        }
    }
    envoi_buf_free(&line);
}
