/* The config file as "envoi sendmail" reads it: the [sendmail] section and
 * the account to send through. Every failure here is a configuration one. */
#include "cli/sendmail_send.h"

#include <string.h>
#include <sysexits.h>

#include "cli/report.h"
#include "util/err.h"

static int config_error(FILE *errout, const envoi_error *err)
{
    cli_report(errout, "sendmail", "%s", err->text[0] ? err->text : envoi_strerror(err->code));
    return EX_CONFIG;
}

static int load_file(cli_sendmail_conf *c, const char *named, FILE *errout)
{
    envoi_error err = {0};
    envoi_buf found = ENVOI_BUF_INIT;
    const char *path = named;
    if (!path) {
        int rc = envoi_config_default_path(&found);
        if (rc < 0) {
            envoi_buf_free(&found);
            return EX_OSERR;
        }
        path = rc == 1 ? found.data : NULL;
    }
    int status = 0;
    if (!path) {
        cli_report(errout, "sendmail",
                   "no config file ($XDG_CONFIG_HOME/envoi/config, ~/.config/envoi/config or "
                   "/etc/envoi/config): envoi sendmail sends through the default [account] "
                   "(with server and from) or, with [sendmail] mode = queue, through envoid");
        status = EX_CONFIG;
    } else if (envoi_config_load(&c->cfg, path, &err) < 0) {
        status = config_error(errout, &err);
    }
    envoi_buf_free(&found);
    return status;
}

static int section_error(const cli_sendmail_conf *c, unsigned line, const char *key,
                         const char *why, FILE *errout)
{
    cli_report(errout, "sendmail", "%s:%u: [sendmail] %s: %s", envoi_config_name(c->cfg), line, key,
               why);
    return EX_CONFIG;
}

/* [sendmail]: every key known, mode a known word, no empty value. */
static int read_section(cli_sendmail_conf *c, const char **account, FILE *errout)
{
    const envoi_config_section *s = envoi_config_find(c->cfg, "sendmail", NULL);
    for (size_t i = 0; s && i < envoi_config_key_count(s); i++) {
        const char *value;
        unsigned line;
        const char *key = envoi_config_key_at(s, i, &value, &line);
        if (strcmp(key, "mode") == 0) {
            if (strcmp(value, "direct") != 0 && strcmp(value, "queue") != 0)
                return section_error(c, line, key, "expected direct or queue", errout);
            c->queue = strcmp(value, "queue") == 0;
        } else if (strcmp(key, "account") == 0 || strcmp(key, "spool") == 0) {
            if (!*value)
                return section_error(c, line, key, "empty value", errout);
            *(key[0] == 'a' ? account : &c->spool) = value;
        } else {
            return section_error(c, line, key, "unknown key (known: mode, account, spool)", errout);
        }
    }
    return 0;
}

static int read_account(cli_sendmail_conf *c, const char *wanted, FILE *errout)
{
    envoi_error err = {0};
    const envoi_config_section *section = NULL;
    if (envoi_account_select(c->cfg, wanted, &section, &err) < 0)
        return config_error(errout, &err);
    if (!section) {
        cli_report(errout, "sendmail",
                   "%s: no account to send through: name one with 'account' in [defaults] or "
                   "[sendmail], or call it [account default]",
                   envoi_config_name(c->cfg));
        return EX_CONFIG;
    }
    if (envoi_account_read(c->cfg, section, &c->acc, &err) < 0)
        return config_error(errout, &err);
    if (!c->acc.server) {
        cli_report(errout, "sendmail", "%s: [account %s] has no server", envoi_config_name(c->cfg),
                   c->acc.name ? c->acc.name : envoi_config_section_name(section));
        return EX_CONFIG;
    }
    return 0;
}

int cli_sendmail_conf_load(cli_sendmail_conf *c, const cli_sendmail_args *args, FILE *errout)
{
    memset(c, 0, sizeof *c);
    const char *account = NULL;
    int status = load_file(c, args->config, errout);
    if (status == 0)
        status = read_section(c, &account, errout);
    if (status == 0 && !c->queue)
        status = read_account(c, args->account ? args->account : account, errout);
    return status;
}

void cli_sendmail_conf_free(cli_sendmail_conf *c)
{
    envoi_config_free(c->cfg);
    c->cfg = NULL;
}
