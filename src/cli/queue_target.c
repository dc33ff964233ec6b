/* Finding envoid: its address in the forms envoid listens at, the command
 * line over [spool] over the default address, and the bearer token read
 * from its file. */
#include "cli/queue_target.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spool/spool_http.h"
#include "util/err.h"

static int bad_address(envoi_error *err, const char *where, const char *why)
{
    return envoi_err_set(err, ENVOI_EINVAL, "spooler address '%.200s': %s", where, why);
}

/* Split "host:port" or "[v6]:port" (rest of the text: end or "/"). */
static int split_host_port(const char *s, const char **host, size_t *hlen, const char **port,
                           size_t *plen)
{
    size_t end = strcspn(s, "/");
    if (*s == '[') {
        const char *close = memchr(s, ']', end);
        if (!close || close[1] != ':')
            return ENVOI_EINVAL;
        *host = s + 1;
        *hlen = (size_t)(close - s - 1);
        *port = close + 2;
    } else {
        const char *colon = NULL;
        for (size_t i = 0; i < end; i++)
            if (s[i] == ':')
                colon = s + i;
        if (!colon)
            return ENVOI_EINVAL;
        *host = s;
        *hlen = (size_t)(colon - s);
        *port = colon + 1;
    }
    *plen = (size_t)(s + end - *port);
    if (s[end] == '/' && s[end + 1] != '\0')
        return ENVOI_EINVAL; /* no path prefix: envoid serves /v1 at its root */
    return *hlen == 0 || memchr(*host, '/', *hlen) ? ENVOI_EINVAL : 0;
}

static bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '%';
}

int cli_spooler_set_address(cli_spooler *sp, const char *where, envoi_error *err)
{
    const char *s = where;
    if (strncasecmp(s, "https://", 8) == 0)
        return bad_address(err, where, "envoid speaks plain HTTP on loopback; use http://");
    if (strncasecmp(s, "http://", 7) == 0)
        s += 7;
    else if (strstr(s, "://"))
        return bad_address(err, where, "expected http://HOST:PORT");
    const char *host, *port;
    size_t hlen, plen;
    unsigned portnum = 0;
    if (split_host_port(s, &host, &hlen, &port, &plen) < 0)
        return bad_address(err, where,
                           "expected HOST:PORT or http://HOST:PORT, e.g. 127.0.0.1:8025");
    if (spool_http_parse_port(port, plen, &portnum) < 0)
        return bad_address(err, where, "the port must be a number from 1 to 65535");
    for (size_t i = 0; i < hlen; i++)
        if (!is_host_char(host[i]))
            return bad_address(err, where, "the host has a character hosts do not have");
    bool v6 = memchr(host, ':', hlen) != NULL;
    char *h = NULL;
    if (hlen == 7 && memcmp(host, "0.0.0.0", 7) == 0)
        h = strdup("127.0.0.1");
    else if (hlen == 2 && memcmp(host, "::", 2) == 0)
        h = strdup("::1");
    else
        h = strndup(host, hlen);
    envoi_buf label = ENVOI_BUF_INIT;
    if (!h || envoi_buf_printf(&label, v6 ? "[%s]:%u" : "%s:%u", h, portnum) < 0) {
        free(h);
        envoi_buf_free(&label);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    free(sp->host);
    free(sp->label);
    sp->host = h;
    sp->port = portnum;
    sp->label = envoi_buf_steal(&label, NULL);
    return 0;
}

void cli_spooler_free(cli_spooler *sp)
{
    if (sp->token) {
        explicit_bzero(sp->token, strlen(sp->token));
        free(sp->token);
    }
    free(sp->host);
    free(sp->label);
    memset(sp, 0, sizeof *sp);
}

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
