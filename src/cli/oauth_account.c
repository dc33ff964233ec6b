/* An account's OAuth 2.0 refresh grant: its oauth-* keys checked, and the
 * token provider built from them (see oauth_account.h). */
#include "cli/oauth_account.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/secret_source.h"
#include "util/err.h"

static int key_error(const envoi_config *cfg, const envoi_config_section *section, const char *key,
                     const char *why, envoi_error *err)
{
    unsigned line = 0;
    envoi_config_get(section, key, &line);
    return envoi_err_set(err, ENVOI_ECONFIG, "%s:%u: [account %s] %s: %s", envoi_config_name(cfg),
                         line, envoi_config_section_name(section), key, why);
}

static int check_refresh_keys(const envoi_config *cfg, const envoi_config_section *section,
                              const envoi_account *acc, envoi_error *err)
{
    envoi_oauth *probe = envoi_oauth_new();
    if (!probe)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int rc = envoi_oauth_set_token_endpoint(probe, acc->oauth_token_endpoint);
    envoi_oauth_free(probe);
    const char *end = "oauth-token-endpoint";
    if (rc == ENVOI_ENOMEM)
        return envoi_err_set(err, rc, "out of memory");
    if (rc < 0)
        return key_error(cfg, section, end,
                         "not an https:// URL (http:// only to a loopback address)", err);
    if (!acc->oauth_client_id)
        return key_error(cfg, section, end, "needs oauth-client-id", err);
    if (!acc->oauth_refresh_token_file == !acc->oauth_refresh_token_command)
        return key_error(cfg, section, end,
                         "needs one of oauth-refresh-token-file and oauth-refresh-token-command",
                         err);
    if (acc->oauth_client_secret_file && acc->oauth_client_secret_command)
        return key_error(cfg, section, "oauth-client-secret-command",
                         "oauth-client-secret-file and oauth-client-secret-command are exclusive",
                         err);
    static const char *const others[] = {"password-file", "password-command", "password-env",
                                         "oauth-token-command"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (envoi_config_get(section, others[i], NULL))
            return key_error(cfg, section, others[i], "cannot go with oauth-token-endpoint", err);
    return 0;
}

int cli_oauth_account_check(const envoi_config *cfg, const envoi_config_section *section,
                            const envoi_account *acc, envoi_error *err)
{
    if (acc->oauth_token_endpoint)
        return check_refresh_keys(cfg, section, acc, err);
    static const char *const keys[] = {"oauth-client-id",
                                       "oauth-client-secret-file",
                                       "oauth-client-secret-command",
                                       "oauth-refresh-token-file",
                                       "oauth-refresh-token-command",
                                       "oauth-scope",
                                       "oauth-cache",
                                       "oauth-ca-file"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (envoi_config_get(section, keys[i], NULL))
            return key_error(cfg, section, keys[i], "needs oauth-token-endpoint", err);
    return 0;
}

/* The account's name as a file name part. */
static int append_safe_name(envoi_buf *out, const char *name)
{
    int rc = 0;
    for (const char *p = name ? name : "default"; *p && rc == 0; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
        rc = envoi_buf_append_char(out, ok ? *p : '_');
    }
    return rc;
}

int cli_oauth_cache_path(const envoi_account *acc, envoi_buf *out)
{
    envoi_buf_clear(out);
    if (acc->oauth_cache)
        return strcmp(acc->oauth_cache, "none") == 0 ? 0
                                                     : envoi_buf_append_str(out, acc->oauth_cache);
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int rc = 0;
    if (xdg && xdg[0] == '/')
        rc = envoi_buf_append_str(out, xdg);
    else if (home && home[0] == '/')
        rc = envoi_buf_printf(out, "%s/.cache", home);
    else
        return 0; /* nowhere to keep it: memory only */
    if (rc == 0 && mkdir(out->data, 0700) < 0 && errno != EEXIST)
        envoi_buf_clear(out); /* cannot be made: memory only */
    if (rc == 0 && out->len)
        rc = envoi_buf_append_str(out, "/envoi/oauth-");
    if (rc == 0 && out->len)
        rc = append_safe_name(out, acc->name);
    if (rc == 0 && out->len)
        rc = envoi_buf_append_str(out, ".json");
    return rc;
}

/* A secret from the file (refused when others can read it) or command. */
static int read_secret(const char *file, const char *command, const char *what, envoi_buf *out,
                       envoi_error *err)
{
    if (command)
        return cli_secret_from_command(command, out, err);
    bool loose = false;
    int rc = cli_secret_from_file(file, out, &loose, err);
    if (rc == ENVOI_EFILE)
        err->code = rc = ENVOI_ECONFIG;
    if (rc == 0 && loose)
        rc = envoi_err_set(err, ENVOI_ECONFIG,
                           "%s file %s can be read by group or others: refused (chmod 600 %s)",
                           what, file, file);
    if (rc == 0 && (!out->data || !out->data[0]))
        rc = envoi_err_set(err, ENVOI_ECONFIG, "%s file %s is empty", what, file);
    return rc;
}

static int configure(envoi_oauth *o, const envoi_account *acc, envoi_error *err)
{
    envoi_buf secret = ENVOI_BUF_INIT, refresh = ENVOI_BUF_INIT, cache = ENVOI_BUF_INIT;
    int rc = 0;
    if (acc->oauth_client_secret_file || acc->oauth_client_secret_command)
        rc = read_secret(acc->oauth_client_secret_file, acc->oauth_client_secret_command,
                         "oauth-client-secret", &secret, err);
    if (rc == 0)
        rc = read_secret(acc->oauth_refresh_token_file, acc->oauth_refresh_token_command,
                         "oauth-refresh-token", &refresh, err);
    const char *what = NULL;
    if (rc == 0 && envoi_oauth_set_token_endpoint(o, acc->oauth_token_endpoint) < 0)
        what = "oauth-token-endpoint";
    else if (rc == 0 && envoi_oauth_set_client(o, acc->oauth_client_id, secret.data) < 0)
        what = "oauth-client-id or its secret";
    else if (rc == 0 && envoi_oauth_set_refresh_token(o, refresh.data) < 0)
        what = "the refresh token (not printable text on one line)";
    else if (rc == 0 && acc->oauth_scope && envoi_oauth_set_scope(o, acc->oauth_scope) < 0)
        what = "oauth-scope";
    else if (rc == 0 && acc->oauth_ca_file && envoi_oauth_set_ca_file(o, acc->oauth_ca_file) < 0)
        what = "oauth-ca-file";
    else if (rc == 0 && cli_oauth_cache_path(acc, &cache) < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else if (rc == 0 && cache.len && envoi_oauth_set_cache_file(o, cache.data) < 0)
        what = "oauth-cache";
    if (what)
        rc = envoi_err_set(err, ENVOI_ECONFIG, "[account %s] %s: refused", acc->name, what);
    envoi_buf_wipe_free(&secret);
    envoi_buf_wipe_free(&refresh);
    envoi_buf_free(&cache);
    return rc;
}

int cli_oauth_from_account(const envoi_account *acc, envoi_oauth **out, envoi_error *err)
{
    *out = envoi_oauth_new();
    if (!*out)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int rc = configure(*out, acc, err);
    if (rc < 0) {
        envoi_oauth_free(*out);
        *out = NULL;
    }
    return rc;
}
