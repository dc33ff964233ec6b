/* The capture relay: each message written durably into a maildir (tmp/,
 * then renamed into new/), for a spooler with no relay configured. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "spool/deliver.h"
#include "spool/dsn.h"
#include "util/buf.h"
#include "util/err.h"

static int make_dir(const char *path, envoi_error *err)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    return envoi_err_set(err, ENVOI_EFILE, "cannot create %s: %s", path, strerror(errno));
}

static int make_maildir(const char *dir, envoi_error *err)
{
    char path[4096];
    int rc = make_dir(dir, err);
    const char *subs[] = {"tmp", "new", "cur"};
    for (size_t i = 0; i < 3 && rc == 0; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
        rc = make_dir(path, err);
    }
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int envelope_lines(envoi_buf *b, const char *id, const char *from, const char *const *rcpts,
                          size_t n)
{
    int rc = envoi_buf_printf(b, "Return-Path: <%s>\r\nX-Envoi-Queue-Id: %s\r\n", from, id);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = envoi_buf_printf(b, "X-Envoi-Envelope-To: <%s>\r\n", rcpts[i]);
    return rc;
}

static int write_file(const char *path, const envoi_buf *head, const void *source, size_t len,
                      envoi_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return envoi_err_set(err, ENVOI_EFILE, "cannot create %s: %s", path, strerror(errno));
    int bad =
        write_all(fd, head->data, head->len) < 0 || write_all(fd, source, len) < 0 || fsync(fd) < 0;
    int saved = errno;
    if (close(fd) < 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        unlink(path);
        return envoi_err_set(err, ENVOI_EFILE, "cannot write %s: %s", path, strerror(saved));
    }
    return 0;
}

static void sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int spool_capture_write(const char *dir, const char *id, const char *from, const char *const *rcpts,
                        size_t n, const void *source, size_t len, char *name, size_t name_size,
                        envoi_error *err)
{
    if (!dir || !id || !from)
        return envoi_err_set(err, ENVOI_EINVAL, "no capture directory");
    int rc = make_maildir(dir, err);
    if (rc < 0)
        return rc;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    char host[256], base[512], tmp[4096], dst[4096];
    spool_dsn_hostname(host, sizeof host);
    snprintf(base, sizeof base, "%lld.M%06ldP%dQ%s.%s", (long long)tv.tv_sec, (long)tv.tv_usec,
             (int)getpid(), id, host);
    snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, base);
    snprintf(dst, sizeof dst, "%s/new/%s", dir, base);
    envoi_buf head = ENVOI_BUF_INIT;
    if (envelope_lines(&head, id, from, rcpts, n) < 0) {
        envoi_buf_free(&head);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    rc = write_file(tmp, &head, source, len, err);
    envoi_buf_free(&head);
    if (rc < 0)
        return rc;
    if (rename(tmp, dst) < 0) {
        int e = errno;
        unlink(tmp);
        return envoi_err_set(err, ENVOI_EFILE, "cannot move %s into new/: %s", tmp, strerror(e));
    }
    snprintf(tmp, sizeof tmp, "%s/new", dir);
    sync_dir(tmp);
    if (name)
        snprintf(name, name_size, "%s", base);
    return 0;
}
