/* An access token printed by a command: /bin/sh -c COMMAND, the first line
 * of its standard output, everything read wiped after. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oauth/oauth_impl.h"
#include "util/err.h"
#include "util/secret.h"

extern char **environ;

/* Read the pipe to its end, keeping at most OAUTH_MAX_TOKEN + 1 bytes (the
 * rest is drained so the command is not killed by SIGPIPE). */
static void drain(int fd, char *keep, size_t *kept)
{
    char chunk[512];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t room = OAUTH_MAX_TOKEN + 1 - *kept;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(keep + *kept, chunk, take);
        *kept += take;
    }
    envoi_wipe(chunk, sizeof chunk);
}

static int run(const char *command, int *status, char *keep, size_t *kept, envoi_error *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return envoi_err_set(err, ENVOI_ECONFIG, "token command '%s' could not be run: %s", command,
                             strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    char *argv[] = {"sh", "-c", (char *)command, NULL};
    pid_t pid;
    int e = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (e != 0) {
        close(fds[0]);
        return envoi_err_set(err, ENVOI_ECONFIG, "token command '%s' could not be run: %s", command,
                             strerror(e));
    }
    drain(fds[0], keep, kept);
    close(fds[0]);
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR)
            return envoi_err_set(err, ENVOI_ECONFIG, "token command '%s': %s", command,
                                 strerror(errno));
    }
    return 0;
}

int oauth_command_token(const char *command, char **token, envoi_error *err)
{
    *token = NULL;
    char *keep = malloc(OAUTH_MAX_TOKEN + 2);
    if (!keep)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    size_t kept = 0;
    int status = 0;
    int rc = run(command, &status, keep, &kept, err);
    if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0)
        rc = envoi_err_set(err, ENVOI_ECONFIG, "token command '%s' exited with status %d", command,
                           WEXITSTATUS(status));
    else if (rc == 0 && WIFSIGNALED(status))
        rc = envoi_err_set(err, ENVOI_ECONFIG, "token command '%s' was killed by signal %d",
                           command, WTERMSIG(status));
    if (rc == 0) {
        size_t n = 0;
        while (n < kept && keep[n] != '\n' && keep[n] != '\r')
            n++;
        keep[n] = '\0';
        if (!oauth_token_is_valid(keep))
            rc = envoi_err_set(err, ENVOI_ECONFIG,
                               "token command '%s' printed no usable token on its first line",
                               command);
        else if (!(*token = strdup(keep)))
            rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    envoi_wipe(keep, OAUTH_MAX_TOKEN + 2);
    free(keep);
    return rc;
}
