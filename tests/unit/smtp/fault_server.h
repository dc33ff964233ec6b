/* A scripted SMTP server for the conversation tests: a thread on 127.0.0.1
 * (port chosen by the system) that plays a script of steps over one
 * connection and records every byte it receives. Header-only so each test
 * program that includes it gets its own copy. */
#ifndef ENVOI_TESTS_FAULT_SERVER_H
#define ENVOI_TESTS_FAULT_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Steps: 'S' send arg as is; 'E' read a line that must start with arg (any
 * case); 'D' read a DATA body up to and including "\r\n.\r\n"; 'B' read
 * a "BDAT n [LAST]" line then n bytes; 'C' close the connection now; 'W'
 * stall: read and ignore until the client hangs up. The script ends with
 * 0. When it is over the server closes the connection. */
struct fs_step {
    char op;
    const char *arg;
};

typedef struct fault_server {
    int lfd;
    int fd;
    unsigned port;
    pthread_t thread;
    const struct fs_step *script;
    char *got; /* every byte received, NUL-terminated */
    size_t got_len, got_cap;
    char *body; /* the last DATA body or BDAT chunks, as received */
    size_t body_len, body_cap;
    char inbuf[65536];
    size_t in_len;
    char failure[512];
    int steps_done;
} fault_server;

static void fs_append(char **p, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 1024;
        while (c < *len + n + 1)
            c *= 2;
        *p = realloc(*p, c);
        *cap = c;
    }
    memcpy(*p + *len, data, n);
    *len += n;
    (*p)[*len] = '\0';
}

/* Fill the input buffer; 0 on EOF or error. */
static int fs_fill(fault_server *fs)
{
    if (fs->in_len == sizeof fs->inbuf)
        return 0;
    ssize_t n = recv(fs->fd, fs->inbuf + fs->in_len, sizeof fs->inbuf - fs->in_len, 0);
    if (n <= 0)
        return 0;
    fs_append(&fs->got, &fs->got_len, &fs->got_cap, fs->inbuf + fs->in_len, (size_t)n);
    fs->in_len += (size_t)n;
    return 1;
}

static void fs_consume(fault_server *fs, size_t n)
{
    memmove(fs->inbuf, fs->inbuf + n, fs->in_len - n);
    fs->in_len -= n;
}

/* A line without its CRLF into line (cut to size); 0 on EOF. */
static int fs_read_line(fault_server *fs, char *line, size_t size)
{
    for (;;) {
        char *nl = memchr(fs->inbuf, '\n', fs->in_len);
        if (nl) {
            size_t n = (size_t)(nl - fs->inbuf) + 1;
            size_t k = n - 1;
            if (k && fs->inbuf[k - 1] == '\r')
                k--;
            if (k >= size)
                k = size - 1;
            memcpy(line, fs->inbuf, k);
            line[k] = '\0';
            fs_consume(fs, n);
            return 1;
        }
        if (!fs_fill(fs))
            return 0;
    }
}

static int fs_read_exact(fault_server *fs, size_t n)
{
    while (n) {
        if (!fs->in_len && !fs_fill(fs))
            return 0;
        size_t k = fs->in_len < n ? fs->in_len : n;
        fs_append(&fs->body, &fs->body_len, &fs->body_cap, fs->inbuf, k);
        fs_consume(fs, k);
        n -= k;
    }
    return 1;
}

static int fs_read_data(fault_server *fs)
{
    fs->body_len = 0;
    for (;;) {
        char *end = fs->in_len >= 3 ? memmem(fs->inbuf, fs->in_len, "\r\n.\r\n", 5) : NULL;
        if (fs->body_len == 0 && fs->in_len >= 3 && memcmp(fs->inbuf, ".\r\n", 3) == 0) {
            fs_consume(fs, 3);
            return 1;
        }
        if (end) {
            size_t n = (size_t)(end - fs->inbuf) + 2;
            fs_append(&fs->body, &fs->body_len, &fs->body_cap, fs->inbuf, n);
            fs_consume(fs, n + 3);
            return 1;
        }
        /* Keep the last 4 bytes: the end marker may be split. */
        if (fs->in_len > 4) {
            fs_append(&fs->body, &fs->body_len, &fs->body_cap, fs->inbuf, fs->in_len - 4);
            fs_consume(fs, fs->in_len - 4);
        }
        if (!fs_fill(fs))
            return 0;
    }
}

static int fs_read_bdat(fault_server *fs)
{
    char line[256];
    if (!fs_read_line(fs, line, sizeof line) || strncasecmp(line, "BDAT ", 5) != 0) {
        snprintf(fs->failure, sizeof fs->failure, "expected BDAT, got \"%.200s\"", line);
        return 0;
    }
    return fs_read_exact(fs, strtoul(line + 5, NULL, 10));
}

static void fs_send(fault_server *fs, const char *text)
{
    size_t n = strlen(text);
    while (n) {
        ssize_t k = send(fs->fd, text, n, MSG_NOSIGNAL);
        if (k <= 0)
            return;
        text += k;
        n -= (size_t)k;
    }
}

static void *fs_main(void *arg)
{
    fault_server *fs = arg;
    fs->fd = accept(fs->lfd, NULL, NULL);
    if (fs->fd < 0)
        return NULL;
    struct timeval tv = {20, 0};
    setsockopt(fs->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char line[4096];
    for (const struct fs_step *st = fs->script; st->op; st++, fs->steps_done++) {
        int ok = 1;
        switch (st->op) {
        case 'S':
            fs_send(fs, st->arg);
            break;
        case 'E':
            ok = fs_read_line(fs, line, sizeof line);
            if (!ok || strncasecmp(line, st->arg, strlen(st->arg)) != 0) {
                snprintf(fs->failure, sizeof fs->failure,
                         "step %d: expected \"%.200s\", got \"%.200s\"", fs->steps_done, st->arg,
                         ok ? line : "(end of input)");
                ok = 0;
            }
            break;
        case 'D':
            ok = fs_read_data(fs);
            if (!ok)
                snprintf(fs->failure, sizeof fs->failure, "step %d: DATA never ended",
                         fs->steps_done);
            break;
        case 'B':
            ok = fs_read_bdat(fs);
            break;
        case 'C':
            ok = 0;
            break;
        case 'W':
            while (fs_fill(fs))
                fs->in_len = 0;
            ok = 0;
            break;
        }
        if (!ok)
            break;
    }
    shutdown(fs->fd, SHUT_WR);
    /* Record what else the client says (QUIT) until it hangs up. */
    while (fs_fill(fs))
        fs->in_len = 0;
    close(fs->fd);
    return NULL;
}

static void fs_start(fault_server *fs, const struct fs_step *script)
{
    memset(fs, 0, sizeof *fs);
    fs->script = script;
    fs->lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fs->lfd < 0 || bind(fs->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(fs->lfd, 4) < 0 || getsockname(fs->lfd, (struct sockaddr *)&sa, &len) < 0) {
        perror("fault server");
        exit(1);
    }
    fs->port = ntohs(sa.sin_port);
    fs_append(&fs->got, &fs->got_len, &fs->got_cap, "", 0);
    fs_append(&fs->body, &fs->body_len, &fs->body_cap, "", 0);
    pthread_create(&fs->thread, NULL, fs_main, fs);
}

/* Wait for the server to finish; returns its failure text ("" when none). */
static const char *fs_finish(fault_server *fs)
{
    pthread_join(fs->thread, NULL);
    close(fs->lfd);
    return fs->failure;
}

static void fs_free(fault_server *fs)
{
    free(fs->got);
    free(fs->body);
    fs->got = fs->body = NULL;
}

#endif
