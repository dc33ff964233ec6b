/* http_submit: load generator for envoid's HTTP API. C connections (one
 * thread each, HTTP/1.1 keep-alive) share M submissions of one raw message
 * (POST /v1/messages, {"from", "recipients", "raw"}), each answered 202 once
 * durable; with --wait-sent it then polls GET /v1/stats until every one is
 * sent. With --library DIR the C threads submit through the library
 * instead (envoi_spool_submit_raw on the spool directory envoid delivers
 * from), and envoid is only asked for its counts. Prints one key=value
 * line, like smtp_blast. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

#include "envoi/spool.h"

#define MAX_FAILURES 10 /* consecutive failures before a connection gives up */
#define REPLY_MAX 65536

typedef struct submit_opts {
    struct sockaddr_in addr;
    const char *hostport;
    size_t conns;
    long messages;
    const char *file;
    const char *from;
    const char *to;
    bool wait_sent;
    double timeout_s;
    long server_pid;
    const char *library_dir; /* submit through the library into this spool */
    bool rfc822;             /* the source as the body (message/rfc822), not in JSON */
} submit_opts;

typedef struct request {
    char *data;
    size_t len;
} request;

static request post;
static request raw; /* the message itself, for --library */
static envoi_spool *spool;
static atomic_long remaining;
static atomic_long submitted;
static atomic_long refused;
static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_error[512];

/* CPU seconds (user + system) of another process, or -1. */
static double process_cpu(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[2048];
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    char *p = strrchr(line, ')'); /* the name may hold spaces */
    unsigned long long utime, stime;
    if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
                     &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* Keep the first failure: what failed, and the details (cut to fit). */
static void note_error(const char *what, const char *detail)
{
    pthread_mutex_lock(&error_lock);
    if (!first_error[0])
        snprintf(first_error, sizeof first_error, "%s: %.400s", what, detail);
    pthread_mutex_unlock(&error_lock);
}

typedef struct growbuf {
    char *data;
    size_t len, cap;
} growbuf;

static int put(growbuf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *grown = realloc(b->data, cap);
        if (!grown)
            return -1;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static int put_str(growbuf *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* s as a JSON string, quotes included. */
static int put_json_string(growbuf *b, const char *s, size_t n)
{
    if (put(b, "\"", 1) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            if (put(b, esc, 2) < 0)
                return -1;
        } else if (c == '\r') {
            if (put(b, "\\r", 2) < 0)
                return -1;
        } else if (c == '\n') {
            if (put(b, "\\n", 2) < 0)
                return -1;
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            if (put(b, esc, 6) < 0)
                return -1;
        } else if (put(b, &s[i], 1) < 0) {
            return -1;
        }
    }
    return put(b, "\"", 1);
}

static int read_file(const char *path, growbuf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "http_submit: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char chunk[8192];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = put(out, chunk, n);
    fclose(f);
    return rc;
}

/* The POST request, built once and sent as is on every submission. */
static int build_request(const submit_opts *o)
{
    growbuf src = {0}, body = {0}, req = {0};
    if (read_file(o->file, &src) < 0)
        return -1;
    if (src.len == 0) {
        fprintf(stderr, "http_submit: %s: empty\n", o->file);
        return -1;
    }
    int rc = 0;
    char head[1024];
    if (o->rfc822) { /* the addresses are plain: no escaping needed in the query */
        rc |= put(&body, src.data, src.len);
        snprintf(head, sizeof head,
                 "POST /v1/messages?from=%s&to=%s HTTP/1.1\r\nHost: %s\r\n"
                 "Content-Type: message/rfc822\r\nContent-Length: %zu\r\n\r\n",
                 o->from, o->to, o->hostport, body.len);
    } else {
        rc |= put_str(&body, "{\"from\":");
        rc |= put_json_string(&body, o->from, strlen(o->from));
        rc |= put_str(&body, ",\"recipients\":[");
        rc |= put_json_string(&body, o->to, strlen(o->to));
        rc |= put_str(&body, "],\"raw\":");
        rc |= put_json_string(&body, src.data, src.len);
        rc |= put_str(&body, "}");
        snprintf(head, sizeof head,
                 "POST /v1/messages HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\n\r\n",
                 o->hostport, body.len);
    }
    rc |= put_str(&req, head);
    rc |= put(&req, body.data, body.len);
    raw.data = src.data;
    raw.len = src.len;
    free(body.data);
    if (rc != 0)
        return -1;
    post.data = req.data;
    post.len = req.len;
    return 0;
}

static int connect_to(const submit_opts *o)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (const struct sockaddr *)&o->addr, sizeof o->addr) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

typedef struct reply {
    int status;
    bool close;
    char body[REPLY_MAX];
} reply;

/* Read one response: status line, headers, a Content-Length body. */
static int read_reply(int fd, reply *r)
{
    static const char crlf2[] = "\r\n\r\n";
    char buf[REPLY_MAX];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len + 1 >= sizeof buf)
            return -1;
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, crlf2);
    }
    *end = '\0';
    if (sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1)
        return -1;
    size_t body_len = 0;
    r->close = false;
    for (char *line = strstr(buf, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, "Content-Length:", 15) == 0)
            body_len = (size_t)strtoul(h + 15, NULL, 10);
        else if (strncasecmp(h, "Connection:", 11) == 0 && strstr(h, "close"))
            r->close = true;
    }
    if (body_len >= sizeof r->body)
        return -1;
    size_t have = len - (size_t)(end + 4 - buf);
    if (have > body_len)
        return -1; /* no pipelining: nothing may follow the body */
    memcpy(r->body, end + 4, have);
    while (have < body_len) {
        ssize_t n = recv(fd, r->body + have, body_len - have, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    r->body[have] = '\0';
    return 0;
}

/* One request and its reply on *fd, connecting first when needed. */
static int exchange(const submit_opts *o, int *fd, const char *req, size_t len, reply *r)
{
    if (*fd < 0 && (*fd = connect_to(o)) < 0)
        return -1;
    if (send_all(*fd, req, len) < 0 || read_reply(*fd, r) < 0) {
        close(*fd);
        *fd = -1;
        return -1;
    }
    if (r->close) {
        close(*fd);
        *fd = -1;
    }
    return 0;
}

static void *submitter(void *arg)
{
    const submit_opts *o = arg;
    reply *r = malloc(sizeof *r);
    int fd = -1, streak = 0;
    while (r && streak < MAX_FAILURES && atomic_fetch_sub(&remaining, 1) > 0) {
        if (exchange(o, &fd, post.data, post.len, r) < 0) {
            note_error("connection", strerror(errno));
            atomic_fetch_add(&refused, 1);
            streak++;
        } else if (r->status != 202) {
            note_error("refused", r->body);
            atomic_fetch_add(&refused, 1);
            streak++;
        } else {
            atomic_fetch_add(&submitted, 1);
            streak = 0;
        }
    }
    if (fd >= 0)
        close(fd);
    free(r);
    return NULL;
}

static void *library_submitter(void *arg)
{
    const submit_opts *o = arg;
    const char *rcpts[] = {o->to};
    int streak = 0;
    while (streak < MAX_FAILURES && atomic_fetch_sub(&remaining, 1) > 0) {
        char id[ENVOI_SPOOL_ID_SIZE];
        if (envoi_spool_submit_raw(spool, o->from, rcpts, 1, raw.data, raw.len, id) < 0) {
            note_error("refused", envoi_spool_error(spool)->text);
            atomic_fetch_add(&refused, 1);
            streak++;
        } else {
            atomic_fetch_add(&submitted, 1);
            streak = 0;
        }
    }
    return NULL;
}

/* The counts of GET /v1/stats over *fd (kept open between calls): sent
 * and error. 0 or -1. */
static int read_stats(const submit_opts *o, int *fd, long *sent, long *error)
{
    char req[256];
    int n = snprintf(req, sizeof req, "GET /v1/stats HTTP/1.1\r\nHost: %s\r\n\r\n", o->hostport);
    static reply r;
    if (exchange(o, fd, req, (size_t)n, &r) < 0 || r.status != 200)
        return -1;
    const char *s = strstr(r.body, "\"sent\":");
    const char *e = strstr(r.body, "\"error\":");
    if (!s || !e)
        return -1;
    *sent = strtol(s + 7, NULL, 10);
    *error = strtol(e + 8, NULL, 10);
    return 0;
}

/* Poll the stats until base + count messages are sent (or done, with
 * errors). The pause between polls is 0.5% of the time since start (2 to
 * 100 ms): the figure is that close, and the polls (each counts the queue)
 * take little from the daemon. Returns how many of them failed; -1 on a
 * timeout. */
static long wait_sent(const submit_opts *o, double start, long base_sent, long base_error,
                      long count)
{
    double deadline = bench_now() + o->timeout_s;
    int fd = -1;
    long failed = -1;
    while (bench_now() < deadline) {
        long sent, error;
        if (read_stats(o, &fd, &sent, &error) == 0 &&
            sent - base_sent + error - base_error >= count) {
            failed = error - base_error;
            break;
        }
        double wait = (bench_now() - start) * 0.005;
        wait = wait < 0.002 ? 0.002 : wait > 0.1 ? 0.1 : wait;
        struct timespec pause = {0, (long)(wait * 1e9)};
        nanosleep(&pause, NULL);
    }
    if (fd >= 0)
        close(fd);
    return failed;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: http_submit [-c CONNECTIONS] [-m MESSAGES] -f FILE [--from ADDR] [--to ADDR]\n"
            "                   [--wait-sent] [--timeout SECONDS] [--server-pid PID]\n"
            "                   [--library DIR | --rfc822] HOST:PORT\n"
            "  CONNECTIONS (default 1) keep-alive connections share MESSAGES (default 2000)\n"
            "  submissions of the message in FILE to envoid at HOST:PORT (IPv4). --wait-sent:\n"
            "  then wait until GET /v1/stats counts every one sent; the rate is then from the\n"
            "  first submission to the last delivery. --server-pid: add envoid's CPU time.\n"
            "  --library DIR: CONNECTIONS threads submit through the library into the\n"
            "  spool directory DIR (the one envoid at HOST:PORT delivers from). --rfc822:\n"
            "  the source as the body (Content-Type: message/rfc822, ?from=&to=), not JSON.\n");
}

static int parse_args(int argc, char **argv, submit_opts *o)
{
    static const struct option longopts[] = {{"from", required_argument, NULL, 'F'},
                                             {"to", required_argument, NULL, 'T'},
                                             {"wait-sent", no_argument, NULL, 'w'},
                                             {"timeout", required_argument, NULL, 'o'},
                                             {"server-pid", required_argument, NULL, 'p'},
                                             {"library", required_argument, NULL, 'L'},
                                             {"rfc822", no_argument, NULL, 'R'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:m:f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->conns = (size_t)strtoul(optarg, NULL, 10);
            break;
        case 'm':
            o->messages = strtol(optarg, NULL, 10);
            break;
        case 'f':
            o->file = optarg;
            break;
        case 'F':
            o->from = optarg;
            break;
        case 'T':
            o->to = optarg;
            break;
        case 'w':
            o->wait_sent = true;
            break;
        case 'o':
            o->timeout_s = atof(optarg);
            break;
        case 'p':
            o->server_pid = strtol(optarg, NULL, 10);
            break;
        case 'L':
            o->library_dir = optarg;
            break;
        case 'R':
            o->rfc822 = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind + 1 != argc || !o->file || o->conns < 1 || o->conns > 1024 || o->messages < 1 ||
        o->timeout_s <= 0) {
        usage(stderr);
        return -1;
    }
    o->hostport = argv[optind];
    char host[64];
    unsigned port;
    const char *colon = strrchr(o->hostport, ':');
    if (!colon || (size_t)(colon - o->hostport) >= sizeof host ||
        sscanf(colon + 1, "%u", &port) != 1 || port == 0 || port > 65535) {
        fprintf(stderr, "http_submit: %s: expected IPv4:PORT\n", o->hostport);
        return -1;
    }
    memcpy(host, o->hostport, (size_t)(colon - o->hostport));
    host[colon - o->hostport] = '\0';
    o->addr.sin_family = AF_INET;
    o->addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &o->addr.sin_addr) != 1) {
        fprintf(stderr, "http_submit: %s: not an IPv4 address\n", host);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    submit_opts o = {.conns = 1,
                     .messages = 2000,
                     .from = "bench@example.org",
                     .to = "sink@example.net",
                     .timeout_s = 600};
    if (parse_args(argc, argv, &o) < 0)
        return 64;
    if (build_request(&o) < 0)
        return 66;
    long base_sent = 0, base_error = 0;
    int stats_fd = -1;
    if (o.wait_sent && read_stats(&o, &stats_fd, &base_sent, &base_error) < 0) {
        fprintf(stderr, "http_submit: GET /v1/stats from %s fails\n", o.hostport);
        return 69;
    }
    if (stats_fd >= 0)
        close(stats_fd);
    pthread_t *t = calloc(o.conns, sizeof *t);
    if (!t)
        return 71;
    envoi_error err;
    if (o.library_dir && !(spool = envoi_spool_open(o.library_dir, &err))) {
        fprintf(stderr, "http_submit: %s: %s\n", o.library_dir, err.text);
        return 73;
    }
    atomic_store(&remaining, o.messages);
    double server0 = o.server_pid > 0 ? process_cpu(o.server_pid) : 0;
    double cpu0 = bench_cpu_seconds();
    double start = bench_now();
    for (size_t i = 0; i < o.conns; i++)
        pthread_create(&t[i], NULL, o.library_dir ? library_submitter : submitter, &o);
    for (size_t i = 0; i < o.conns; i++)
        pthread_join(t[i], NULL);
    double submit_s = bench_now() - start;
    long ok = atomic_load(&submitted);
    long failed = o.messages - ok;
    double seconds = submit_s;
    if (o.wait_sent && ok > 0) {
        long undelivered = wait_sent(&o, start, base_sent, base_error, ok);
        if (undelivered != 0) {
            fprintf(stderr, "http_submit: %s\n",
                    undelivered < 0 ? "timed out waiting for the deliveries"
                                    : "some messages failed delivery (GET /v1/stats: error)");
            failed = undelivered < 0 ? o.messages : failed + undelivered;
        }
        seconds = bench_now() - start;
    }
    double cpu = bench_cpu_seconds() - cpu0;
    double server = o.server_pid > 0 ? process_cpu(o.server_pid) - server0 : 0;
    free(t);
    envoi_spool_close(spool);
    free(raw.data);
    if (first_error[0])
        fprintf(stderr, "http_submit: first failure: %s\n", first_error);
    long sent = o.messages - failed;
    printf("conns=%zu sent=%ld failed=%ld seconds=%.4f msgs_per_s=%.1f submit_seconds=%.4f "
           "submits_per_s=%.1f cpu_s=%.4f server_cpu_s=%.4f cpu_ms_per_msg=%.4f\n",
           o.conns, sent, failed, seconds, (double)sent / seconds, submit_s, (double)ok / submit_s,
           cpu, server, (cpu + server) * 1000 / (double)o.messages);
    return failed ? 1 : 0;
}
