/* Opening a mailto: URI with the desktop's mail program: xdg-open, found on
 * PATH and started without a shell, the URI as its one argument. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "envoi/mailto.h"
#include "util/buf.h"
#include "util/err.h"

extern char **environ;

/* The first executable regular file named xdg-open in a PATH directory
 * (empty entries are skipped: never the current directory). */
static int find_opener(envoi_buf *path)
{
    const char *dirs = getenv("PATH");
    if (!dirs)
        dirs = "/usr/local/bin:/usr/bin:/bin";
    for (const char *d = dirs; *d;) {
        const char *colon = strchr(d, ':');
        size_t n = colon ? (size_t)(colon - d) : strlen(d);
        if (n > 0) {
            envoi_buf_clear(path);
            if (envoi_buf_append(path, d, n) < 0 || envoi_buf_append_str(path, "/xdg-open") < 0)
                return ENVOI_ENOMEM;
            struct stat st;
            if (stat(path->data, &st) == 0 && S_ISREG(st.st_mode) && access(path->data, X_OK) == 0)
                return 0;
        }
        d += n;
        if (*d == ':')
            d++;
    }
    return ENVOI_ENOTFOUND;
}

/* Run opener URI with standard input from /dev/null; its exit status. */
static int run_opener(const char *opener, const char *uri, int *status, envoi_error *err)
{
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    char *argv[] = {(char *)"xdg-open", (char *)uri, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, opener, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return envoi_err_set(err, ENVOI_EIO, "%s could not be started: %s", opener, strerror(rc));
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR)
            return envoi_err_set(err, ENVOI_EIO, "waiting for %s: %s", opener, strerror(errno));
    }
    return 0;
}

int envoi_mailto_open(const char *uri, envoi_error *err)
{
    envoi_mailto *m = NULL;
    int rc = envoi_mailto_parse(uri, uri ? strlen(uri) : 0, &m, err);
    envoi_mailto_free(m);
    if (rc < 0)
        return rc;
    envoi_buf opener = ENVOI_BUF_INIT;
    rc = find_opener(&opener);
    if (rc == ENVOI_ENOTFOUND)
        rc = envoi_err_set(err, ENVOI_EUNSUPPORTED,
                           "no mail program to hand the URI to: xdg-open is not on PATH "
                           "(install xdg-utils and set a mailto: handler)");
    else if (rc < 0)
        rc = envoi_err_set(err, rc, "out of memory");
    int status = 0;
    if (rc == 0)
        rc = run_opener(opener.data, uri, &status, err);
    if (rc == 0 && WIFSIGNALED(status))
        rc = envoi_err_set(err, ENVOI_EIO, "xdg-open was killed by signal %d", WTERMSIG(status));
    else if (rc == 0 && WEXITSTATUS(status) != 0)
        rc = envoi_err_set(err, ENVOI_EUNSUPPORTED,
                           "xdg-open failed (exit status %d): no mail program is set up to "
                           "open mailto: links (xdg-mime default APP.desktop "
                           "x-scheme-handler/mailto)",
                           WEXITSTATUS(status));
    envoi_buf_free(&opener);
    return rc;
}
