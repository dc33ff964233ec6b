/* Running a content filter on one message: its source written to the filter
 * while its output is read (one poll loop, no deadlock), then its exit turned
 * into a verdict. */
#include "daemon/filter.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "daemon/filter_impl.h"
#include "util/buf.h"

#define CHUNK 65536
#define STDERR_KEEP 4096
#define REAP_STEP_MS 10
#define SHELL_SIGNALED 128 /* sh exits 128 + N when its command died of signal N */

struct talk {
    const char *src;
    size_t len, sent;
    envoi_buf out;
    size_t max_out;
    bool out_over;
    bool out_nomem;
    envoi_buf err;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void feed_stdin(envoid_filter_child *c, struct talk *t)
{
    size_t n = t->len - t->sent;
    if (n > CHUNK)
        n = CHUNK;
    ssize_t w = n ? write(c->in, t->src + t->sent, n) : 0;
    if (w > 0)
        t->sent += (size_t)w;
    else if (w < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    /* All written, or the filter stopped reading (EPIPE): its stdin ends. */
    if (t->sent == t->len || w < 0)
        close_fd(&c->in);
}

/* Read what is there into b, keeping at most keep bytes (the rest is read and
 * dropped). Returns true when b went over keep. */
static bool drain(int *fd, envoi_buf *b, size_t keep, bool *nomem)
{
    char chunk[CHUNK];
    ssize_t r = read(*fd, chunk, sizeof chunk);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    if (r <= 0) {
        close_fd(fd);
        return false;
    }
    size_t room = keep >= b->len ? keep - b->len : 0;
    size_t take = (size_t)r < room ? (size_t)r : room;
    if (take && envoi_buf_append(b, chunk, take) < 0)
        *nomem = true;
    return (size_t)r > room;
}

static int poll_once(envoid_filter_child *c, struct talk *t, int wait_ms)
{
    struct pollfd p[3];
    int *fds[3] = {&c->in, &c->out, &c->err};
    nfds_t n = 0;
    for (int i = 0; i < 3; i++)
        if (*fds[i] >= 0)
            p[n++] = (struct pollfd){.fd = *fds[i], .events = i == 0 ? POLLOUT : POLLIN};
    int rc = poll(p, n, wait_ms);
    if (rc <= 0)
        return rc < 0 && errno != EINTR ? -1 : 0;
    for (nfds_t i = 0; i < n; i++) {
        if (!p[i].revents)
            continue;
        if (p[i].fd == c->in)
            feed_stdin(c, t);
        else if (p[i].fd == c->out)
            t->out_over |= drain(&c->out, &t->out, t->max_out, &t->out_nomem);
        else if (p[i].fd == c->err)
            drain(&c->err, &t->err, STDERR_KEEP, &t->out_nomem);
    }
    return 0;
}

/* Talk until stdout and stderr are closed. false on timeout or failure. */
static bool converse(envoid_filter_child *c, struct talk *t, int64_t deadline)
{
    if (t->len == 0)
        close_fd(&c->in);
    while (c->out >= 0 || c->err >= 0) {
        int64_t left = deadline - now_ms();
        if (left <= 0 || t->out_over || t->out_nomem)
            return false;
        if (poll_once(c, t, left > 1000 ? 1000 : (int)left) < 0)
            return false;
    }
    close_fd(&c->in);
    return !t->out_over && !t->out_nomem;
}

static void kill_group(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

/* Its wait status once it exits; killed (whole group) at the deadline. */
static int reap(pid_t pid, int64_t deadline, bool *timed_out)
{
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (now_ms() >= deadline) {
            *timed_out = true;
            kill_group(pid);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return status;
        }
        struct timespec step = {0, REAP_STEP_MS * 1000000L};
        nanosleep(&step, NULL);
    }
}

static void set_reason(envoid_filter_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_reason(envoid_filter_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
}

/* The first non-blank line of the filter's stderr, printable, trimmed;
 * false when there is none. */
static bool first_line(const envoi_buf *err, char *out, size_t size)
{
    const char *p = err->data ? err->data : "";
    const char *end = p + err->len;
    while (p < end && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t'))
        p++;
    size_t n = 0;
    while (p + n < end && p[n] != '\n' && p[n] != '\r')
        n++;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = ((unsigned char)p[i] < ' ' || p[i] == 0x7f) ? '?' : p[i];
    out[n] = '\0';
    return n > 0;
}

static void judge_exit(envoid_filter_result *r, int code, struct talk *t)
{
    char line[ENVOID_FILTER_REASON_SIZE];
    bool said = first_line(&t->err, line, sizeof line);
    r->exit_status = code;
    if (code == 0 && t->out.len == 0) {
        r->verdict = ENVOID_FILTER_ACCEPT;
    } else if (code == 0) {
        r->verdict = ENVOID_FILTER_REWRITE;
        r->output = envoi_buf_steal(&t->out, &r->output_len);
    } else if (code == EX_TEMPFAIL || code == 126 || code == 127) {
        r->verdict = ENVOID_FILTER_FAIL;
        set_reason(r, "exit %d%s%s", code, said ? ": " : "", said ? line : "");
    } else {
        r->verdict = ENVOID_FILTER_REJECT;
        if (said)
            set_reason(r, "%s", line);
        else
            set_reason(r, "rejected by the content filter (exit %d)", code);
    }
}

static void set_killed(envoid_filter_result *r, int sig)
{
    const char *name = sigabbrev_np(sig);
    r->verdict = ENVOID_FILTER_FAIL;
    set_reason(r, "killed by signal %d (SIG%s)", sig, name ? name : "?");
}

static void judge(envoid_filter_result *r, const envoid_filter *f, int status, bool talked,
                  bool timed_out, struct talk *t)
{
    if (t->out_over) {
        r->verdict = ENVOID_FILTER_TOOBIG;
        set_reason(r, "the filter's output is over the limit of %zu bytes", f->max_output);
    } else if (timed_out) {
        r->verdict = ENVOID_FILTER_FAIL;
        set_reason(r, "timed out after %u ms", f->timeout_ms);
    } else if (!talked || status < 0) {
        r->verdict = ENVOID_FILTER_FAIL;
        set_reason(r, "%s", t->out_nomem ? "out of memory" : "lost the filter's pipes");
    } else if (WIFSIGNALED(status)) {
        r->exit_status = -WTERMSIG(status);
        set_killed(r, WTERMSIG(status));
    } else if (WEXITSTATUS(status) > SHELL_SIGNALED &&
               WEXITSTATUS(status) < SHELL_SIGNALED + NSIG) {
        /* The shell's word for a command of its killed by a signal. */
        r->exit_status = WEXITSTATUS(status);
        set_killed(r, WEXITSTATUS(status) - SHELL_SIGNALED);
    } else {
        judge_exit(r, WEXITSTATUS(status), t);
    }
}

envoid_filter_verdict envoid_filter_run(const envoid_filter *f, const char *from,
                                        const char *const *recipients, size_t recipient_count,
                                        const char *source, size_t source_len,
                                        envoid_filter_result *out)
{
    memset(out, 0, sizeof *out);
    out->exit_status = -1;
    int64_t deadline = now_ms() + (int64_t)f->timeout_ms;
    envoid_filter_child c;
    int rc = envoid_filter_spawn(f->command, from, recipients, recipient_count, source_len, &c);
    if (rc != 0) {
        out->verdict = ENVOID_FILTER_FAIL;
        set_reason(out, "cannot start the filter: %s", strerror(rc));
        return out->verdict;
    }
    struct talk t = {source,        source_len, 0,     ENVOI_BUF_INIT,
                     f->max_output, false,      false, ENVOI_BUF_INIT};
    bool talked = converse(&c, &t, deadline);
    bool timed_out = false;
    if (!talked) {
        timed_out = !t.out_over && !t.out_nomem && now_ms() >= deadline;
        kill_group(c.pid);
    }
    close_fd(&c.in);
    close_fd(&c.out);
    close_fd(&c.err);
    int status = reap(c.pid, deadline, &timed_out);
    judge(out, f, status, talked, timed_out, &t);
    envoi_buf_free(&t.out);
    envoi_buf_free(&t.err);
    return out->verdict;
}

void envoid_filter_result_free(envoid_filter_result *r)
{
    free(r->output);
    r->output = NULL;
    r->output_len = 0;
}

const char *envoid_filter_verdict_name(envoid_filter_verdict v)
{
    switch (v) {
    case ENVOID_FILTER_ACCEPT:
        return "accept";
    case ENVOID_FILTER_REWRITE:
        return "rewrite";
    case ENVOID_FILTER_REJECT:
        return "reject";
    case ENVOID_FILTER_TOOBIG:
        return "toobig";
    case ENVOID_FILTER_FAIL:
        return "fail";
    }
    return "fail";
}
