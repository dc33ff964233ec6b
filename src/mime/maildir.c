/* Reading every message of a maildir (see maildir.h). */
#include "mime/maildir.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mime/mbox.h"
#include "util/buf.h"

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool mime_is_maildir(const char *dir)
{
    envoi_buf b = ENVOI_BUF_INIT;
    bool yes = envoi_buf_printf(&b, "%s/cur", dir) == 0 && is_dir(b.data);
    envoi_buf_clear(&b);
    if (!yes)
        yes = envoi_buf_printf(&b, "%s/new", dir) == 0 && is_dir(b.data);
    envoi_buf_free(&b);
    return yes;
}

static int no_dot(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static int read_file(const char *path, bool bodies, const envoi_parse_callbacks *cb, void *ctx)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ENVOI_EFILE;
    int rc = mime_read_fd(fd, false, bodies, cb, ctx);
    close(fd);
    return rc;
}

static int read_sub(const char *dir, const char *sub, bool bodies, const envoi_parse_callbacks *cb,
                    void *ctx, int (*file_begin)(void *, const char *))
{
    envoi_buf path = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&path, "%s/%s", dir, sub) < 0)
        return ENVOI_ENOMEM;
    struct dirent **names = NULL;
    int n = is_dir(path.data) ? scandir(path.data, &names, no_dot, alphasort) : 0;
    int rc = n < 0 ? ENVOI_EFILE : 0;
    for (int i = 0; i < n; i++) {
        envoi_buf file = ENVOI_BUF_INIT;
        if (rc == 0 && envoi_buf_printf(&file, "%s/%s", path.data, names[i]->d_name) < 0)
            rc = ENVOI_ENOMEM;
        struct stat st;
        bool regular = rc == 0 && stat(file.data, &st) == 0 && S_ISREG(st.st_mode);
        if (regular && file_begin)
            rc = file_begin(ctx, file.data);
        if (regular && rc == 0)
            rc = read_file(file.data, bodies, cb, ctx);
        envoi_buf_free(&file);
        free(names[i]);
    }
    free(names);
    envoi_buf_free(&path);
    return rc;
}

int mime_maildir_read(const char *dir, bool bodies, const envoi_parse_callbacks *cb, void *ctx,
                      int (*file_begin)(void *ctx, const char *path))
{
    if (!mime_is_maildir(dir))
        return ENVOI_EFILE;
    int rc = read_sub(dir, "cur", bodies, cb, ctx, file_begin);
    if (rc == 0)
        rc = read_sub(dir, "new", bodies, cb, ctx, file_begin);
    return rc;
}
