/* The IMAP benchmark's reference for the server's limit: log in, SELECT a
 * folder and take every message with one UID FETCH 1:* BODY.PEEK[], reading
 * and discarding everything (plain sockets, no envoi code). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

enum { READ_SIZE = 256 * 1024, LINE_MAX_BYTES = 64 * 1024 };

/* The connection and what has been read from it but not yet used. */
typedef struct {
    int fd;
    char buf[READ_SIZE];
    size_t start, end;
} conn;

typedef struct {
    const char *host, *user, *password, *folder;
    int port;
    long expect;
} options;

static int fill(conn *c)
{
    if (c->start == c->end)
        c->start = c->end = 0;
    if (c->end == sizeof c->buf) {
        memmove(c->buf, c->buf + c->start, c->end - c->start);
        c->end -= c->start;
        c->start = 0;
    }
    for (;;) {
        ssize_t n = read(c->fd, c->buf + c->end, sizeof c->buf - c->end);
        if (n > 0) {
            c->end += (size_t)n;
            return 0;
        }
        if (n < 0 && errno == EINTR)
            continue;
        fprintf(stderr, "imap_bare: %s\n",
                n == 0 ? "the server closed the connection" : strerror(errno));
        return -1;
    }
}

/* One response line, CRLF removed, into line (at most cap - 1 bytes). */
static int read_line(conn *c, char *line, size_t cap, size_t *len)
{
    size_t n = 0;
    for (;;) {
        char *p = memchr(c->buf + c->start, '\n', c->end - c->start);
        size_t take = p ? (size_t)(p - (c->buf + c->start)) + 1 : c->end - c->start;
        if (n + take >= cap) {
            fprintf(stderr, "imap_bare: a response line longer than %zu bytes\n", cap);
            return -1;
        }
        memcpy(line + n, c->buf + c->start, take);
        n += take;
        c->start += take;
        if (p)
            break;
        if (fill(c) < 0)
            return -1;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    line[n] = '\0';
    *len = n;
    return 0;
}

/* Read and discard count bytes of a literal. */
static int skip(conn *c, unsigned long long count)
{
    while (count > 0) {
        if (c->start == c->end && fill(c) < 0)
            return -1;
        size_t have = c->end - c->start;
        size_t take = count < have ? (size_t)count : have;
        c->start += take;
        count -= take;
    }
    return 0;
}

/* The size of the literal that ends the line ("{N}"), or -1 when none. */
static long long literal_at_end(const char *line, size_t len)
{
    if (len < 3 || line[len - 1] != '}')
        return -1;
    size_t i = len - 1;
    while (i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9')
        i--;
    if (i == 0 || i == len - 1 || line[i - 1] != '{')
        return -1;
    return strtoll(line + i, NULL, 10);
}

static int send_all(int fd, const char *text)
{
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "imap_bare: %s\n", strerror(errno));
            return -1;
        }
        off += (size_t)n;
    }
    return 0;
}

/* Read responses up to the one tagged tag, skipping literals; count the
 * FETCH responses. Fails unless the tagged response is OK. */
static int await(conn *c, const char *tag, long *fetches)
{
    static char line[LINE_MAX_BYTES];
    size_t taglen = strlen(tag), len;
    for (;;) {
        if (read_line(c, line, sizeof line, &len) < 0)
            return -1;
        bool first = true;
        long long lit;
        while ((lit = literal_at_end(line, len)) >= 0) {
            if (first && fetches && strstr(line, " FETCH "))
                (*fetches)++;
            first = false;
            if (skip(c, (unsigned long long)lit) < 0 || read_line(c, line, sizeof line, &len) < 0)
                return -1;
        }
        if (!first)
            continue;
        if (strncmp(line, tag, taglen) == 0 && line[taglen] == ' ') {
            if (strncmp(line + taglen + 1, "OK", 2) == 0)
                return 0;
            fprintf(stderr, "imap_bare: %s\n", line);
            return -1;
        }
    }
}

static int connect_to(const options *o)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    if (inet_pton(AF_INET, o->host, &sa.sin_addr) != 1) {
        fprintf(stderr, "imap_bare: %s is not an IPv4 address\n", o->host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        fprintf(stderr, "imap_bare: connecting to %s:%d: %s\n", o->host, o->port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* The whole session; the number of messages fetched, or -1. */
static long session(const options *o)
{
    static conn c;
    static char line[LINE_MAX_BYTES], commands[4096];
    size_t len;
    c.fd = connect_to(o);
    if (c.fd < 0)
        return -1;
    long fetched = 0;
    int n = snprintf(commands, sizeof commands, "a LOGIN \"%s\" \"%s\"\r\nb SELECT \"%s\"\r\n",
                     o->user, o->password, o->folder);
    int rc = -1;
    if (n > 0 && (size_t)n < sizeof commands && read_line(&c, line, sizeof line, &len) == 0 &&
        send_all(c.fd, commands) == 0 && await(&c, "a", NULL) == 0 && await(&c, "b", NULL) == 0 &&
        send_all(c.fd, "c UID FETCH 1:* BODY.PEEK[]\r\n") == 0 && await(&c, "c", &fetched) == 0 &&
        send_all(c.fd, "d LOGOUT\r\n") == 0 && await(&c, "d", NULL) == 0)
        rc = 0;
    close(c.fd);
    return rc < 0 ? -1 : fetched;
}

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){.host = "127.0.0.1", .folder = "INBOX", .expect = -1};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            o->port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--user") == 0)
            o->user = argv[i + 1];
        else if (strcmp(argv[i], "--folder") == 0)
            o->folder = argv[i + 1];
        else if (strcmp(argv[i], "--host") == 0)
            o->host = argv[i + 1];
        else if (strcmp(argv[i], "--expect") == 0)
            o->expect = atol(argv[i + 1]);
        else
            return -1;
    }
    o->password = getenv("ENVOI_PASSWORD");
    return (argc % 2 == 1 && o->port > 0 && o->user && o->password) ? 0 : -1;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o) < 0) {
        fprintf(stderr, "usage: ENVOI_PASSWORD=... imap_bare --port PORT --user USER "
                        "[--host IPV4] [--folder NAME] [--expect N]\n");
        return 64;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long got = session(&o);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (got < 0)
        return 75;
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    long failed = o.expect > got ? o.expect - got : 0;
    printf("sent=%ld failed=%ld seconds=%.4f msgs_per_s=%.1f cpu_s=%.4f cpu_ms_per_msg=%.4f "
           "maxrss_kib=%ld\n",
           got, failed, secs, secs > 0 ? (double)got / secs : 0.0, cpu,
           got ? cpu * 1000 / (double)got : 0.0, ru.ru_maxrss);
    if (failed) {
        fprintf(stderr, "imap_bare: %ld of %ld messages fetched\n", got, o.expect);
        return 75;
    }
    return 0;
}
