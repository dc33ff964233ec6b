/* envoid's life: settings checked, token loaded, queue opened and locked, workers and
 * HTTP API started, then a stop signal waited for and everything closed in
 * reverse order. */
#include "daemon/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sysexits.h>
#include <unistd.h>

#include "daemon/api.h"
#include "daemon/http.h"
#include "daemon/log.h"
#include "daemon/queue_watch.h"
#include "daemon/token.h"
#include "daemon/workers.h"
#include "util/buf.h"

#define STOP_GRACE_MS 30000

/* Stop signals are taken by sigwait in the main thread only. */
static void block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int load_token(const envoid_settings *s, envoid_token *token)
{
    envoi_error err = {0};
    memset(token, 0, sizeof *token);
    if (!s->token_file) {
        if (s->loopback)
            return 0;
        envoid_error("refusing to listen on %s (not loopback) without a bearer token: set "
                     "token-file in [spool]",
                     s->listen);
        return EX_CONFIG;
    }
    int rc = envoid_token_load(token, s->token_file, &err);
    if (rc < 0) {
        envoid_error("%s", err.text);
        return rc == ENVOI_EFILE ? EX_NOINPUT : EX_CONFIG;
    }
    return 0;
}

static int open_queue(const envoid_settings *s, spool_queue **q)
{
    envoi_error err = {0};
    spool_policy policy;
    spool_policy_default(&policy);
    policy.max_message = s->max_message;
    if (spool_queue_open(q, s->dir, &policy, &err) < 0) {
        envoid_error("cannot open the queue in %s: %s", s->dir, err.text);
        return EX_CANTCREAT;
    }
    return 0;
}

/* One envoid per spool directory: its workers' names (envoid-N) take back the
 * leases they held before a crash, right only when no other envoid uses them.
 * The lock (on DIR/envoid.lock) ends with the process, a killed one too. */
static int lock_spool(const char *dir, int *fd)
{
    envoi_buf path = ENVOI_BUF_INIT;
    *fd = -1;
    if (envoi_buf_printf(&path, "%s/envoid.lock", dir) < 0) {
        envoid_error("out of memory");
        return EX_OSERR;
    }
    int status = 0;
    *fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (*fd < 0) {
        envoid_error("cannot open the queue in %s: %s: %s", dir, path.data, strerror(errno));
        status = EX_CANTCREAT;
    } else if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
        envoid_error("cannot open the queue in %s: another envoid is using it (%s is locked)", dir,
                     path.data);
        close(*fd);
        *fd = -1;
        status = EX_CANTCREAT;
    }
    envoi_buf_free(&path);
    return status;
}

static int start_workers(const envoid_workers_ctx *ctx, void **state)
{
    const envoid_workers_ops *ops = envoid_workers_builtin();
    *state = NULL;
    if (!ops) {
        envoid_warn("no delivery workers in this build: messages are queued and stay pending");
        return 0;
    }
    envoi_error err = {0};
    if (ops->start(ctx, state, &err) < 0) {
        envoid_error("delivery workers (%s) did not start: %s", ops->name, err.text);
        return err.code == ENVOI_ECONFIG ? EX_CONFIG : EX_SOFTWARE;
    }
    if (*state)
        envoid_info("delivery workers started kind=%s count=%u relay=%s", ops->name,
                    ctx->settings->workers,
                    ctx->settings->relay ? ctx->settings->relay : "(capture)");
    return 0;
}

static void stop_workers(void *state)
{
    const envoid_workers_ops *ops = envoid_workers_builtin();
    if (ops && state)
        ops->stop(state);
}

static int wait_for_stop(const sigset_t *set)
{
    int sig = 0;
    while (sigwait(set, &sig) != 0)
        ;
    return sig;
}

static int serve(envoid_settings *s, const envoi_config *cfg, spool_queue *q,
                 const envoid_token *token, const sigset_t *stop)
{
    envoid_workers_ctx wctx = {q, s, cfg};
    void *workers = NULL;
    int status = start_workers(&wctx, &workers);
    if (status)
        return status;
    const envoid_workers_ops *ops = envoid_workers_builtin();
    envoid_filter filter = {s->filter, s->filter_timeout * 1000u, s->max_message};
    envoid_api api = {q, s->dir, s->max_message, NULL, NULL, s->filter ? &filter : NULL};
    envoid_queue_watch *watch = NULL;
    if (ops && ops->wake && workers) {
        api.submitted = ops->wake;
        api.submitted_ctx = workers;
        watch = envoid_queue_watch_start(s->dir, ops->wake, workers);
    }
    envoid_http *http = NULL;
    envoi_error err = {0};
    if (envoid_http_start(&http, s, &api, token, &err) < 0) {
        envoid_error("%s", err.text);
        envoid_queue_watch_stop(watch);
        stop_workers(workers);
        return EX_UNAVAILABLE;
    }
    envoid_info("listening on http://%s spool=%s token=%s max-message-size=%zu", s->listen, s->dir,
                token->value ? "required" : "none", s->max_message);
    if (s->filter)
        envoid_info("content filter on timeout=%us command=\"%s\"", s->filter_timeout, s->filter);
    int sig = wait_for_stop(stop);
    envoid_info("stopping (%s): no new connections, finishing requests under way", strsignal(sig));
    envoid_http_stop(http, STOP_GRACE_MS);
    envoid_queue_watch_stop(watch);
    stop_workers(workers);
    return 0;
}

int envoid_run(envoid_settings *s, const envoi_config *cfg)
{
    sigset_t stop;
    block_stop_signals(&stop);
    envoi_error err = {0};
    if (envoid_settings_resolve(s, &err) < 0) {
        envoid_error("%s", err.text);
        return EX_CONFIG;
    }
    envoid_token token;
    int status = load_token(s, &token);
    if (status)
        return status;
    spool_queue *q = NULL;
    int lock_fd = -1;
    status = open_queue(s, &q);
    if (status == 0 && (status = lock_spool(s->dir, &lock_fd)) != 0)
        spool_queue_close(q);
    else if (status == 0) {
        status = serve(s, cfg, q, &token, &stop);
        spool_queue_close(q);
        close(lock_fd);
        if (status == 0)
            envoid_info("stopped: queue closed");
    }
    envoid_token_clear(&token);
    return status;
}
