/* Plain TCP (see tcp.h): getaddrinfo + non-blocking connect tried address by
 * address, and timed send/recv that never raise SIGPIPE (MSG_NOSIGNAL). */
#include "net/tcp.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before deadline (0: none set, so -1 for poll). */
static int ms_left(int64_t deadline)
{
    if (!deadline)
        return -1;
    int64_t left = deadline - now_ms();
    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

int envoi_fd_wait(int fd, short events, int timeout_ms)
{
    int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    for (;;) {
        int wait = ms_left(deadline);
        if (wait == 0)
            return ENVOI_ETIMEDOUT;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, wait);
        if (n > 0)
            return 0; /* readiness, or an error the next send/recv will report */
        if (n < 0 && errno != EINTR)
            return ENVOI_EIO;
    }
}

static const char *describe_errno(int errnum, char *buf, size_t size)
{
    return strerror_r(errnum, buf, size);
}

int envoi_tcp_io_error(int errnum, const char *what, const char *peer, envoi_error *err)
{
    char msg[128];
    const char *cause = describe_errno(errnum, msg, sizeof msg);
    if (errnum == EPIPE || errnum == ECONNRESET || errnum == ECONNABORTED)
        return envoi_err_set(err, ENVOI_ECLOSED, "connection to %s lost while %s: %s", peer, what,
                             cause);
    return envoi_err_set(err, ENVOI_EIO, "error while %s %s: %s", what, peer, cause);
}

ssize_t envoi_tcp_recv(int fd, void *buf, size_t n, int io_ms, const char *peer, envoi_error *err)
{
    for (;;) {
        ssize_t got = recv(fd, buf, n, 0);
        if (got > 0)
            return got;
        if (got == 0)
            return envoi_err_set(err, ENVOI_ECLOSED, "%s closed the connection", peer);
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return envoi_tcp_io_error(errno, "reading from", peer, err);
        int rc = envoi_fd_wait(fd, POLLIN, io_ms);
        if (rc == ENVOI_ETIMEDOUT)
            return envoi_err_set(err, rc, "timed out after %d ms waiting for data from %s", io_ms,
                                 peer);
        if (rc < 0)
            return envoi_tcp_io_error(errno, "waiting for", peer, err);
    }
}

int envoi_tcp_send_all(int fd, const void *buf, size_t n, int io_ms, const char *peer,
                       envoi_error *err)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t put = send(fd, p, n, MSG_NOSIGNAL);
        if (put > 0) {
            p += put;
            n -= (size_t)put;
            continue;
        }
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return envoi_tcp_io_error(errno, "writing to", peer, err);
        int rc = envoi_fd_wait(fd, POLLOUT, io_ms);
        if (rc == ENVOI_ETIMEDOUT)
            return envoi_err_set(err, rc, "timed out after %d ms sending to %s", io_ms, peer);
        if (rc < 0)
            return envoi_tcp_io_error(errno, "waiting to write to", peer, err);
    }
    return 0;
}

/* One non-blocking connect, waited for at most timeout_ms. Returns 0 with
 * *out set, or a code with *errnum the cause. */
static int connect_one(const struct addrinfo *ai, int timeout_ms, int *out, int *errnum)
{
    int s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (s < 0) {
        *errnum = errno;
        return ENVOI_ECONNECT;
    }
    int code = 0;
    if (connect(s, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS) {
            *errnum = errno;
            code = ENVOI_ECONNECT;
        } else if ((code = envoi_fd_wait(s, POLLOUT, timeout_ms)) < 0) {
            *errnum = code == ENVOI_ETIMEDOUT ? ETIMEDOUT : errno;
            code = code == ENVOI_ETIMEDOUT ? ENVOI_ETIMEDOUT : ENVOI_ECONNECT;
        } else {
            int soerr = 0;
            socklen_t len = sizeof soerr;
            if (getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
                soerr = errno;
            if (soerr) {
                *errnum = soerr;
                code = soerr == ETIMEDOUT ? ENVOI_ETIMEDOUT : ENVOI_ECONNECT;
            }
        }
    }
    if (code < 0) {
        close(s);
        return code;
    }
    /* We buffer writes ourselves, so Nagle would only add round-trip stalls. */
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    *out = s;
    return 0;
}

/* The share of the remaining time for one of `left` addresses still to try. */
static int attempt_budget(int64_t deadline, size_t left)
{
    int ms = ms_left(deadline);
    if (ms <= 0)
        return ms;
    int share = (int)(ms / (int64_t)left);
    return share > 0 ? share : 1;
}

static void report_failure(envoi_error *err, int code, int errnum, const char *host, unsigned port,
                           const struct addrinfo *ai)
{
    char addr[NI_MAXHOST] = "";
    char msg[128];
    const char *cause =
        code == ENVOI_ETIMEDOUT ? "connection timed out" : describe_errno(errnum, msg, sizeof msg);
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr, NULL, 0, NI_NUMERICHOST) != 0 ||
        strcmp(addr, host) == 0)
        envoi_err_set(err, code, "cannot connect to %s port %u: %s", host, port, cause);
    else
        envoi_err_set(err, code, "cannot connect to %s port %u (address %s): %s", host, port, addr,
                      cause);
}

int envoi_tcp_connect(int *fd, const char *host, unsigned port, int connect_ms, envoi_error *err)
{
    char service[16];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *list = NULL;
    int rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0) {
        char msg[128];
        const char *cause =
            rc == EAI_SYSTEM ? describe_errno(errno, msg, sizeof msg) : gai_strerror(rc);
        return envoi_err_set(err, ENVOI_ERESOLVE, "cannot resolve %s: %s", host, cause);
    }
    size_t left = 0;
    for (const struct addrinfo *ai = list; ai; ai = ai->ai_next)
        left++;
    int64_t deadline = connect_ms > 0 ? now_ms() + connect_ms : 0;
    int code =
        envoi_err_set(err, ENVOI_ECONNECT, "cannot connect to %s port %u: no address", host, port);
    for (const struct addrinfo *ai = list; ai; ai = ai->ai_next, left--) {
        int budget = attempt_budget(deadline, left);
        int errnum = 0;
        if (budget == 0) {
            code = ENVOI_ETIMEDOUT;
            report_failure(err, code, ETIMEDOUT, host, port, ai);
            break;
        }
        code = connect_one(ai, budget, fd, &errnum);
        if (code == 0)
            break;
        report_failure(err, code, errnum, host, port, ai);
    }
    freeaddrinfo(list);
    return code;
}
