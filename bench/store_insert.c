/* Mail store benchmark: insert generated messages in batches, then time a
 * few searches; with --maildir, time the maildir writer's sync modes.
 *
 *   store_insert [--count N] [--batch B] [--db PATH]
 *   store_insert --maildir DIR [--count N] [--batch B]
 *
 * Prints one "name: value" line per figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

#include "envoi/store.h"
#include "store/maildir.h"
#include "util/buf.h"

static const char *const words[] = {
    "invoice",  "meeting", "project", "report",   "budget", "holiday",  "release", "server",
    "database", "weekend", "coffee",  "deadline", "review", "contract", "garden",  "travel",
    "concert",  "update",  "payment", "schedule", "design", "market",   "ticket",  "planning",
    "question", "answer",  "summary", "agenda",   "office", "family",   "photo",   "music"};
#define NWORDS (sizeof words / sizeof *words)

static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

/* A plain-text message of about 2 KiB with a unique Message-ID. */
static void make_message(envoi_buf *b, size_t i, unsigned *rnd)
{
    envoi_buf_clear(b);
    envoi_buf_printf(b,
                     "From: User %zu <user%zu@example.org>\r\n"
                     "To: Team <team%zu@example.com>\r\n"
                     "Subject: %s %s %s number %zu\r\n"
                     "Date: %s, %02zu Nov 2026 %02zu:%02zu:00 +0000\r\n"
                     "Message-ID: <%zu.bench@example.org>\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n\r\n",
                     i % 500, i % 500, i % 50, words[next_random(rnd) % NWORDS],
                     words[next_random(rnd) % NWORDS], words[next_random(rnd) % NWORDS], i, "Mon",
                     1 + i % 28, i % 24, i % 60, i);
    for (int line = 0; line < 30; line++) {
        /* Common words, and rarer ones ("w0".."w19999") as real text has. */
        for (int w = 0; w < 6; w++)
            envoi_buf_printf(b, "%s ", words[next_random(rnd) % NWORDS]);
        for (int w = 0; w < 3; w++)
            envoi_buf_printf(b, "w%u ", next_random(rnd) % 20000);
        envoi_buf_append_str(b, "\r\n");
    }
}

static int count_row(void *ctx, const envoi_store_message *row)
{
    (void)row;
    ++*(size_t *)ctx;
    return 0;
}

static int bench_store(const char *path, size_t count, size_t batch)
{
    unlink(path);
    envoi_store *st;
    envoi_error err;
    if (envoi_store_open(path, &st, &err) < 0) {
        fprintf(stderr, "%s\n", err.text);
        return 1;
    }
    envoi_buf b = ENVOI_BUF_INIT;
    unsigned rnd = 1;
    double t0 = bench_now();
    for (size_t i = 0; i < count; i++) {
        if (i % batch == 0 && envoi_store_begin(st) < 0)
            break;
        make_message(&b, i, &rnd);
        char uidl[32];
        snprintf(uidl, sizeof uidl, "u%zu", i);
        if (envoi_store_add(st, "bench", uidl, b.data, b.len, NULL, NULL) < 0 ||
            ((i + 1) % batch == 0 || i + 1 == count ? envoi_store_commit(st) : 0) < 0) {
            fprintf(stderr, "%s\n", envoi_store_error(st)->text);
            return 1;
        }
    }
    double t = bench_now() - t0;
    printf("store_messages: %zu\nstore_batch: %zu\nstore_insert_seconds: %.2f\n"
           "store_insert_per_second: %.0f\n",
           count, batch, t, (double)count / t);
    /* From worst (a word in every message: all rows sorted by date) to
     * typical (a rarer word, an address, a phrase). */
    static const char *const queries[] = {"invoice",         "coffee AND w777", "w12345",
                                          "\"number 4242\"", "user42",          "w1234*"};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        size_t hits = 0;
        t0 = bench_now();
        /* The first 50 rows, newest first, as a listing shows them. */
        if (envoi_store_search(st, queries[q], 0, 50, count_row, &hits) < 0) {
            fprintf(stderr, "%s\n", envoi_store_error(st)->text);
            return 1;
        }
        double first = bench_now() - t0;
        size_t all = 0;
        t0 = bench_now();
        envoi_store_search(st, queries[q], 0, 0, count_row, &all);
        t = bench_now() - t0;
        printf("search %-24s: first 50 in %.1f ms; all %zu rows in %.1f ms\n", queries[q],
               first * 1e3, all, t * 1e3);
    }
    envoi_buf_free(&b);
    envoi_store_close(st);
    return 0;
}

static int bench_maildir(const char *dir, size_t count, size_t batch, store_sync_mode mode,
                         const char *name)
{
    store_maildir *m;
    envoi_error err;
    if (store_maildir_open(dir, &m, &err) < 0) {
        fprintf(stderr, "%s\n", err.text);
        return 1;
    }
    store_maildir_set_sync(m, mode);
    envoi_buf b = ENVOI_BUF_INIT;
    unsigned rnd = 7;
    make_message(&b, 0, &rnd);
    while (b.len < 10 * 1024) /* 10 KiB messages, as the fetch benchmark uses */
        envoi_buf_append_str(&b, "padding padding padding padding padding padding padding\r\n");
    double t0 = bench_now();
    for (size_t i = 0; i < count; i++) {
        if (store_maildir_add(m, b.data, b.len, &err) < 0 ||
            ((i + 1) % batch == 0 || i + 1 == count ? store_maildir_commit(m, &err) : 0) < 0) {
            fprintf(stderr, "%s\n", err.text);
            return 1;
        }
    }
    double t = bench_now() - t0;
    printf("maildir %-12s: %zu messages of %zu bytes, batches of %zu: %.0f per second\n", name,
           count, b.len, batch, (double)count / t);
    envoi_buf_free(&b);
    store_maildir_close(m);
    return 0;
}

int main(int argc, char **argv)
{
    size_t count = 100000, batch = 1000;
    const char *db = "store_bench.db", *maildir = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--count"))
            count = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--batch"))
            batch = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--maildir"))
            maildir = argv[i + 1];
    }
    if (!count || !batch) {
        fprintf(stderr,
                "usage: store_insert [--count N] [--batch B] [--db PATH | --maildir DIR]\n");
        return 2;
    }
    if (!maildir)
        return bench_store(db, count, batch);
    static const struct {
        store_sync_mode mode;
        const char *name;
    } modes[] = {
        {STORE_SYNC_EACH, "fsync-each"}, {STORE_SYNC_FS, "syncfs"}, {STORE_SYNC_NONE, "no-sync"}};
    mkdir(maildir, 0700);
    for (size_t i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", maildir, modes[i].name);
        if (bench_maildir(path, count, batch, modes[i].mode, modes[i].name))
            return 1;
    }
    return 0;
}
