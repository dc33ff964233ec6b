/* [account NAME] sections of the config file: which one applies, and its
 * keys checked and turned into typed values. */
#ifndef ENVOI_CLI_ACCOUNT_H
#define ENVOI_CLI_ACCOUNT_H

#include "cli/config.h"
#include "envoi/error.h"
#include "envoi/tls.h"

/* Strings point into the config, valid while it lives; NULL when not set.
 * Numbers are -1 (or 0 for port) when not set. */
typedef struct envoi_account {
    const char *name;
    const char *server; /* host[:port] as written */
    unsigned port;
    int security; /* envoi_security, or -1 */
    const char *user;
    const char *password_file;
    const char *password_command;
    const char *password_env; /* the name of the environment variable holding it */
    const char *oauth_token_command;
    const char *oauth_token_endpoint; /* OAuth 2.0 refresh grant: the endpoint's URL */
    const char *oauth_client_id;
    const char *oauth_client_secret_file; /* or _command; neither: a public client */
    const char *oauth_client_secret_command;
    const char *oauth_refresh_token_file; /* or _command */
    const char *oauth_refresh_token_command;
    const char *oauth_scope;
    const char *oauth_cache;   /* NULL: $XDG_CACHE_HOME/envoi/oauth-NAME.json */
    const char *oauth_ca_file; /* for the endpoint; NULL: the system store */
    const char *auth;
    const char *from;
    const char *ca_file;
    const char *crl_file;
    int ignore_cert; /* ENVOI_IGNORE_CERT_... flags, or -1 */
    int timeout_ms;
    int connect_timeout_ms;
    const char *helo;
    const char *dkim_domain; /* DKIM signing: d=, s= and the private key's PEM file */
    const char *dkim_selector;
    const char *dkim_key;
    const char *smime_cert; /* S/MIME: our certificate (PEM) and its key (NULL: in the cert) */
    const char *smime_key;
} envoi_account;

/* Which account applies: wanted when given (ENVOI_ECONFIG if absent), else
 * the one named by "account" in [defaults], else [account default], else the
 * only [account ...] section. *out is NULL when none applies (several
 * accounts and no rule naming one). Returns 0 or ENVOI_ECONFIG. */
int envoi_account_select(const envoi_config *cfg, const char *wanted,
                         const envoi_config_section **out, envoi_error *err);
/* Read the keys of an [account] section; unknown keys and bad values are
 * ENVOI_ECONFIG errors naming the file and line. */
int envoi_account_read(const envoi_config *cfg, const envoi_config_section *section,
                       envoi_account *acc, envoi_error *err);
/* How many [account ...] sections the config has. */
size_t envoi_account_count(const envoi_config *cfg);

#endif
