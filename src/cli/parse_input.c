/* The sources "envoi parse" reads, streamed in chunks (see parse_input.h). */
#include "cli/parse_input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mime/mbox.h"
#include "util/fdio.h"

#define CHUNK ((size_t)64 << 10)

static int read_error(envoi_buf *why, const char *path, int err)
{
    envoi_buf_clear(why);
    envoi_buf_printf(why, "cannot read %s: %s", path, strerror(err));
    return ENVOI_EFILE;
}

/* Read until len bytes or end of input; the count read, or -1. */
/* One file's bytes through one parser: an mbox when allowed and it starts
 * like one. */
static int stream_fd(int fd, const char *path, bool may_be_mbox, const envoi_parse_callbacks *cb,
                     void *ctx, envoi_buf *why)
{
    char *buf = malloc(CHUNK);
    if (!buf)
        return ENVOI_ENOMEM;
    ssize_t n = envoi_read_full(fd, buf, CHUNK);
    int rc = n < 0 ? read_error(why, path, errno) : 0;
    envoi_stream_parser *p = NULL;
    if (rc == 0) {
        p = envoi_stream_parser_new(cb, ctx, may_be_mbox && mime_looks_like_mbox(buf, (size_t)n));
        rc = p ? 0 : ENVOI_ENOMEM;
    }
    while (rc == 0 && n > 0) {
        rc = envoi_stream_parser_feed(p, buf, (size_t)n);
        if (rc == 0)
            n = envoi_read_full(fd, buf, CHUNK);
        if (rc == 0 && n < 0)
            rc = read_error(why, path, errno);
    }
    if (rc == 0)
        rc = envoi_stream_parser_finish(p);
    envoi_stream_parser_free(p);
    free(buf);
    return rc;
}

static int stream_file(const char *path, bool may_be_mbox, const envoi_parse_callbacks *cb,
                       void *ctx, envoi_buf *why)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return read_error(why, path, errno);
    int rc = stream_fd(fd, path, may_be_mbox, cb, ctx, why);
    close(fd);
    return rc;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The visible file names of dir, sorted (delivery order in maildir names). */
static int list_dir(const char *dir, char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *grown);
        char *name = grown ? strdup(e->d_name) : NULL;
        if (grown)
            names = grown;
        if (!name)
            rc = -1;
        else
            names[n++] = name;
    }
    closedir(d);
    if (rc < 0) {
        free_names(names, n);
        errno = ENOMEM;
        return -1;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, compare_names);
    *out = names;
    *count = n;
    return 0;
}

static int stream_maildir_sub(const char *dir, const char *sub, const envoi_parse_callbacks *cb,
                              void *ctx, envoi_buf *why)
{
    envoi_buf path = ENVOI_BUF_INIT;
    char **names = NULL;
    size_t n = 0;
    int rc = envoi_buf_printf(&path, "%s/%s", dir, sub);
    if (rc == 0 && list_dir(path.data, &names, &n) < 0)
        rc = read_error(why, path.data, errno);
    size_t base = path.len;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        path.len = base;
        path.data[base] = '\0';
        rc = envoi_buf_printf(&path, "/%s", names[i]);
        struct stat st;
        if (rc == 0 && stat(path.data, &st) == 0 && !S_ISREG(st.st_mode))
            continue;
        if (rc == 0)
            rc = stream_file(path.data, false, cb, ctx, why);
    }
    free_names(names, n);
    envoi_buf_free(&path);
    return rc;
}

static bool has_subdir(const char *dir, const char *sub)
{
    envoi_buf path = ENVOI_BUF_INIT;
    struct stat st;
    bool yes = envoi_buf_printf(&path, "%s/%s", dir, sub) == 0 && stat(path.data, &st) == 0 &&
               S_ISDIR(st.st_mode);
    envoi_buf_free(&path);
    return yes;
}

/* cur/ then new/, each in name order; tmp/ holds deliveries in progress. */
static int stream_maildir(const char *dir, const envoi_parse_callbacks *cb, void *ctx,
                          envoi_buf *why)
{
    if (!has_subdir(dir, "cur") && !has_subdir(dir, "new")) {
        envoi_buf_clear(why);
        envoi_buf_printf(why, "%s is a directory but not a maildir (no cur/ or new/)", dir);
        return ENVOI_EFILE;
    }
    int rc = stream_maildir_sub(dir, "cur", cb, ctx, why);
    return rc == 0 ? stream_maildir_sub(dir, "new", cb, ctx, why) : rc;
}

int cli_parse_input(const char *path, const envoi_parse_callbacks *cb, void *ctx, envoi_buf *why)
{
    if (strcmp(path, "-") == 0)
        return stream_fd(STDIN_FILENO, "standard input", true, cb, ctx, why);
    struct stat st;
    if (stat(path, &st) < 0)
        return read_error(why, path, errno);
    if (S_ISDIR(st.st_mode))
        return stream_maildir(path, cb, ctx, why);
    return stream_file(path, true, cb, ctx, why);
}
