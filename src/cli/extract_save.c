/* Writing saved attachments without overwriting anything (see extract_save.h). */
#include "cli/extract_save.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/extract_name.h"

/* Clashes tried before giving up: a directory holding "x (1)" to "x (9999)"
 * is not a directory anyone wants another copy in. */
#define MAX_SUFFIX 9999

static int make_one(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

/* mkdir -p: each prefix ending before a '/' in turn, then the whole. */
static int make_parents(const char *dir)
{
    envoi_buf prefix = ENVOI_BUF_INIT;
    int rc = 0;
    for (const char *p = dir + 1; *p && rc == 0; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        envoi_buf_clear(&prefix);
        if (envoi_buf_append(&prefix, dir, (size_t)(p - dir)) < 0) {
            errno = ENOMEM;
            rc = -1;
        } else {
            rc = make_one(prefix.data);
        }
    }
    envoi_buf_free(&prefix);
    return rc < 0 ? rc : make_one(dir);
}

int cli_dir_open_or_make(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT)
        return fd;
    if (make_parents(dir) < 0)
        return -1;
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int create_exclusive(int dirfd, const char *name)
{
    return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
}

int cli_create_unique(int dirfd, const char *name, envoi_buf *used)
{
    size_t len = strlen(name);
    size_t dot = cli_name_ext_offset(name, len);
    envoi_buf candidate = ENVOI_BUF_INIT;
    int fd = -1;
    for (unsigned n = 0; n <= MAX_SUFFIX; n++) {
        envoi_buf_clear(&candidate);
        int rc = n == 0
                     ? envoi_buf_append(&candidate, name, len)
                     : envoi_buf_printf(&candidate, "%.*s (%u)%s", (int)dot, name, n, name + dot);
        if (rc < 0) {
            errno = ENOMEM;
            break;
        }
        fd = create_exclusive(dirfd, candidate.data);
        if (fd >= 0 || errno != EEXIST)
            break;
    }
    if (fd >= 0 && envoi_buf_append(used, candidate.data, candidate.len) < 0) {
        unlinkat(dirfd, candidate.data, 0);
        close(fd);
        errno = ENOMEM;
        fd = -1;
    }
    envoi_buf_free(&candidate);
    return fd;
}

int cli_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
