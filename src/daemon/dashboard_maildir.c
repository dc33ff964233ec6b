/* The capture mailbox as the dashboard reads it: the files of
 * DIR/capture/new and cur, their queue ids and times from their names,
 * newest first. Paths come from the directory, never from a request. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dashboard.h"
#include "util/buf.h"
#include "util/err.h"

typedef struct file_list {
    envoid_capture_file *items;
    size_t count, cap;
} file_list;

static const char *read_number(const char *p, long long *out)
{
    if (*p < '0' || *p > '9')
        return NULL;
    long long v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (1LL << 50))
            return NULL;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return p;
}

/* SECONDS.MMICROS PPID QID.HOST: false for a name of any other shape. */
static bool parse_name(const char *name, envoid_capture_file *f)
{
    long long secs, usecs, pid;
    const char *p = read_number(name, &secs);
    if (!p || *p++ != '.' || *p++ != 'M' || !(p = read_number(p, &usecs)) || *p++ != 'P' ||
        !(p = read_number(p, &pid)) || *p++ != 'Q')
        return false;
    size_t n = 0;
    while ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'z'))
        n++;
    if (n == 0 || n >= sizeof f->id || p[n] != '.')
        return false;
    memcpy(f->id, p, n);
    f->id[n] = '\0';
    f->secs = secs;
    f->usecs = (long)usecs;
    return true;
}

static int add_file(file_list *l, const char *dir, const char *name, envoi_error *err)
{
    envoid_capture_file f;
    memset(&f, 0, sizeof f);
    if (!parse_name(name, &f))
        return 0;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        envoid_capture_file *items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        l->items = items;
        l->cap = cap;
    }
    envoi_buf path = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&path, "%s/%s", dir, name) < 0) {
        envoi_buf_free(&path);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    f.path = envoi_buf_steal(&path, NULL);
    if (!f.path)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    l->items[l->count++] = f;
    return 0;
}

static int scan_dir(file_list *l, const char *spool_dir, const char *sub, envoi_error *err)
{
    envoi_buf dir = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&dir, "%s/capture/%s", spool_dir, sub) < 0) {
        envoi_buf_free(&dir);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    DIR *d = opendir(dir.data);
    if (!d) {
        int e = errno;
        int rc = e == ENOENT
                     ? 0
                     : envoi_err_set(err, ENVOI_EFILE, "cannot read %s: %s", dir.data, strerror(e));
        envoi_buf_free(&dir);
        return rc;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            rc = add_file(l, dir.data, de->d_name, err);
    closedir(d);
    envoi_buf_free(&dir);
    return rc;
}

static int newest_first(const void *a, const void *b)
{
    const envoid_capture_file *x = a, *y = b;
    if (x->secs != y->secs)
        return x->secs < y->secs ? 1 : -1;
    if (x->usecs != y->usecs)
        return x->usecs < y->usecs ? 1 : -1;
    return strcmp(y->path, x->path);
}

void envoid_capture_files_free(envoid_capture_file *files, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(files[i].path);
    free(files);
}

int envoid_capture_scan(const char *spool_dir, envoid_capture_file **out, size_t *count,
                        envoi_error *err)
{
    file_list l = {NULL, 0, 0};
    *out = NULL;
    *count = 0;
    if (!spool_dir)
        return 0;
    int rc = scan_dir(&l, spool_dir, "new", err);
    if (rc == 0)
        rc = scan_dir(&l, spool_dir, "cur", err);
    if (rc < 0) {
        envoid_capture_files_free(l.items, l.count);
        return rc;
    }
    if (l.count > 1)
        qsort(l.items, l.count, sizeof *l.items, newest_first);
    *out = l.items;
    *count = l.count;
    return 0;
}

int envoid_capture_find(const char *spool_dir, const char *id, envoid_capture_file *out,
                        envoi_error *err)
{
    envoid_capture_file *files = NULL;
    size_t n = 0;
    memset(out, 0, sizeof *out);
    int rc = envoid_capture_scan(spool_dir, &files, &n, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n && !out->path; i++) {
        if (strcmp(files[i].id, id) == 0) {
            *out = files[i];
            files[i].path = NULL;
        }
    }
    envoid_capture_files_free(files, n);
    if (out->path)
        return 0;
    return envoi_err_set(err, ENVOI_ENOTFOUND, "no captured message with that id");
}
