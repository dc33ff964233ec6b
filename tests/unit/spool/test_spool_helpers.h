/* Shared by the spool API tests: a scratch directory, composed messages,
 * waiting for a status through the public API, the captured mail, and a
 * real envoid started on a free loopback port. */
#ifndef ENVOI_TEST_SPOOL_HELPERS_H
#define ENVOI_TEST_SPOOL_HELPERS_H

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "envoi.h"

/* Generous bound for a status to be reached: a guard against a hang, not
 * a timing assertion. */
#define ST_WAIT_MS 30000

typedef struct st {
    char dir[64];
    char spool[128];
    pid_t envoid; /* 0 when none runs */
    unsigned port;
    char url[64];
} st;

static inline void st_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline int64_t st_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline unsigned st_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    return ntohs(sa.sin_port);
}

static inline int st_setup(void **state)
{
    st *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/var/tmp/envoi-spool-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->spool, sizeof t->spool, "%s/spool", t->dir);
    *state = t;
    return 0;
}

static inline int st_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void st_envoid_stop(st *t)
{
    if (t->envoid <= 0)
        return;
    kill(t->envoid, SIGTERM);
    int status = 0;
    waitpid(t->envoid, &status, 0);
    t->envoid = 0;
}

static inline int st_teardown(void **state)
{
    st *t = *state;
    st_envoid_stop(t);
    nftw(t->dir, st_remove, 16, FTW_DEPTH | FTW_PHYS);
    free(t);
    return 0;
}

/* A message from alice to bob, Cc carol, Bcc dave (unless bcc is NULL). */
static inline envoi_message *st_message(const char *subject, const char *bcc)
{
    envoi_message *m = envoi_message_new();
    assert_non_null(m);
    assert_int_equal(envoi_message_set_from(m, "Alice <alice@example.org>"), 0);
    assert_int_equal(envoi_message_add_to(m, "Bob <bob@example.net>"), 0);
    assert_int_equal(envoi_message_add_cc(m, "carol@example.net"), 0);
    if (bcc)
        assert_int_equal(envoi_message_add_bcc(m, bcc), 0);
    assert_int_equal(envoi_message_set_subject(m, subject), 0);
    assert_int_equal(envoi_message_set_text(m, "Hello from the spool.\n", 22), 0);
    return m;
}

/* Wait until the message has the status; fills st (fails the test after
 * ST_WAIT_MS). */
static inline void st_wait_status(envoi_spool *sp, const char *id, envoi_spool_msg_status want,
                                  envoi_spool_state *state)
{
    for (int waited = 0;; waited += 20) {
        if (envoi_spool_status(sp, id, state) != 0)
            fail_msg("status of %s: %s", id, envoi_spool_error(sp)->text);
        if (state->status == want)
            return;
        if (waited > ST_WAIT_MS)
            fail_msg("%s: status %s after %u attempts, wanted %s; reason \"%s\"", id,
                     envoi_spool_status_name(state->status), state->attempts,
                     envoi_spool_status_name(want), state->reason);
        st_sleep_ms(20);
    }
}

static inline char *st_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = (n + 4096 + 1) * 2;
            char *more = realloc(data, cap);
            assert_non_null(more);
            data = more;
        }
        size_t got = fread(data + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    data[n] = '\0';
    *len = n;
    return data;
}

/* The captured message (capture/new of the spool) whose source holds
 * needle; NULL when none (free it). */
static inline char *st_captured(const char *capture_dir, const char *needle)
{
    char newdir[512];
    snprintf(newdir, sizeof newdir, "%s/new", capture_dir);
    DIR *dp = opendir(newdir);
    if (!dp)
        return NULL;
    struct dirent *e;
    char *found = NULL;
    while (!found && (e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", newdir, e->d_name);
        size_t len;
        char *data = st_read_file(path, &len);
        if (data && strstr(data, needle))
            found = data;
        else
            free(data);
    }
    closedir(dp);
    return found;
}

/* The header of a source (up to the empty line), a copy to free. */
static inline char *st_header(const char *source)
{
    const char *end = strstr(source, "\r\n\r\n");
    return strndup(source, end ? (size_t)(end - source) + 2 : strlen(source));
}

/* build/bin/envoid: $ENVOI_BUILD/bin/envoid, else next to the test
 * binaries (build/tests/../bin/envoid). */
static inline int st_envoid_path(char *out, size_t size)
{
    const char *build = getenv("ENVOI_BUILD");
    if (build) {
        snprintf(out, size, "%s/bin/envoid", build);
        return access(out, X_OK);
    }
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    snprintf(out, size, "%s/../bin/envoid", dirname(self));
    return access(out, X_OK);
}

/* Start envoid on the spool directory t->spool and a free port, with the
 * config file text conf (NULL: none); waits until it accepts connections.
 * Skips the test when there is no envoid binary. */
static inline void st_envoid_start(st *t, const char *conf)
{
    char envoid[1100];
    if (st_envoid_path(envoid, sizeof envoid) != 0) {
        fprintf(stderr, "no envoid binary (%s): skipped\n", envoid);
        skip();
    }
    t->port = st_free_port();
    snprintf(t->url, sizeof t->url, "http://127.0.0.1:%u", t->port);
    char listen[64], xdg[128], conf_path[128], log[128];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", t->port);
    snprintf(xdg, sizeof xdg, "%s/xdg", t->dir);
    snprintf(conf_path, sizeof conf_path, "%s/envoid.conf", t->dir);
    snprintf(log, sizeof log, "%s/envoid.log", t->dir);
    if (conf) {
        FILE *f = fopen(conf_path, "w");
        assert_non_null(f);
        fputs(conf, f);
        fclose(f);
    }
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("XDG_CONFIG_HOME", xdg, 1);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0)
            dup2(fd, 2);
        if (conf)
            execl(envoid, envoid, "--foreground", "--config", conf_path, "--listen", listen,
                  "--spool-dir", t->spool, (char *)NULL);
        else
            execl(envoid, envoid, "--foreground", "--listen", listen, "--spool-dir", t->spool,
                  (char *)NULL);
        _exit(127);
    }
    t->envoid = pid;
    for (int i = 0; i < 300; i++) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            t->envoid = 0;
            fail_msg("envoid exited (status %d); see %s", status, log);
        }
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons((uint16_t)t->port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        close(fd);
        if (ok)
            return;
        st_sleep_ms(50);
    }
    fail_msg("envoid did not listen on %s", listen);
}

#endif
