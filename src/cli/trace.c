/* The protocol trace on standard error or in a file only its owner reads. */
#include "cli/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"

static int open_private(const char *path, envoi_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return envoi_err_set(err, ENVOI_EFILE, "--trace %s: %s", path, strerror(errno));
    if (fchmod(fd, 0600) < 0) {
        int saved = errno;
        close(fd);
        return envoi_err_set(err, ENVOI_EFILE, "--trace %s: %s", path, strerror(saved));
    }
    return fd;
}

int cli_trace_open(cli_trace *t, const char *path, bool verbose, FILE *errout, envoi_error *err)
{
    memset(t, 0, sizeof *t);
    if (!path) {
        t->out = verbose ? errout : NULL;
        return 0;
    }
    int fd = open_private(path, err);
    if (fd < 0)
        return fd;
    t->out = fdopen(fd, "w");
    if (!t->out) {
        int saved = errno;
        close(fd);
        return envoi_err_set(err, ENVOI_EFILE, "--trace %s: %s", path, strerror(saved));
    }
    t->owned = true;
    t->stamped = true;
    return 0;
}

static void write_stamp(FILE *out)
{
    struct timeval now;
    struct tm tm;
    gettimeofday(&now, NULL);
    if (!gmtime_r(&now.tv_sec, &tm))
        return;
    fprintf(out, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
            (long)(now.tv_usec / 1000));
}

void cli_trace_line(void *ctx, bool sent, const char *line)
{
    cli_trace *t = ctx;
    if (!t->out)
        return;
    size_t len = strcspn(line, "\r\n");
    if (t->stamped)
        write_stamp(t->out);
    fprintf(t->out, "%s %.*s\n", sent ? ">" : "<", (int)len, line);
    if (t->owned)
        fflush(t->out);
}

void cli_trace_close(cli_trace *t)
{
    if (t->owned && t->out)
        fclose(t->out);
    memset(t, 0, sizeof *t);
}
