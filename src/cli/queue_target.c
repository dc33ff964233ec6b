/* Finding envoid: the command line over [spool] over the default address,
 * and the bearer token read from its file. */
#include "cli/queue_target.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

int cli_spooler_load_config(const char *path, envoi_config **cfg, envoi_error *err)
{
    *cfg = NULL;
    envoi_buf found = ENVOI_BUF_INIT;
    if (!path) {
        int rc = envoi_config_default_path(&found);
        if (rc < 0)
            return envoi_err_set(err, rc, "out of memory");
        path = rc == 1 ? found.data : NULL;
    }
    int rc = path ? envoi_config_load(cfg, path, err) : 0;
    envoi_buf_free(&found);
    if (rc == ENVOI_EFILE) /* a config file named or found must be readable */
        err->code = rc = ENVOI_ECONFIG;
    return rc;
}

/* The first line of file, line end stripped. */
static int read_token(cli_spooler *sp, const char *file, const char *origin, envoi_error *err)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return envoi_err_set(err, ENVOI_ECONFIG, "%s: token file %s: %s", origin, file,
                             strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    int saved = errno;
    bool failed = ferror(f) != 0;
    fclose(f);
    int rc = 0;
    if (n < 0 && failed)
        rc = envoi_err_set(err, ENVOI_ECONFIG, "%s: token file %s: %s", origin, file,
                           strerror(saved));
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (rc == 0 && n <= 0)
        rc = envoi_err_set(err, ENVOI_ECONFIG, "%s: the token file %s is empty", origin, file);
    if (rc == 0)
        sp->token = line; /* wiped by cli_spooler_free */
    else if (line) {
        explicit_bzero(line, cap);
        free(line);
    }
    return rc;
}

int cli_spooler_setup(cli_spooler *sp, const envoi_config *cfg, const char *where,
                      const char *token_file, envoi_error *err)
{
    const envoi_config_section *spool = cfg ? envoi_config_find(cfg, "spool", NULL) : NULL;
    unsigned listen_line = 0, token_line = 0;
    const char *listen = spool ? envoi_config_get(spool, "listen", &listen_line) : NULL;
    const char *cfg_token = spool ? envoi_config_get(spool, "token-file", &token_line) : NULL;
    int rc;
    if (where) {
        rc = cli_spooler_set_address(sp, where, err);
    } else if (listen) {
        rc = cli_spooler_set_address(sp, listen, err);
        if (rc == ENVOI_EINVAL)
            rc = envoi_err_set(err, ENVOI_ECONFIG, "%s:%u: [spool] listen: %s",
                               envoi_config_name(cfg), listen_line, err->text);
    } else {
        rc = cli_spooler_set_address(sp, CLI_SPOOLER_DEFAULT, err);
    }
    if (rc < 0)
        return rc;
    if (token_file)
        return read_token(sp, token_file, "--token-file", err);
    if (cfg_token && *cfg_token) {
        envoi_buf origin = ENVOI_BUF_INIT;
        if (envoi_buf_printf(&origin, "%s:%u: [spool] token-file", envoi_config_name(cfg),
                             token_line) < 0)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        rc = read_token(sp, cfg_token, origin.data, err);
        envoi_buf_free(&origin);
    }
    return rc;
}
