/* Passwords and tokens from a file or from a command's output. Every buffer
 * that held secret bytes is wiped before it is released. */
#include "cli/secret_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli/report.h"
#include "util/err.h"
#include "util/secret.h"

/* Keep only the first line, without its line end. */
static void keep_first_line(envoi_buf *b)
{
    if (!b->data)
        return;
    size_t n = 0;
    while (n < b->len && b->data[n] != '\r' && b->data[n] != '\n')
        n++;
    envoi_wipe(b->data + n, b->len - n);
    b->len = n;
    b->data[n] = '\0';
}

/* Read the whole stream into out, wiping the chunk buffer afterwards. */
static int read_stream(FILE *f, envoi_buf *out)
{
    char chunk[512];
    size_t n;
    /* One allocation up front, so no realloc leaves a copy behind. */
    int rc = envoi_buf_reserve(out, 1024) < 0 ? ENVOI_ENOMEM : 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (rc == 0 && envoi_buf_append(out, chunk, n) < 0)
            rc = ENVOI_ENOMEM; /* keep draining so a command is not cut off */
    }
    envoi_wipe(chunk, sizeof chunk);
    if (rc == 0 && ferror(f))
        rc = ENVOI_EFILE;
    return rc;
}

static int ensure_string(envoi_buf *out, envoi_error *err)
{
    if (!out->data && envoi_buf_append(out, "", 0) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

int cli_secret_from_file(const char *path, envoi_buf *out, bool *others_can_read, envoi_error *err)
{
    *others_can_read = false;
    FILE *f = fopen(path, "r");
    if (!f)
        return envoi_err_set(err, ENVOI_EFILE, "password file %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0)
        *others_can_read = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
    int rc = read_stream(f, out);
    int saved = errno;
    fclose(f);
    if (rc == ENVOI_ENOMEM)
        return envoi_err_set(err, rc, "out of memory");
    if (rc < 0)
        return envoi_err_set(err, rc, "password file %s: %s", path, strerror(saved));
    keep_first_line(out);
    return ensure_string(out, err);
}

static int describe_status(int status, const char *command, envoi_error *err)
{
    if (WIFEXITED(status))
        return envoi_err_set(err, ENVOI_ECONFIG, "command '%s' exited with status %d", command,
                             WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return envoi_err_set(err, ENVOI_ECONFIG, "command '%s' was killed by signal %d", command,
                             WTERMSIG(status));
    return envoi_err_set(err, ENVOI_ECONFIG, "command '%s' failed", command);
}

int cli_secret_from_command(const char *command, envoi_buf *out, envoi_error *err)
{
    fflush(NULL);
    FILE *p = popen(command, "r");
    if (!p)
        return envoi_err_set(err, ENVOI_ECONFIG, "command '%s' could not be run: %s", command,
                             strerror(errno));
    int rc = read_stream(p, out);
    int status = pclose(p);
    if (rc == ENVOI_ENOMEM)
        return envoi_err_set(err, rc, "out of memory");
    if (status == -1)
        return envoi_err_set(err, ENVOI_ECONFIG, "command '%s': %s", command, strerror(errno));
    if (status != 0)
        return describe_status(status, command, err);
    if (rc < 0)
        return envoi_err_set(err, ENVOI_ECONFIG, "command '%s': output could not be read", command);
    keep_first_line(out);
    return ensure_string(out, err);
}

static int append_secret(envoi_buf *out, const char *value, envoi_error *err)
{
    if (envoi_buf_append_str(out, value) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

int cli_secret_read(cli_secret_kind kind, const char *source, envoi_buf *out, envoi_error *err)
{
    bool loose = false;
    int rc = 0;
    switch (kind) {
    case CLI_SECRET_NONE:
        break;
    case CLI_SECRET_FILE:
        rc = cli_secret_from_file(source, out, &loose, err);
        if (rc == 0 && loose) {
            envoi_buf_wipe_free(out);
            rc = envoi_err_set(err, ENVOI_ECONFIG,
                               "password file %s can be read by group or others: refused "
                               "(chmod 600 %s)",
                               source, source);
        }
        break;
    case CLI_SECRET_COMMAND:
    case CLI_SECRET_OAUTH:
        rc = cli_secret_from_command(source, out, err);
        break;
    case CLI_SECRET_ENV:
        rc = append_secret(out, source, err);
        break;
    case CLI_SECRET_ENV_NAMED: {
        const char *value = getenv(source);
        if (!value || !*value)
            rc = envoi_err_set(err, ENVOI_ECONFIG,
                               "password-env: the environment variable %s is not set", source);
        else
            rc = append_secret(out, value, err);
        break;
    }
    }
    return rc;
}
