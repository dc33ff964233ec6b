/* Starting a content filter: /bin/sh -c COMMAND in its own process group, with
 * pipes on its stdin, stdout and stderr and the envelope in its environment. */
#include "daemon/filter_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"

extern char **environ;

static const char *const envelope_names[] = {"ENVOI_FROM=", "ENVOI_RECIPIENTS=", "ENVOI_SIZE="};
#define ENVELOPE_VARS (sizeof envelope_names / sizeof envelope_names[0])

static bool is_envelope_var(const char *entry)
{
    for (size_t i = 0; i < ENVELOPE_VARS; i++)
        if (strncmp(entry, envelope_names[i], strlen(envelope_names[i])) == 0)
            return true;
    return false;
}

static void free_env(char **env)
{
    for (size_t i = 0; env && i < ENVELOPE_VARS; i++)
        free(env[i]);
    free(env);
}

/* The envelope variables first (owned), then envoid's environment without
 * any of their names (borrowed). */
static char **build_env(const char *from, const char *const *recipients, size_t count, size_t size)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = calloc(n + ENVELOPE_VARS + 1, sizeof *env);
    if (!env)
        return NULL;
    envoi_buf v[ENVELOPE_VARS] = {ENVOI_BUF_INIT, ENVOI_BUF_INIT, ENVOI_BUF_INIT};
    int rc = envoi_buf_printf(&v[0], "ENVOI_FROM=%s", from ? from : "");
    rc |= envoi_buf_append_str(&v[1], "ENVOI_RECIPIENTS=");
    for (size_t i = 0; rc == 0 && i < count; i++)
        rc = envoi_buf_printf(&v[1], "%s%s", i ? " " : "", recipients[i]);
    rc |= envoi_buf_printf(&v[2], "ENVOI_SIZE=%zu", size);
    for (size_t i = 0; i < ENVELOPE_VARS; i++)
        env[i] = rc == 0 ? envoi_buf_steal(&v[i], NULL) : NULL;
    for (size_t i = 0; i < ENVELOPE_VARS; i++)
        envoi_buf_free(&v[i]);
    if (rc != 0 || !env[0] || !env[1] || !env[2]) {
        free_env(env);
        return NULL;
    }
    size_t k = ENVELOPE_VARS;
    for (size_t i = 0; i < n; i++)
        if (!is_envelope_var(environ[i]))
            env[k++] = environ[i];
    return env;
}

/* fd moved to 3 or above (so that the child's dup2 onto 0, 1, 2 never
 * clobbers it), close-on-exec. */
static int lift_fd(int fd)
{
    if (fd > STDERR_FILENO)
        return fd;
    int lifted = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    close(fd);
    return lifted;
}

static int make_pipe(int p[2])
{
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    p[0] = lift_fd(p[0]);
    p[1] = lift_fd(p[1]);
    if (p[0] < 0 || p[1] < 0) {
        if (p[0] >= 0)
            close(p[0]);
        if (p[1] >= 0)
            close(p[1]);
        return -1;
    }
    return 0;
}

static void close_pipes(int pipes[3][2])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            if (pipes[i][j] >= 0)
                close(pipes[i][j]);
}

/* Signals default and unblocked in the filter: envoid blocks its stop
 * signals and ignores SIGPIPE, and both would be inherited. */
static void init_attr(posix_spawnattr_t *attr)
{
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGHUP);
    posix_spawnattr_init(attr);
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &defaults);
    posix_spawnattr_setpgroup(attr, 0);
    posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                       POSIX_SPAWN_SETPGROUP);
}

static int spawn_shell(const char *command, int pipes[3][2], char **env, pid_t *pid)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipes[0][0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipes[1][1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipes[2][1], STDERR_FILENO);
    init_attr(&attr);
    char *argv[] = {"sh", "-c", (char *)command, NULL};
    int rc = posix_spawn(pid, "/bin/sh", &actions, &attr, argv, env);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

int envoid_filter_spawn(const char *command, const char *from, const char *const *recipients,
                        size_t count, size_t size, envoid_filter_child *child)
{
    int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
    child->pid = -1;
    child->in = child->out = child->err = -1;
    char **env = build_env(from, recipients, count, size);
    if (!env)
        return ENOMEM;
    int rc = 0;
    for (int i = 0; rc == 0 && i < 3; i++)
        if (make_pipe(pipes[i]) < 0)
            rc = errno ? errno : EMFILE;
    if (rc == 0)
        rc = spawn_shell(command, pipes, env, &child->pid);
    free_env(env);
    if (rc != 0) {
        close_pipes(pipes);
        child->pid = -1;
        return rc;
    }
    child->in = pipes[0][1];
    child->out = pipes[1][0];
    child->err = pipes[2][0];
    pipes[0][1] = pipes[1][0] = pipes[2][0] = -1;
    close_pipes(pipes);
    fcntl(child->in, F_SETFL, O_NONBLOCK);
    fcntl(child->out, F_SETFL, O_NONBLOCK);
    fcntl(child->err, F_SETFL, O_NONBLOCK);
    return 0;
}
