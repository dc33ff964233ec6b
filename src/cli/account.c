/* [account NAME] sections: choosing one and reading its keys. */
#include "cli/account.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/oauth_account.h"
#include "cli/values.h"
#include "util/err.h"

size_t envoi_account_count(const envoi_config *cfg)
{
    size_t n = 0;
    for (size_t i = 0; i < envoi_config_section_count(cfg); i++) {
        const envoi_config_section *s = envoi_config_section_at(cfg, i);
        if (strcmp(envoi_config_section_kind(s), "account") == 0 && envoi_config_section_name(s))
            n++;
    }
    return n;
}

static const envoi_config_section *only_account(const envoi_config *cfg)
{
    const envoi_config_section *found = NULL;
    for (size_t i = 0; i < envoi_config_section_count(cfg); i++) {
        const envoi_config_section *s = envoi_config_section_at(cfg, i);
        if (strcmp(envoi_config_section_kind(s), "account") != 0 || !envoi_config_section_name(s))
            continue;
        if (found)
            return NULL;
        found = s;
    }
    return found;
}

int envoi_account_select(const envoi_config *cfg, const char *wanted,
                         const envoi_config_section **out, envoi_error *err)
{
    *out = NULL;
    const char *name = wanted;
    unsigned line = 0;
    const envoi_config_section *defaults = envoi_config_find(cfg, "defaults", NULL);
    if (!name && defaults)
        name = envoi_config_get(defaults, "account", &line);
    if (name) {
        *out = envoi_config_find(cfg, "account", name);
        if (*out)
            return 0;
        if (wanted)
            return envoi_err_set(err, ENVOI_ECONFIG, "%s: no [account %s]", envoi_config_name(cfg),
                                 wanted);
        return envoi_err_set(err, ENVOI_ECONFIG, "%s:%u: account '%s' has no [account %s]",
                             envoi_config_name(cfg), line, name, name);
    }
    *out = envoi_config_find(cfg, "account", "default");
    if (!*out)
        *out = only_account(cfg);
    return 0;
}

enum value_kind { V_TEXT, V_HOSTPORT, V_PORT, V_SECURITY, V_IGNORE_CERT, V_SECONDS };

struct key_rule {
    const char *key;
    enum value_kind kind;
    size_t offset;
};

#define RULE(key, kind, field)                                                                     \
    {                                                                                              \
        key, kind, offsetof(envoi_account, field)                                                  \
    }

static const struct key_rule rules[] = {
    RULE("server", V_HOSTPORT, server),
    RULE("port", V_PORT, port),
    RULE("security", V_SECURITY, security),
    RULE("user", V_TEXT, user),
    RULE("password-file", V_TEXT, password_file),
    RULE("password-command", V_TEXT, password_command),
    RULE("password-env", V_TEXT, password_env),
    RULE("oauth-token-command", V_TEXT, oauth_token_command),
    RULE("oauth-token-endpoint", V_TEXT, oauth_token_endpoint),
    RULE("oauth-client-id", V_TEXT, oauth_client_id),
    RULE("oauth-client-secret-file", V_TEXT, oauth_client_secret_file),
    RULE("oauth-client-secret-command", V_TEXT, oauth_client_secret_command),
    RULE("oauth-refresh-token-file", V_TEXT, oauth_refresh_token_file),
    RULE("oauth-refresh-token-command", V_TEXT, oauth_refresh_token_command),
    RULE("oauth-scope", V_TEXT, oauth_scope),
    RULE("oauth-cache", V_TEXT, oauth_cache),
    RULE("oauth-ca-file", V_TEXT, oauth_ca_file),
    RULE("auth", V_TEXT, auth),
    RULE("from", V_TEXT, from),
    RULE("ca-file", V_TEXT, ca_file),
    RULE("crl-file", V_TEXT, crl_file),
    RULE("ignore-cert", V_IGNORE_CERT, ignore_cert),
    RULE("timeout", V_SECONDS, timeout_ms),
    RULE("connect-timeout", V_SECONDS, connect_timeout_ms),
    RULE("helo", V_TEXT, helo),
    RULE("dkim-domain", V_TEXT, dkim_domain),
    RULE("dkim-selector", V_TEXT, dkim_selector),
    RULE("dkim-key", V_TEXT, dkim_key),
    RULE("smime-cert", V_TEXT, smime_cert),
    RULE("smime-key", V_TEXT, smime_key),
};

static const struct key_rule *find_rule(const char *key)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].key, key) == 0)
            return &rules[i];
    return NULL;
}

/* Store one value into its field; false when the value is malformed. */
static bool store_value(const struct key_rule *r, const char *value, envoi_account *acc)
{
    char *field = (char *)acc + r->offset;
    switch (r->kind) {
    case V_TEXT:
        *(const char **)(void *)field = value;
        return true;
    case V_HOSTPORT: {
        char *host;
        unsigned port;
        if (envoi_value_hostport(value, &host, &port) != 0)
            return false;
        free(host);
        *(const char **)(void *)field = value;
        return true;
    }
    case V_PORT:
        return envoi_value_port(value, (unsigned *)(void *)field) == 0;
    case V_SECURITY: {
        envoi_security sec;
        if (envoi_value_security(value, &sec) < 0)
            return false;
        *(int *)(void *)field = (int)sec;
        return true;
    }
    case V_IGNORE_CERT: {
        int flags = envoi_ignore_cert_parse(value);
        *(int *)(void *)field = flags;
        return flags >= 0;
    }
    case V_SECONDS:
        return envoi_value_seconds(value, (int *)(void *)field) == 0;
    }
    return false;
}

static const char *expected_form(enum value_kind kind)
{
    switch (kind) {
    case V_HOSTPORT:
        return "host, host:port or [IPv6]:port";
    case V_PORT:
        return "a port number 1-65535";
    case V_SECURITY:
        return "none, starttls or tls";
    case V_IGNORE_CERT:
        return "a list of invalid, untrusted, name, expired, revocation, all";
    case V_SECONDS:
        return "seconds, more than 0";
    case V_TEXT:
        break;
    }
    return "text";
}

/* At most one of the keys that give the password. */
static int check_one_secret(const envoi_config *cfg, const envoi_config_section *section,
                            envoi_error *err)
{
    static const char *const keys[] = {"password-file", "password-command", "password-env"};
    const char *first = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        unsigned line = 0;
        if (!envoi_config_get(section, keys[i], &line))
            continue;
        if (first)
            return envoi_err_set(err, ENVOI_ECONFIG, "%s:%u: %s and %s are exclusive",
                                 envoi_config_name(cfg), line, first, keys[i]);
        first = keys[i];
    }
    return 0;
}

int envoi_account_read(const envoi_config *cfg, const envoi_config_section *section,
                       envoi_account *acc, envoi_error *err)
{
    memset(acc, 0, sizeof *acc);
    acc->security = -1;
    acc->ignore_cert = -1;
    acc->timeout_ms = -1;
    acc->connect_timeout_ms = -1;
    acc->name = envoi_config_section_name(section);
    for (size_t i = 0; i < envoi_config_key_count(section); i++) {
        const char *value;
        unsigned line;
        const char *key = envoi_config_key_at(section, i, &value, &line);
        const struct key_rule *r = find_rule(key);
        if (!r)
            return envoi_err_set(err, ENVOI_ECONFIG, "%s:%u: unknown key '%s' in [account %s]",
                                 envoi_config_name(cfg), line, key, acc->name);
        if (!store_value(r, value, acc))
            return envoi_err_set(err, ENVOI_ECONFIG, "%s:%u: %s: '%s' is not %s",
                                 envoi_config_name(cfg), line, key, value, expected_form(r->kind));
    }
    int rc = check_one_secret(cfg, section, err);
    return rc < 0 ? rc : cli_oauth_account_check(cfg, section, acc, err);
}
