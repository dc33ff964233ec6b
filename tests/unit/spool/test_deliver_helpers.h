/* Shared by the delivery tests: a scratch directory with a queue, real
 * SMTP peers started through tests/peers (aiosmtpd, smtp-sink), a log
 * callback that keeps every line, and waiting for a message's status. */
#ifndef ENVOI_TEST_DELIVER_HELPERS_H
#define ENVOI_TEST_DELIVER_HELPERS_H

#include <arpa/inet.h>
#include <dirent.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
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

#include "spool/deliver.h"
#include "spool/queue.h"
#include "util/buf.h"

/* Generous bound for a status to be reached: a guard against a hang, not
 * a timing assertion. */
#define DT_WAIT_MS 30000

typedef struct dt_log {
    pthread_mutex_t mu;
    envoi_buf text;
} dt_log;

typedef struct dt {
    char dir[64];
    char spool[128];
    char peer[128]; /* the peer's directory (pid, log, saved messages) */
    spool_queue *q;
    dt_log log;
    unsigned port;
    int peer_kind;     /* 0 none, 1 aiosmtpd, 2 smtp-sink */
    spool_delivery *d; /* running workers, stopped by the teardown when a test failed */
} dt;

static inline void dt_log_line(void *ctx, const char *line)
{
    dt_log *l = ctx;
    pthread_mutex_lock(&l->mu);
    envoi_buf_printf(&l->text, "%s\n", line);
    pthread_mutex_unlock(&l->mu);
}

/* A copy of the log so far (free it). */
static inline char *dt_log_text(dt *t)
{
    pthread_mutex_lock(&t->log.mu);
    char *s = strdup(t->log.text.data ? t->log.text.data : "");
    pthread_mutex_unlock(&t->log.mu);
    return s;
}

static inline unsigned dt_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    return ntohs(sa.sin_port);
}

static inline int dt_setup(void **state)
{
    dt *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/var/tmp/envoi-deliver-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    chmod(t->dir, 0755); /* smtp-sink runs as nobody */
    snprintf(t->spool, sizeof t->spool, "%s/spool", t->dir);
    snprintf(t->peer, sizeof t->peer, "%s/peer", t->dir);
    pthread_mutex_init(&t->log.mu, NULL);
    spool_policy p;
    spool_policy_default(&p);
    envoi_error err;
    if (spool_queue_open(&t->q, t->spool, &p, &err) != 0) {
        fprintf(stderr, "queue: %s\n", err.text);
        return -1;
    }
    t->port = dt_free_port();
    *state = t;
    return 0;
}

static inline int dt_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline int dt_run(const char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline const char *dt_peers(void)
{
    const char *p = getenv("ENVOI_PEERS");
    return p ? p : "tests/peers";
}

static inline void dt_peer_stop(dt *t)
{
    if (!t->peer_kind)
        return;
    char script[512];
    snprintf(script, sizeof script, "%s/%s", dt_peers(),
             t->peer_kind == 1 ? "aiosmtpd.sh" : "smtp_sink.sh");
    const char *argv[] = {"/bin/bash", script, "stop", t->peer, NULL};
    dt_run(argv);
    t->peer_kind = 0;
}

/* Stop the workers (before the queue goes). */
static inline void dt_stop(dt *t)
{
    spool_delivery_stop(t->d);
    t->d = NULL;
}

static inline int dt_teardown(void **state)
{
    dt *t = *state;
    dt_stop(t);
    dt_peer_stop(t);
    spool_queue_close(t->q);
    nftw(t->dir, dt_remove, 16, FTW_DEPTH | FTW_PHYS);
    envoi_buf_free(&t->log.text);
    pthread_mutex_destroy(&t->log.mu);
    free(t);
    return 0;
}

/* aiosmtpd on t->port saving into t->peer/save, with extra options (NULL
 * ended); skips the test when it cannot start. */
static inline void dt_aiosmtpd(dt *t, const char *opt1, const char *opt2, const char *opt3,
                               const char *opt4)
{
    char script[512], port[16], save[256];
    snprintf(script, sizeof script, "%s/aiosmtpd.sh", dt_peers());
    snprintf(port, sizeof port, "%u", t->port);
    snprintf(save, sizeof save, "%s/save", t->peer);
    const char *argv[] = {"/bin/bash",    script,   "start", t->peer, port,
                          "--pipelining", "--save", save,    opt1,    opt2,
                          opt3,           opt4,     NULL};
    if (dt_run(argv) != 0)
        skip();
    t->peer_kind = 1;
}

static inline void dt_smtp_sink(dt *t)
{
    char script[512], port[16];
    snprintf(script, sizeof script, "%s/smtp_sink.sh", dt_peers());
    snprintf(port, sizeof port, "%u", t->port);
    const char *argv[] = {"/bin/bash", script, "start", t->peer, port, "--no-auth", NULL};
    if (access("/usr/sbin/smtp-sink", X_OK) != 0 || dt_run(argv) != 0)
        skip();
    t->peer_kind = 2;
}

static inline spool_relay dt_relay(dt *t)
{
    return (spool_relay){.host = "127.0.0.1",
                         .port = t->port,
                         .timeout_ms = 10000,
                         .connect_timeout_ms = 5000,
                         .helo = "envoi.test"};
}

static inline spool_delivery_opts dt_opts(dt *t)
{
    return (spool_delivery_opts){
        .log = dt_log_line, .log_ctx = &t->log, .hostname = "mx.envoi.test", .max_sleep_ms = 100};
}

/* Submit a small message from `from` to the NULL-ended recipients. */
static inline void dt_submit(dt *t, const char *from, const char *const *rcpts, const char *subject,
                             char id[SPOOL_ID_SIZE])
{
    size_t n = 0;
    while (rcpts[n])
        n++;
    envoi_buf src = ENVOI_BUF_INIT;
    envoi_buf_printf(&src, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n\r\nHello.\r\n",
                     *from ? from : "MAILER-DAEMON@x", rcpts[0], subject);
    spool_submission m = {from, rcpts, n, src.data, src.len, NULL};
    envoi_error err;
    int rc = spool_queue_submit(t->q, &m, id, &err);
    if (rc != 0)
        fail_msg("submit: %s", err.text);
    envoi_buf_free(&src);
}

static inline void dt_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Wait until the message has the status (and, for pending, at least
 * `attempts` attempts); fills info (free it). */
static inline void dt_wait_status(dt *t, const char *id, spool_status want, unsigned attempts,
                                  spool_info *info)
{
    envoi_error err;
    for (int waited = 0;; waited += 20) {
        assert_int_equal(spool_queue_info(t->q, id, info, &err), 0);
        if (info->status == want && info->attempts >= attempts)
            return;
        if (waited > DT_WAIT_MS) {
            char *log = dt_log_text(t);
            fail_msg("%s: status %s after %u attempts, wanted %s; reason \"%s\"; log:\n%s", id,
                     spool_status_name(info->status), info->attempts, spool_status_name(want),
                     info->reason, log);
        }
        spool_info_free(info);
        dt_sleep_ms(20);
    }
}

/* Lines of a file that start with prefix. */
static inline size_t dt_count_lines(const char *path, const char *prefix)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[1024];
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

/* Read a whole file (free it); NULL when it cannot be read. */
static inline char *dt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    envoi_buf b = ENVOI_BUF_INIT;
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        envoi_buf_append(&b, chunk, k);
    fclose(f);
    if (!b.data)
        envoi_buf_append_str(&b, "");
    return envoi_buf_steal(&b, len);
}

#endif
