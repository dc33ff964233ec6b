/* The durable mboxrd writer (see mbox.h). */
#include "store/mbox.h"
#include "store/return_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"

#define MBOX_FLUSH_SIZE (256 * 1024)
#define DOTLOCK_WAIT_TRIES 600 /* of 100 ms: a minute */
#define DOTLOCK_STALE_SECONDS 300

struct store_mbox {
    char *path;
    char *lock_path; /* NULL without dotlock */
    int fd;
    bool in_batch;
    bool have_dotlock;
    off_t start;   /* size of the file when the batch began */
    off_t written; /* bytes of the batch written to the file */
    ssize_t (*write_fn)(int, const void *, size_t);
    envoi_buf out; /* bytes not yet written */
    /* The message being streamed (store_mbox_message_begin): */
    bool in_message;
    off_t message_start; /* its "From " line, from the batch's start */
    bool line_start;     /* the next byte starts a line */
    size_t gts;          /* '>' at the start of the line, held back */
    size_t from_seen;    /* bytes of "From " matched after them */
    char last;           /* its last byte */
};

static int fail_errno(const store_mbox *m, envoi_error *err, const char *what, const char *path)
{
    return envoi_err_set(err, ENVOI_EFILE, "%s %s: %s", what, path ? path : m->path,
                         strerror(errno));
}

int store_mbox_open(const char *path, bool dotlock, store_mbox **out, envoi_error *err)
{
    *out = NULL;
    store_mbox *m = calloc(1, sizeof *m);
    if (!m)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    m->fd = -1;
    m->write_fn = write;
    envoi_buf lock = ENVOI_BUF_INIT;
    if (!(m->path = strdup(path)) || (dotlock && envoi_buf_printf(&lock, "%s.lock", path) < 0)) {
        store_mbox_close(m);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    m->lock_path = dotlock ? envoi_buf_steal(&lock, NULL) : NULL;
    m->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (m->fd < 0) {
        int rc = fail_errno(m, err, "cannot open", NULL);
        store_mbox_close(m);
        return rc;
    }
    *out = m;
    return 0;
}

void store_mbox_set_write_fn(store_mbox *m,
                             ssize_t (*write_fn)(int fd, const void *data, size_t len))
{
    m->write_fn = write_fn ? write_fn : write;
}

static int lock_file(store_mbox *m, short type, int cmd)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    int rc;
    do
        rc = fcntl(m->fd, cmd, &fl);
    while (rc < 0 && errno == EINTR);
    return rc;
}

static bool dotlock_is_stale(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && time(NULL) - sb.st_mtime > DOTLOCK_STALE_SECONDS;
}

static int take_dotlock(store_mbox *m, envoi_error *err)
{
    for (int i = 0; i < DOTLOCK_WAIT_TRIES; i++) {
        int fd = open(m->lock_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            close(fd);
            m->have_dotlock = true;
            return 0;
        }
        if (errno != EEXIST)
            return fail_errno(m, err, "cannot create lock file", m->lock_path);
        if (dotlock_is_stale(m->lock_path))
            unlink(m->lock_path);
        else
            usleep(100 * 1000);
    }
    return envoi_err_set(err, ENVOI_ETIMEDOUT, "%s: still locked by another program", m->lock_path);
}

static void release(store_mbox *m)
{
    if (m->have_dotlock)
        unlink(m->lock_path);
    m->have_dotlock = false;
    lock_file(m, F_UNLCK, F_SETLK);
    m->in_batch = false;
    m->in_message = false;
    m->written = 0;
    envoi_buf_clear(&m->out);
}

/* The blank line that must separate the file's last message from ours. */
static int separation_needed(store_mbox *m, envoi_error *err)
{
    if (m->start == 0)
        return 0;
    char tail[2] = {0, 0};
    int fd = open(m->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail_errno(m, err, "cannot read", NULL);
    off_t from = m->start >= 2 ? m->start - 2 : 0;
    ssize_t n = pread(fd, tail + (m->start == 1), (size_t)(m->start - from), from);
    close(fd);
    if (n < 0)
        return fail_errno(m, err, "cannot read", NULL);
    if (tail[1] != '\n')
        return envoi_buf_append(&m->out, "\n\n", 2);
    if (tail[0] != '\n')
        return envoi_buf_append_char(&m->out, '\n');
    return 0;
}

int store_mbox_begin(store_mbox *m, envoi_error *err)
{
    if (m->in_batch)
        return 0;
    if (m->lock_path) {
        int rc = take_dotlock(m, err);
        if (rc < 0)
            return rc;
    }
    if (lock_file(m, F_WRLCK, F_SETLKW) < 0) {
        int rc = fail_errno(m, err, "cannot lock", NULL);
        release(m);
        return rc;
    }
    m->in_batch = true;
    struct stat sb;
    if (fstat(m->fd, &sb) < 0) {
        int rc = fail_errno(m, err, "cannot read the size of", NULL);
        release(m);
        return rc;
    }
    m->start = sb.st_size;
    int rc = separation_needed(m, err);
    if (rc < 0) {
        if (rc == ENVOI_ENOMEM)
            envoi_err_set(err, rc, "out of memory");
        release(m);
    }
    return rc;
}

static int flush(store_mbox *m, envoi_error *err)
{
    const char *p = m->out.data;
    size_t len = m->out.len;
    while (len) {
        ssize_t n = m->write_fn(m->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return fail_errno(m, err, "cannot write", NULL);
        }
        p += n;
        len -= (size_t)n;
        m->written += n;
    }
    envoi_buf_clear(&m->out);
    return 0;
}

/* "From SENDER Sat Nov 21 22:28:05 2026" in UTC, whatever the locale. */
static int append_separator(envoi_buf *b, const char *sender, time_t date)
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm tm;
    if (!date)
        date = time(NULL);
    if (!gmtime_r(&date, &tm))
        return ENVOI_EINVAL;
    return envoi_buf_printf(b, "From %s %.3s %.3s %2d %02d:%02d:%02d %d\n",
                            sender && *sender ? sender : "MAILER-DAEMON", days + 3 * tm.tm_wday,
                            months + 3 * tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                            tm.tm_year + 1900);
}

static int out_of_memory(envoi_error *err)
{
    return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
}

/* The held-back start of a line: its '>'s, then what matched of "From ",
 * with one more '>' when the whole ">*From " came (mboxrd). */
static int release_held(store_mbox *m, bool quote)
{
    if (quote && envoi_buf_append_char(&m->out, '>') < 0)
        return ENVOI_ENOMEM;
    for (; m->gts; m->gts--)
        if (envoi_buf_append_char(&m->out, '>') < 0)
            return ENVOI_ENOMEM;
    if (envoi_buf_append(&m->out, "From ", m->from_seen) < 0)
        return ENVOI_ENOMEM;
    m->from_seen = 0;
    m->line_start = false;
    return 0;
}

/* Feed one byte of a line start through the ">*From " matcher. True when the
 * byte was taken (held back); false when the line is decided and the byte
 * must be written as it is. */
static int match_line_start(store_mbox *m, char c, bool *taken)
{
    *taken = true;
    if (m->from_seen == 0 && c == '>') {
        m->gts++;
        return 0;
    }
    if (c == "From "[m->from_seen]) {
        if (++m->from_seen < 5)
            return 0;
        return release_held(m, true);
    }
    *taken = false;
    return release_held(m, false);
}

/* Append len bytes of the message, quoting as mboxrd does; lines may be cut
 * anywhere between calls. */
static int append_quoted(store_mbox *m, const char *data, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        if (m->line_start) {
            bool taken;
            if (match_line_start(m, data[pos], &taken) < 0)
                return ENVOI_ENOMEM;
            if (taken) {
                m->last = data[pos++];
                continue;
            }
        }
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) + 1 : len;
        if (envoi_buf_append(&m->out, data + pos, end - pos) < 0)
            return ENVOI_ENOMEM;
        m->last = data[end - 1];
        m->line_start = nl != NULL;
        pos = end;
    }
    return 0;
}

static int flush_if_full(store_mbox *m, envoi_error *err)
{
    return m->out.len >= MBOX_FLUSH_SIZE ? flush(m, err) : 0;
}

int store_mbox_message_begin(store_mbox *m, const char *sender, time_t date, envoi_error *err)
{
    if (m->in_message)
        return envoi_err_set(err, ENVOI_ESTATE, "an mbox message is still being written");
    int rc = store_mbox_begin(m, err);
    if (rc < 0)
        return rc;
    if (sender && strpbrk(sender, " \t\r\n"))
        sender = NULL;
    m->message_start = m->written + (off_t)m->out.len;
    if (append_separator(&m->out, sender, date) < 0) {
        envoi_buf_truncate(&m->out, (size_t)(m->message_start - m->written));
        return envoi_err_set(err, ENVOI_EINVAL, "cannot write the From line of %s", m->path);
    }
    m->in_message = true;
    m->line_start = true;
    m->gts = m->from_seen = 0;
    m->last = '\n';
    return 0;
}

int store_mbox_message_write(store_mbox *m, const void *data, size_t len, envoi_error *err)
{
    if (!m->in_message)
        return envoi_err_set(err, ENVOI_ESTATE, "no mbox message is being written");
    int rc = append_quoted(m, data, len) < 0 ? out_of_memory(err) : flush_if_full(m, err);
    if (rc < 0)
        store_mbox_message_cancel(m);
    return rc;
}

int store_mbox_message_end(store_mbox *m, envoi_error *err)
{
    if (!m->in_message)
        return envoi_err_set(err, ENVOI_ESTATE, "no mbox message is being written");
    int rc = m->line_start ? release_held(m, false) : 0;
    /* A line end when the message lacks a final one, then the blank line. */
    bool ends_line = m->last == '\n' && !m->gts && !m->from_seen;
    if (rc == 0 && envoi_buf_append(&m->out, "\n\n", ends_line ? 1 : 2) < 0)
        rc = ENVOI_ENOMEM;
    rc = rc < 0 ? out_of_memory(err) : flush_if_full(m, err);
    if (rc < 0) {
        store_mbox_message_cancel(m);
        return rc;
    }
    m->in_message = false;
    return 0;
}

void store_mbox_message_cancel(store_mbox *m)
{
    if (!m->in_message)
        return;
    m->in_message = false;
    m->gts = m->from_seen = 0;
    if (m->message_start >= m->written) {
        envoi_buf_truncate(&m->out, (size_t)(m->message_start - m->written));
        return;
    }
    /* Part of it reached the file: cut the file back to where it began. */
    envoi_buf_clear(&m->out);
    if (ftruncate(m->fd, m->start + m->message_start) == 0)
        m->written = m->message_start;
    else
        store_mbox_abort(m);
}

int store_mbox_add(store_mbox *m, const char *sender, time_t date, const void *data, size_t len,
                   envoi_error *err)
{
    char return_path[256];
    if ((!sender || strpbrk(sender, " \t\r\n")) &&
        store_return_path(data, len, return_path, sizeof return_path))
        sender = return_path;
    int rc = store_mbox_message_begin(m, sender, date, err);
    if (rc == 0)
        rc = store_mbox_message_write(m, data, len, err);
    if (rc == 0)
        rc = store_mbox_message_end(m, err);
    if (rc < 0)
        store_mbox_abort(m);
    return rc;
}

int store_mbox_commit(store_mbox *m, envoi_error *err)
{
    if (!m->in_batch)
        return 0;
    int rc = flush(m, err);
    if (rc == 0 && fsync(m->fd) < 0)
        rc = fail_errno(m, err, "cannot sync", NULL);
    if (rc < 0) {
        store_mbox_abort(m);
        return rc;
    }
    release(m);
    return 0;
}

void store_mbox_abort(store_mbox *m)
{
    if (!m->in_batch)
        return;
    /* Best effort: the file goes back to what it was before the batch. */
    if (ftruncate(m->fd, m->start) == 0)
        fsync(m->fd);
    release(m);
}

void store_mbox_close(store_mbox *m)
{
    if (!m)
        return;
    store_mbox_abort(m);
    if (m->fd >= 0)
        close(m->fd);
    envoi_buf_free(&m->out);
    free(m->lock_path);
    free(m->path);
    free(m);
}
