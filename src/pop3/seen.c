/* The UIDLs of messages already saved, remembered in a small file (one per
 * line) written atomically, so a later session fetches only new mail. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pop3/session.h"
#include "util/err.h"

void pop3_seen_free(envoi_pop3 *s)
{
    for (size_t i = 0; i < s->nseen; i++)
        free(s->seen[i]);
    free(s->seen);
    free(s->seen_path);
    s->seen = NULL;
    s->seen_path = NULL;
    s->nseen = s->seen_cap = 0;
    s->seen_dirty = false;
}

/* Index where uidl is or would go. */
static size_t seen_find(const envoi_pop3 *s, const char *uidl, bool *found)
{
    size_t lo = 0, hi = s->nseen;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->seen[mid], uidl);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

bool envoi_pop3_is_seen(const envoi_pop3 *s, const char *uidl)
{
    bool found = false;
    if (uidl && *uidl)
        seen_find(s, uidl, &found);
    return found;
}

static int seen_add(envoi_pop3 *s, const char *uidl, size_t len)
{
    char *copy = strndup(uidl, len);
    if (!copy)
        return ENVOI_ENOMEM;
    bool found;
    size_t at = seen_find(s, copy, &found);
    if (found) {
        free(copy);
        return 0;
    }
    if (s->nseen == s->seen_cap) {
        size_t cap = s->seen_cap ? s->seen_cap * 2 : 64;
        char **p = realloc(s->seen, cap * sizeof *p);
        if (!p) {
            free(copy);
            return ENVOI_ENOMEM;
        }
        s->seen = p;
        s->seen_cap = cap;
    }
    memmove(s->seen + at + 1, s->seen + at, (s->nseen - at) * sizeof *s->seen);
    s->seen[at] = copy;
    s->nseen++;
    return 0;
}

int envoi_pop3_mark_seen(envoi_pop3 *s, const char *uidl)
{
    if (!uidl || !*uidl || strlen(uidl) > 70 || uidl[strcspn(uidl, " \t\r\n")])
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid UIDL");
    if (envoi_pop3_is_seen(s, uidl))
        return 0;
    if (seen_add(s, uidl, strlen(uidl)) < 0)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    s->seen_dirty = true;
    return 0;
}

static int load(envoi_pop3 *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT
                   ? 0
                   : envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n > 0 && n <= 70 && seen_add(s, line, (size_t)n) < 0)
            rc = envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    }
    if (rc == 0 && ferror(f))
        rc = envoi_err_set(&s->err, ENVOI_EFILE, "%s: read error", path);
    free(line);
    fclose(f);
    return rc;
}

int envoi_pop3_set_seen_file(envoi_pop3 *s, const char *path)
{
    pop3_seen_free(s);
    if (!path)
        return 0;
    if (!(s->seen_path = strdup(path)))
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    int rc = load(s, path);
    if (rc < 0)
        pop3_seen_free(s);
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The server's UIDLs, sorted; NULL when the maildrop was not listed in this
 * session (or has no UIDLs): then every seen UIDL is kept. */
static const char **sorted_server_uidls(const envoi_pop3 *s, bool *failed)
{
    *failed = false;
    if (!s->listed || s->nentries == 0 || !*s->entries[0].uidl)
        return NULL;
    const char **uidls = malloc(s->nentries * sizeof *uidls);
    if (!uidls) {
        *failed = true;
        return NULL;
    }
    for (size_t i = 0; i < s->nentries; i++)
        uidls[i] = s->entries[i].uidl;
    qsort(uidls, s->nentries, sizeof *uidls, compare_strings);
    return uidls;
}

/* The file's text: the seen UIDLs still on the server (both lists sorted,
 * walked together), or all of them when the server was not listed. */
static int build(const envoi_pop3 *s, envoi_buf *out)
{
    bool failed;
    const char **server = sorted_server_uidls(s, &failed);
    if (failed)
        return ENVOI_ENOMEM;
    size_t j = 0;
    int rc = 0;
    for (size_t i = 0; i < s->nseen && rc == 0; i++) {
        if (server) {
            while (j < s->nentries && strcmp(server[j], s->seen[i]) < 0)
                j++;
            if (j == s->nentries || strcmp(server[j], s->seen[i]) != 0)
                continue;
        }
        if (envoi_buf_append_str(out, s->seen[i]) < 0 || envoi_buf_append_char(out, '\n') < 0)
            rc = ENVOI_ENOMEM;
    }
    free(server);
    return rc;
}

int envoi_pop3_save_seen(envoi_pop3 *s)
{
    if (!s->seen_path || !s->seen_dirty)
        return 0;
    envoi_buf text = ENVOI_BUF_INIT, tmp = ENVOI_BUF_INIT;
    if (build(s, &text) < 0 || envoi_buf_printf(&tmp, "%s.XXXXXX", s->seen_path) < 0) {
        envoi_buf_free(&text);
        envoi_buf_free(&tmp);
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    }
    int rc = 0;
    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        rc = envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", tmp.data, strerror(errno));
    } else {
        bool ok = write_all(fd, text.data ? text.data : "", text.len) == 0 && fsync(fd) == 0;
        int saved = errno;
        ok = close(fd) == 0 && ok;
        if (!ok || rename(tmp.data, s->seen_path) < 0 || sync_dir(s->seen_path) < 0) {
            if (ok)
                saved = errno;
            unlink(tmp.data);
            rc = envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", s->seen_path, strerror(saved));
        }
    }
    if (rc == 0)
        s->seen_dirty = false;
    envoi_buf_free(&text);
    envoi_buf_free(&tmp);
    return rc;
}
