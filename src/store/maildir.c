/* The durable maildir writer (see maildir.h). */
#include "store/maildir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/random.h"

#define NAME_SIZE 160 /* a tmp/ name, then ",S=SIZE" when in new/ */

typedef struct pending {
    char name[NAME_SIZE + 32];
    size_t size;
    bool in_new;
} pending;

struct store_maildir {
    char *dir;
    char host[72];
    unsigned counter;
    store_sync_mode sync;
    ssize_t (*write_fn)(int, const void *, size_t);
    pending *items;
    size_t count, cap;
    size_t committed; /* items[0..committed) are the last committed batch */
    int fd;           /* the message being written, -1 when none */
    pending current;
};

/* "DIR/SUB/NAME" (name may be NULL). */
static int path_of(const store_maildir *m, envoi_buf *b, const char *sub, const char *name)
{
    envoi_buf_clear(b);
    int rc = envoi_buf_printf(b, "%s/%s", m->dir, sub);
    if (rc == 0 && name)
        rc = envoi_buf_printf(b, "/%s", name);
    return rc;
}

static int fail_errno(envoi_error *err, const char *what, const char *path)
{
    return envoi_err_set(err, ENVOI_EFILE, "%s %s: %s", what, path, strerror(errno));
}

static int sync_dir(const char *path, envoi_error *err)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail_errno(err, "cannot open directory", path);
    int rc = fsync(fd) == 0 ? 0 : fail_errno(err, "cannot sync directory", path);
    close(fd);
    return rc;
}

/* mkdir that is fine when the directory exists; *made tells it was new. */
static int make_dir(const char *path, bool *made, envoi_error *err)
{
    if (mkdir(path, 0700) == 0) {
        *made = true;
        return 0;
    }
    struct stat sb;
    if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0;
    return fail_errno(err, "cannot create directory", path);
}

static int parent_sync(const char *dir, envoi_error *err)
{
    char *copy = strdup(dir);
    if (!copy)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    char *slash = strrchr(copy, '/');
    const char *parent = ".";
    if (slash == copy)
        parent = "/";
    else if (slash) {
        *slash = '\0';
        parent = copy;
    }
    int rc = sync_dir(parent, err);
    free(copy);
    return rc;
}

static int create_layout(store_maildir *m, envoi_error *err)
{
    bool made_top = false, made_sub = false;
    int rc = make_dir(m->dir, &made_top, err);
    envoi_buf b = ENVOI_BUF_INIT;
    static const char *const subs[] = {"tmp", "new", "cur"};
    for (size_t i = 0; rc == 0 && i < 3; i++) {
        if (path_of(m, &b, subs[i], NULL) < 0)
            rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        else
            rc = make_dir(b.data, &made_sub, err);
    }
    envoi_buf_free(&b);
    if (rc == 0 && made_sub)
        rc = sync_dir(m->dir, err);
    if (rc == 0 && made_top)
        rc = parent_sync(m->dir, err);
    return rc;
}

/* The host name with '/' and ':' written as maildir readers expect. */
static void read_host(char *out, size_t size)
{
    char host[64] = "localhost";
    if (gethostname(host, sizeof host) < 0)
        memcpy(host, "localhost", 10);
    host[sizeof host - 1] = '\0';
    size_t o = 0;
    for (const char *p = host; *p && o + 5 < size; p++) {
        if (*p == '/' || *p == ':') {
            o += (size_t)snprintf(out + o, size - o, "\\%03o", (unsigned char)*p);
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

int store_maildir_open(const char *dir, store_maildir **out, envoi_error *err)
{
    *out = NULL;
    store_maildir *m = calloc(1, sizeof *m);
    if (!m || !(m->dir = strdup(dir))) {
        free(m);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    size_t n = strlen(m->dir);
    while (n > 1 && m->dir[n - 1] == '/')
        m->dir[--n] = '\0';
    m->fd = -1;
    m->sync = STORE_SYNC_AUTO;
    m->write_fn = write;
    read_host(m->host, sizeof m->host);
    int rc = create_layout(m, err);
    if (rc < 0) {
        store_maildir_close(m);
        return rc;
    }
    *out = m;
    return 0;
}

void store_maildir_set_sync(store_maildir *m, store_sync_mode mode)
{
    m->sync = mode;
}

void store_maildir_set_write_fn(store_maildir *m,
                                ssize_t (*write_fn)(int fd, const void *data, size_t len))
{
    m->write_fn = write_fn ? write_fn : write;
}

/* Remove the file of item p wherever it is; errors ignored (cleanup). */
static void remove_item(const store_maildir *m, const pending *p)
{
    envoi_buf b = ENVOI_BUF_INIT;
    if (path_of(m, &b, p->in_new ? "new" : "tmp", p->name) == 0)
        unlink(b.data);
    envoi_buf_free(&b);
}

static void drop_current(store_maildir *m)
{
    if (m->fd < 0)
        return;
    close(m->fd);
    m->fd = -1;
    remove_item(m, &m->current);
}

/* Drop the names of the last committed batch. */
static void forget_committed(store_maildir *m)
{
    if (!m->committed)
        return;
    memmove(m->items, m->items + m->committed, (m->count - m->committed) * sizeof *m->items);
    m->count -= m->committed;
    m->committed = 0;
}

static int make_name(store_maildir *m, char *name)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    char rnd[9];
    if (envoi_random_alnum(rnd, 8) < 0)
        return ENVOI_EINVAL;
    rnd[8] = '\0';
    int n = snprintf(name, NAME_SIZE, "%lld.M%06ldP%ldQ%uR%s.%s", (long long)tv.tv_sec,
                     (long)tv.tv_usec, (long)getpid(), ++m->counter, rnd, m->host);
    return n > 0 && n < NAME_SIZE ? 0 : ENVOI_EINVAL;
}

int store_maildir_begin(store_maildir *m, envoi_error *err)
{
    drop_current(m);
    forget_committed(m);
    memset(&m->current, 0, sizeof m->current);
    if (make_name(m, m->current.name) < 0)
        return envoi_err_set(err, ENVOI_EINVAL, "cannot make a unique maildir file name");
    envoi_buf b = ENVOI_BUF_INIT;
    if (path_of(m, &b, "tmp", m->current.name) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    m->fd = open(b.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int rc = m->fd < 0 ? fail_errno(err, "cannot create", b.data) : 0;
    envoi_buf_free(&b);
    return rc;
}

void store_maildir_cancel(store_maildir *m)
{
    drop_current(m);
}

int store_maildir_write(store_maildir *m, const void *data, size_t len, envoi_error *err)
{
    if (m->fd < 0)
        return envoi_err_set(err, ENVOI_ESTATE, "no maildir message is being written");
    const char *p = data;
    while (len) {
        ssize_t n = m->write_fn(m->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            envoi_buf b = ENVOI_BUF_INIT;
            int rc = path_of(m, &b, "tmp", m->current.name) < 0
                         ? envoi_err_set(err, ENVOI_EFILE, "cannot write: %s", strerror(errno))
                         : fail_errno(err, "cannot write", b.data);
            envoi_buf_free(&b);
            drop_current(m);
            return rc;
        }
        p += n;
        len -= (size_t)n;
        m->current.size += (size_t)n;
    }
    return 0;
}

static int push_current(store_maildir *m)
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        pending *items = realloc(m->items, cap * sizeof *items);
        if (!items)
            return ENVOI_ENOMEM;
        m->items = items;
        m->cap = cap;
    }
    m->items[m->count++] = m->current;
    return 0;
}

int store_maildir_end(store_maildir *m, envoi_error *err)
{
    if (m->fd < 0)
        return envoi_err_set(err, ENVOI_ESTATE, "no maildir message is being written");
    /* Start writeback now so the commit's fsync of each file finds less to
     * do; not for a batch that will be made durable by one syncfs (AUTO past
     * STORE_SYNCFS_MIN), where it only cost time (12% of a 5,000-message
     * fetch on ext4). */
    if (m->sync == STORE_SYNC_EACH ||
        (m->sync == STORE_SYNC_AUTO && m->count - m->committed < STORE_SYNCFS_MIN))
        sync_file_range(m->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    int fd = m->fd;
    m->fd = -1;
    if (close(fd) < 0) {
        envoi_buf b = ENVOI_BUF_INIT;
        int rc = path_of(m, &b, "tmp", m->current.name) < 0
                     ? envoi_err_set(err, ENVOI_ENOMEM, "out of memory")
                     : fail_errno(err, "cannot write", b.data);
        envoi_buf_free(&b);
        remove_item(m, &m->current);
        return rc;
    }
    if (push_current(m) < 0) {
        remove_item(m, &m->current);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    return 0;
}

int store_maildir_add(store_maildir *m, const void *data, size_t len, envoi_error *err)
{
    int rc = store_maildir_begin(m, err);
    if (rc == 0)
        rc = store_maildir_write(m, data, len, err);
    if (rc == 0)
        rc = store_maildir_end(m, err);
    return rc;
}

size_t store_maildir_pending(const store_maildir *m)
{
    return m->count - m->committed;
}

static int sync_file(const char *path, envoi_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail_errno(err, "cannot open", path);
    int rc = fsync(fd) == 0 ? 0 : fail_errno(err, "cannot sync", path);
    close(fd);
    return rc;
}

static int sync_filesystem(const char *path, envoi_error *err)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail_errno(err, "cannot open directory", path);
    int rc = syncfs(fd) == 0 ? 0 : fail_errno(err, "cannot sync the file system of", path);
    close(fd);
    return rc;
}

static int sync_batch(store_maildir *m, envoi_buf *b, envoi_error *err)
{
    store_sync_mode mode = m->sync;
    if (mode == STORE_SYNC_AUTO)
        mode = m->count - m->committed > STORE_SYNCFS_MIN ? STORE_SYNC_FS : STORE_SYNC_EACH;
    if (mode == STORE_SYNC_NONE)
        return 0;
    if (mode == STORE_SYNC_FS)
        return path_of(m, b, "tmp", NULL) < 0 ? envoi_err_set(err, ENVOI_ENOMEM, "out of memory")
                                              : sync_filesystem(b->data, err);
    for (size_t i = m->committed; i < m->count; i++) {
        if (path_of(m, b, "tmp", m->items[i].name) < 0)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        int rc = sync_file(b->data, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int rename_batch(store_maildir *m, envoi_buf *from, envoi_buf *to, envoi_error *err)
{
    for (size_t i = m->committed; i < m->count; i++) {
        pending *p = &m->items[i];
        if (path_of(m, from, "tmp", p->name) < 0 || path_of(m, to, "new", p->name) < 0 ||
            envoi_buf_printf(to, ",S=%zu", p->size) < 0)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        if (rename(from->data, to->data) < 0)
            return fail_errno(err, "cannot move into new/:", from->data);
        size_t n = strlen(p->name);
        snprintf(p->name + n, sizeof p->name - n, ",S=%zu", p->size);
        p->in_new = true;
    }
    return 0;
}

int store_maildir_commit(store_maildir *m, envoi_error *err)
{
    if (m->fd >= 0)
        return envoi_err_set(err, ENVOI_ESTATE, "a maildir message is still being written");
    envoi_buf a = ENVOI_BUF_INIT, b = ENVOI_BUF_INIT;
    int rc = sync_batch(m, &a, err);
    if (rc == 0)
        rc = rename_batch(m, &a, &b, err);
    if (rc == 0 && m->committed < m->count)
        rc = path_of(m, &a, "new", NULL) < 0 ? envoi_err_set(err, ENVOI_ENOMEM, "out of memory")
                                             : sync_dir(a.data, err);
    envoi_buf_free(&a);
    envoi_buf_free(&b);
    if (rc < 0) {
        store_maildir_abort(m);
        return rc;
    }
    /* Keep the names until the next begin, for store_maildir_committed_name. */
    forget_committed(m);
    m->committed = m->count;
    return 0;
}

void store_maildir_abort(store_maildir *m)
{
    drop_current(m);
    for (size_t i = m->committed; i < m->count; i++)
        remove_item(m, &m->items[i]);
    m->count = m->committed;
}

const char *store_maildir_committed_name(const store_maildir *m, size_t i)
{
    return i < m->committed ? m->items[i].name : NULL;
}

void store_maildir_close(store_maildir *m)
{
    if (!m)
        return;
    store_maildir_abort(m);
    free(m->items);
    free(m->dir);
    free(m);
}
