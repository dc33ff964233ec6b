/* Faults: a process killed (SIGKILL) while submitting loses nothing it
 * acknowledged and leaves a consistent database; a full disk (the file
 * size limit) refuses the submission and keeps what was there. */
#include "test_queue_helpers.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define SUBMITTERS 4
#define MAX_ACKED 20000

typedef struct acked {
    char ids[MAX_ACKED][SPOOL_ID_SIZE];
    size_t n;
} acked;

typedef struct child_arg {
    spool_queue *q;
    int fd;
} child_arg;

/* In the child: submit forever, reporting each acknowledged id as one
 * fixed-size record (a pipe write of this size is atomic). */
static void *submit_forever(void *arg)
{
    child_arg *a = arg;
    static const char *const rcpt[] = {"bob@example.net", "carol@example.net"};
    spool_submission m = {.from = "alice@example.org",
                          .recipients = rcpt,
                          .recipient_count = 2,
                          .source = qmsg_source,
                          .source_len = sizeof qmsg_source - 1};
    for (;;) {
        char id[SPOOL_ID_SIZE] = {0};
        envoi_error err;
        if (spool_queue_submit(a->q, &m, id, &err) != 0)
            _exit(3);
        if (write(a->fd, id, SPOOL_ID_SIZE) != SPOOL_ID_SIZE)
            _exit(4);
    }
    return NULL;
}

static void child_submit(const char *spool, int fd)
{
    spool_queue *q;
    envoi_error err;
    if (spool_queue_open(&q, spool, NULL, &err) != 0)
        _exit(2);
    child_arg a = {q, fd};
    pthread_t t[SUBMITTERS];
    for (int i = 0; i < SUBMITTERS; i++)
        pthread_create(&t[i], NULL, submit_forever, &a);
    pthread_join(t[0], NULL);
    _exit(5);
}

static bool read_record(int fd, char id[SPOOL_ID_SIZE])
{
    size_t got = 0;
    while (got < SPOOL_ID_SIZE) {
        ssize_t r = read(fd, id + got, SPOOL_ID_SIZE - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Run a submitting child, kill it after `after` acknowledgements, and keep
 * every id it acknowledged (also those still in the pipe). */
static void run_and_kill(const char *spool, size_t after, acked *ack)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        child_submit(spool, p[1]);
    }
    close(p[1]);
    size_t seen = 0;
    char id[SPOOL_ID_SIZE];
    while (seen < after && read_record(p[0], id)) {
        assert_true(ack->n < MAX_ACKED);
        memcpy(ack->ids[ack->n++], id, SPOOL_ID_SIZE);
        seen++;
    }
    assert_int_equal(seen, after);
    kill(pid, SIGKILL);
    while (read_record(p[0], id)) {
        assert_true(ack->n < MAX_ACKED);
        memcpy(ack->ids[ack->n++], id, SPOOL_ID_SIZE);
    }
    close(p[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void assert_integrity(const char *spool)
{
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db", spool);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_killed_submitter_loses_nothing_acknowledged(void **state)
{
    qfix *f = *state;
    spool_queue_close(f->q); /* the children open their own */
    f->q = NULL;
    static acked ack;
    ack.n = 0;
    const size_t moments[] = {1, 3, 17, 60, 150, 400, 900};
    for (size_t i = 0; i < sizeof moments / sizeof *moments; i++) {
        run_and_kill(f->spool, moments[i], &ack);
        assert_integrity(f->spool);
    }
    qfix_reopen(f);
    envoi_error err;
    for (size_t i = 0; i < ack.n; i++) {
        spool_info info;
        assert_int_equal(spool_queue_info(f->q, ack.ids[i], &info, &err), 0);
        assert_int_equal(info.recipient_count, 2);
        spool_info_free(&info);
    }
    /* Every message is whole: two recipients each, none without its rows. */
    long long messages = qsql_int(f->spool, "SELECT count(*) FROM messages");
    assert_true(messages >= (long long)ack.n);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM recipients"), 2 * messages);
    /* The queue still works after the kills. */
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
}

#define BIG (200 * 1024)

/* In the child: the file size limit just above the database's size, then
 * big submissions until one is refused. Exit 0 when it was refused as a
 * full disk; accepted ids go to fd. */
static void child_fill(const char *spool, int fd)
{
    signal(SIGXFSZ, SIG_IGN);
    spool_queue *q;
    envoi_error err;
    if (spool_queue_open(&q, spool, NULL, &err) != 0)
        _exit(2);
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db", spool);
    struct stat sb;
    if (stat(path, &sb) != 0)
        _exit(2);
    struct rlimit lim = {(rlim_t)sb.st_size + 512 * 1024, (rlim_t)sb.st_size + 512 * 1024};
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
        _exit(2);
    char *big = malloc(BIG);
    if (!big)
        _exit(2);
    memset(big, 'x', BIG);
    memcpy(big, "Subject: big\r\n\r\n", 16);
    static const char *const rcpt[] = {"bob@example.net"};
    spool_submission m = {.from = "a@example.org",
                          .recipients = rcpt,
                          .recipient_count = 1,
                          .source = big,
                          .source_len = BIG};
    for (int i = 0; i < 50; i++) {
        char id[SPOOL_ID_SIZE];
        int rc = spool_queue_submit(q, &m, id, &err);
        if (rc == ENVOI_EFILE && strstr(err.text, "disk is full")) {
            /* The handle still answers and refuses again, consistently. */
            rc = spool_queue_submit(q, &m, id, &err);
            spool_queue_close(q);
            _exit(rc == ENVOI_EFILE ? 0 : 6);
        }
        if (rc != 0) {
            fprintf(stderr, "unexpected: %d %s\n", rc, err.text);
            _exit(3);
        }
        if (write(fd, id, SPOOL_ID_SIZE) != SPOOL_ID_SIZE)
            _exit(4);
    }
    _exit(1);
}

static void test_full_disk_refuses_and_keeps_earlier_messages(void **state)
{
    qfix *f = *state;
    char before[5][SPOOL_ID_SIZE];
    for (int i = 0; i < 5; i++)
        qsubmit_one(f->q, before[i]);
    spool_queue_close(f->q);
    f->q = NULL;

    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        child_fill(f->spool, p[1]);
    }
    close(p[1]);
    static acked ack;
    ack.n = 0;
    while (ack.n < MAX_ACKED && read_record(p[0], ack.ids[ack.n]))
        ack.n++;
    close(p[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    assert_integrity(f->spool);
    qfix_reopen(f);
    envoi_error err;
    for (int i = 0; i < 5; i++) {
        void *src;
        size_t len;
        assert_int_equal(spool_queue_source(f->q, before[i], &src, &len, &err), 0);
        assert_int_equal(len, sizeof qmsg_source - 1);
        assert_memory_equal(src, qmsg_source, len);
        free(src);
    }
    for (size_t i = 0; i < ack.n; i++) {
        spool_info info;
        assert_int_equal(spool_queue_info(f->q, ack.ids[i], &info, &err), 0);
        assert_int_equal(info.size, BIG);
        spool_info_free(&info);
    }
    /* Nothing half-written: only the accepted messages, each with its recipient. */
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM messages"), 5 + (long long)ack.n);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM recipients"), 5 + (long long)ack.n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_killed_submitter_loses_nothing_acknowledged,
                                        qfix_setup, qfix_teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_refuses_and_keeps_earlier_messages,
                                        qfix_setup, qfix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
