/* Opening and closing the spool queue: its directory and database, the
 * schema, the group committer; the policy defaults, status names, clock. */
#include "spool/queue_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "spool/queue_test.h"
#include "util/buf.h"
#include "util/err.h"

void spool_policy_default(spool_policy *p)
{
    p->first_retry_s = 300;
    p->factor = 2;
    p->max_retry_s = 14400;
    p->jitter_pct = 20;
    p->expire_s = 345600;
    p->max_message = (size_t)50 * 1024 * 1024;
}

const char *spool_status_name(spool_status st)
{
    switch (st) {
    case SPOOL_PENDING:
        return "pending";
    case SPOOL_SENT:
        return "sent";
    case SPOOL_ERROR:
        return "error";
    case SPOOL_CANCELLED:
        return "cancelled";
    }
    return "unknown";
}

int64_t queue_now_ms(spool_queue *q)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&q->clock_shift_ms);
}

uint64_t spool_queue_commit_count(spool_queue *q)
{
    return atomic_load(&q->commits);
}

void spool_queue_shift_clock(spool_queue *q, int64_t delta_ms)
{
    atomic_fetch_add(&q->clock_shift_ms, delta_ms);
}

static int make_dir(const char *dir, envoi_error *err)
{
    if (mkdir(dir, 0700) == 0 || errno == EEXIST) {
        struct stat sb;
        if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
            return 0;
        return envoi_err_set(err, ENVOI_EFILE, "%s: not a directory", dir);
    }
    return envoi_err_set(err, ENVOI_EFILE, "%s: cannot create the spool directory: %s", dir,
                         strerror(errno));
}

static int init_sync(spool_queue *q)
{
    if (pthread_mutex_init(&q->main_mu, NULL) != 0)
        return ENVOI_ENOMEM;
    if (pthread_mutex_init(&q->mu, NULL) != 0)
        return ENVOI_ENOMEM;
    if (pthread_mutex_init(&q->write_mu, NULL) != 0)
        return ENVOI_ENOMEM;
    if (pthread_mutex_init(&q->stats_mu, NULL) != 0)
        return ENVOI_ENOMEM;
    if (pthread_cond_init(&q->work_cv, NULL) != 0)
        return ENVOI_ENOMEM;
    if (pthread_cond_init(&q->done_cv, NULL) != 0)
        return ENVOI_ENOMEM;
    q->tail = &q->head;
    return 0;
}

static int open_db(spool_queue *q, const char *dir, envoi_error *err)
{
    envoi_buf path = ENVOI_BUF_INIT;
    int rc = make_dir(dir, err);
    if (rc == 0 && envoi_buf_printf(&path, "%s/queue.db", dir) < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (rc == 0)
        rc = queue_conn_open(&q->main, path.data, err);
    if (rc == 0)
        rc = queue_schema_ensure(&q->main, err);
    if (rc == 0)
        rc = queue_conn_open(&q->commit, path.data, err);
    if (rc == 0)
        rc = queue_conn_open(&q->stats, path.data, err);
    q->main.writer = &q->write_mu;
    q->commit.writer = &q->write_mu;
    envoi_buf_free(&path);
    return rc;
}

int spool_queue_open(spool_queue **out, const char *dir, const spool_policy *policy,
                     envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (!out || !dir || !*dir)
        return envoi_err_set(err, ENVOI_EINVAL, "spool_queue_open: missing directory");
    *out = NULL;
    spool_queue *q = calloc(1, sizeof *q);
    if (!q)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (policy)
        q->policy = *policy;
    else
        spool_policy_default(&q->policy);
    int rc = init_sync(q);
    if (rc < 0)
        envoi_err_set(err, rc, "cannot initialise the queue's locks");
    if (rc == 0)
        rc = open_db(q, dir, err);
    if (rc == 0)
        rc = queue_committer_start(q, err);
    if (rc < 0) {
        spool_queue_close(q);
        return rc;
    }
    *out = q;
    return 0;
}

void spool_queue_close(spool_queue *q)
{
    if (!q)
        return;
    queue_committer_stop(q);
    queue_conn_close(&q->stats);
    queue_conn_close(&q->commit);
    queue_conn_close(&q->main);
    pthread_cond_destroy(&q->done_cv);
    pthread_cond_destroy(&q->work_cv);
    pthread_mutex_destroy(&q->mu);
    pthread_mutex_destroy(&q->write_mu);
    pthread_mutex_destroy(&q->stats_mu);
    pthread_mutex_destroy(&q->main_mu);
    free(q);
}
