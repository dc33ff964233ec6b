/* The OAuth 2.0 refresh grant of a config account (oauth-* keys): checking
 * the keys, and the token provider they describe, its secrets read from
 * files or commands. */
#ifndef ENVOI_CLI_OAUTH_ACCOUNT_H
#define ENVOI_CLI_OAUTH_ACCOUNT_H

#include "cli/account.h"
#include "cli/config.h"
#include "envoi/error.h"
#include "envoi/oauth.h"
#include "util/buf.h"

/* The oauth-* keys of an account read into acc: with oauth-token-endpoint
 * (a valid URL), oauth-client-id and one of oauth-refresh-token-file /
 * -command are needed, at most one client secret source, and no password
 * key nor oauth-token-command beside it; without it, no other oauth-* key
 * but oauth-token-command. 0 or ENVOI_ECONFIG naming the file and line. */
int cli_oauth_account_check(const envoi_config *cfg, const envoi_config_section *section,
                            const envoi_account *acc, envoi_error *err);

/* The cache file of an account: oauth-cache ("none": no file, *out
 * empty), else $XDG_CACHE_HOME/envoi/oauth-NAME.json, else
 * ~/.cache/envoi/oauth-NAME.json (the base directory made when missing).
 * 0 or ENVOI_ENOMEM. */
int cli_oauth_cache_path(const envoi_account *acc, envoi_buf *out);

/* The provider of an account with oauth-token-endpoint: endpoint, client,
 * refresh token, scope, CA file, cache file. Secrets are read here (a file
 * its group or others can read is refused) and wiped after. 0, or
 * ENVOI_ECONFIG / ENVOI_ENOMEM with err set. */
int cli_oauth_from_account(const envoi_account *acc, envoi_oauth **out, envoi_error *err);

#endif
