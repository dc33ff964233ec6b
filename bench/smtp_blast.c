/* smtp_blast: load generator for envoi's SMTP client. Sends M messages of L
 * bytes over S sessions (one thread and one reused envoi_smtp each) and prints
 * throughput, client CPU per message and peak RSS as one key=value line. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "envoi.h"
#include "util/buf.h"

#define BLAST_FROM "bench@localhost"
#define BLAST_TO "sink@localhost"
#define BLAST_LINE 78         /* body line length before CRLF, as smtp-source writes */
#define BLAST_MAX_FAILURES 10 /* consecutive failures before a session gives up */

typedef enum blast_mode {
    BLAST_RAW,     /* prebuilt source sent with envoi_smtp_send_data */
    BLAST_COMPOSE, /* envoi_message composed once, serialized on every send */
    BLAST_ATTACH,  /* one envoi_message with a file attachment */
} blast_mode;

typedef struct blast_opts {
    const char *host;
    unsigned port;
    size_t sessions;
    size_t messages;
    size_t length;
    blast_mode mode;
    const char *attach;
    bool trace;
} blast_opts;

typedef struct blast_worker {
    pthread_t thread;
    const blast_opts *opts;
    size_t index;
    size_t count;     /* messages this session sends */
    size_t sent;      /* accepted by the server */
    size_t failed;    /* refused or lost */
    char error[1100]; /* first failure: code name and the server's words */
    bool started;
} blast_worker;

static void usage(FILE *out)
{
    fprintf(out, "usage: smtp_blast [-s SESSIONS] [-m MESSAGES] [-l LENGTH] [--compose]\n"
                 "                  [--attach FILE] [--trace] HOST:PORT\n"
                 "  default: raw mode, the same source as smtp-source -l LENGTH, sent with\n"
                 "  envoi_smtp_send_data; --compose: an envoi_message with a text body of\n"
                 "  LENGTH bytes, serialized by envoi_smtp_send on every send; --attach: one\n"
                 "  message carrying FILE, to measure peak memory.\n");
}

static int parse_size(const char *s, size_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_target(const char *arg, blast_opts *o)
{
    static char host[256];
    const char *colon = strrchr(arg, ':');
    size_t port = 0;
    if (colon == NULL || (size_t)(colon - arg) >= sizeof host || parse_size(colon + 1, &port) < 0 ||
        port == 0 || port > 65535)
        return -1;
    memcpy(host, arg, (size_t)(colon - arg));
    host[colon - arg] = '\0';
    o->host = host;
    o->port = (unsigned)port;
    return 0;
}

static int parse_args(int argc, char **argv, blast_opts *o)
{
    static const struct option longopts[] = {
        {"compose", no_argument, NULL, 'c'},
        {"attach", required_argument, NULL, 'a'},
        {"trace", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "s:m:l:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (parse_size(optarg, &o->sessions) < 0 || o->sessions == 0)
                return -1;
            break;
        case 'm':
            if (parse_size(optarg, &o->messages) < 0)
                return -1;
            break;
        case 'l':
            if (parse_size(optarg, &o->length) < 0)
                return -1;
            break;
        case 'c':
            o->mode = BLAST_COMPOSE;
            break;
        case 'a':
            o->mode = BLAST_ATTACH;
            o->attach = optarg;
            break;
        case 't':
            o->trace = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return -1;
        }
    }
    if (optind != argc - 1 || parse_target(argv[optind], o) < 0)
        return -1;
    if (o->mode == BLAST_ATTACH) {
        o->sessions = 1;
        o->messages = 1;
    }
    return 0;
}

/* Body lines as smtp-source writes them: 78 characters and CRLF, the last
 * one shorter, LENGTH bytes in all. */
static int append_body(envoi_buf *b, size_t length, const char *eol)
{
    size_t eol_len = strlen(eol);
    char line[BLAST_LINE];
    memset(line, 'X', sizeof line);
    while (length > eol_len) {
        size_t n = length - eol_len < BLAST_LINE ? length - eol_len : BLAST_LINE;
        if (envoi_buf_append(b, line, n) < 0 || envoi_buf_append(b, eol, eol_len) < 0)
            return -1;
        length -= n + eol_len;
    }
    return 0;
}

/* The header block smtp-source sends: From, To, Date, Message-Id. */
static int append_headers(envoi_buf *b, size_t worker)
{
    char date[64];
    struct tm tm;
    time_t now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return envoi_buf_printf(b,
                            "From: <" BLAST_FROM ">\r\nTo: <" BLAST_TO ">\r\nDate: %s\r\n"
                            "Message-Id: <blast.%ld.%zu@localhost>\r\n\r\n",
                            date, (long)now, worker);
}

static envoi_message *compose_message(const blast_opts *o)
{
    envoi_message *msg = envoi_message_new();
    envoi_buf text = ENVOI_BUF_INIT;
    int rc = msg == NULL ? -1 : 0;
    if (rc == 0)
        rc = envoi_message_set_from(msg, BLAST_FROM);
    if (rc == 0)
        rc = envoi_message_add_to(msg, BLAST_TO);
    if (rc == 0)
        rc = envoi_message_set_subject(msg, "envoi bench");
    if (rc == 0 && o->mode == BLAST_COMPOSE)
        rc = append_body(&text, o->length, "\n");
    if (rc == 0 && o->mode == BLAST_ATTACH)
        rc = envoi_buf_append_str(&text, "The attachment follows.\n");
    if (rc == 0)
        rc = envoi_message_set_text(msg, text.data ? text.data : "", text.len);
    if (rc == 0 && o->mode == BLAST_ATTACH)
        rc = envoi_message_attach_file(msg, o->attach, NULL, NULL);
    envoi_buf_free(&text);
    if (rc < 0) {
        fprintf(stderr, "smtp_blast: composing the message failed: %s\n",
                rc == -1 ? "out of memory" : envoi_strerror(rc));
        envoi_message_free(msg);
        return NULL;
    }
    return msg;
}

static void print_trace(void *ctx, bool sent, const char *line)
{
    fprintf(stderr, "[%zu] %s %s\n", *(const size_t *)ctx, sent ? ">" : "<", line);
}

static envoi_smtp *open_session(blast_worker *w)
{
    envoi_smtp *s = envoi_smtp_new();
    if (s == NULL)
        return NULL;
    if (envoi_smtp_set_server(s, w->opts->host, w->opts->port) < 0 ||
        envoi_smtp_set_security(s, ENVOI_SECURITY_NONE) < 0 ||
        envoi_smtp_set_helo_name(s, "localhost") < 0 || envoi_smtp_set_timeout(s, 60000) < 0 ||
        (w->opts->trace && envoi_smtp_set_trace(s, print_trace, &w->index) < 0)) {
        envoi_smtp_free(s);
        return NULL;
    }
    return s;
}

static int send_one(envoi_smtp *s, const blast_worker *w, const envoi_buf *raw, envoi_message *msg)
{
    static const char *const rcpts[] = {BLAST_TO};
    if (w->opts->mode == BLAST_RAW)
        return envoi_smtp_send_data(s, raw->data, raw->len, BLAST_FROM, rcpts, 1);
    return envoi_smtp_send(s, msg);
}

static void note_failure(blast_worker *w, envoi_smtp *s, int rc)
{
    w->failed++;
    if (w->error[0] == '\0')
        snprintf(w->error, sizeof w->error, "%s: %s", envoi_err_name(rc),
                 s ? envoi_smtp_error(s)->text : "no session");
}

/* One session: every message over the same connection; after a failure the
 * session is dropped and a new one opened. */
static void *run_worker(void *arg)
{
    blast_worker *w = arg;
    envoi_buf raw = ENVOI_BUF_INIT;
    envoi_message *msg = NULL;
    if (w->opts->mode == BLAST_RAW) {
        if (append_headers(&raw, w->index) < 0 || append_body(&raw, w->opts->length, "\r\n") < 0) {
            note_failure(w, NULL, ENVOI_ENOMEM);
            return NULL;
        }
    } else if ((msg = compose_message(w->opts)) == NULL) {
        note_failure(w, NULL, ENVOI_EINVAL);
        return NULL;
    }
    envoi_smtp *s = open_session(w);
    size_t streak = 0;
    for (size_t i = 0; i < w->count && s != NULL && streak < BLAST_MAX_FAILURES; i++) {
        int rc = send_one(s, w, &raw, msg);
        if (rc == 0) {
            w->sent++;
            streak = 0;
            continue;
        }
        note_failure(w, s, rc);
        streak++;
        envoi_smtp_free(s);
        s = open_session(w);
    }
    w->failed += w->count - w->sent - w->failed;
    if (s != NULL)
        envoi_smtp_quit(s);
    envoi_smtp_free(s);
    envoi_message_free(msg);
    envoi_buf_free(&raw);
    return NULL;
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static double cpu_seconds(const struct rusage *r)
{
    return (double)(r->ru_utime.tv_sec + r->ru_stime.tv_sec) +
           (double)(r->ru_utime.tv_usec + r->ru_stime.tv_usec) / 1e6;
}

static const char *mode_name(blast_mode m)
{
    return m == BLAST_RAW ? "raw" : m == BLAST_COMPOSE ? "compose" : "attach";
}

static void print_report(const blast_opts *o, const blast_worker *w, double wall, double cpu,
                         long maxrss_kib)
{
    size_t sent = 0, failed = 0;
    const char *error = "";
    for (size_t i = 0; i < o->sessions; i++) {
        sent += w[i].sent;
        failed += w[i].failed;
        if (error[0] == '\0')
            error = w[i].error;
    }
    double per = sent ? (double)sent : 1.0;
    printf("mode=%s sessions=%zu messages=%zu length=%zu sent=%zu failed=%zu seconds=%.4f "
           "msgs_per_s=%.1f cpu_s=%.4f cpu_ms_per_msg=%.4f maxrss_kib=%ld\n",
           mode_name(o->mode), o->sessions, o->messages, o->length, sent, failed, wall,
           wall > 0 ? (double)sent / wall : 0.0, cpu, cpu * 1000.0 / per, maxrss_kib);
    if (failed)
        fprintf(stderr, "smtp_blast: %zu message(s) failed; first: %s\n", failed, error);
}

int main(int argc, char **argv)
{
    blast_opts o = {.sessions = 1, .messages = 1, .length = 10240, .mode = BLAST_RAW};
    if (parse_args(argc, argv, &o) < 0) {
        usage(stderr);
        return 64;
    }
    int rc = envoi_init();
    if (rc < 0) {
        fprintf(stderr, "smtp_blast: envoi_init: %s\n", envoi_strerror(rc));
        return 70;
    }
    if (o.sessions > o.messages && o.messages > 0)
        o.sessions = o.messages;
    blast_worker *w = calloc(o.sessions, sizeof *w);
    if (w == NULL)
        return 71;

    struct rusage ru0, ru1;
    struct timespec t0, t1;
    getrusage(RUSAGE_SELF, &ru0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < o.sessions; i++) {
        w[i].opts = &o;
        w[i].index = i;
        w[i].count = o.messages / o.sessions + (i < o.messages % o.sessions ? 1 : 0);
        w[i].started = pthread_create(&w[i].thread, NULL, run_worker, &w[i]) == 0;
        if (!w[i].started) {
            w[i].failed = w[i].count;
            snprintf(w[i].error, sizeof w[i].error, "cannot start a thread");
        }
    }
    for (size_t i = 0; i < o.sessions; i++)
        if (w[i].started)
            pthread_join(w[i].thread, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &ru1);

    print_report(&o, w, seconds_between(&t0, &t1), cpu_seconds(&ru1) - cpu_seconds(&ru0),
                 ru1.ru_maxrss);
    size_t failed = 0;
    for (size_t i = 0; i < o.sessions; i++)
        failed += w[i].failed;
    free(w);
    return failed ? 75 : 0;
}
