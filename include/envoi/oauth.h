/* envoi — OAuth 2.0 access tokens for XOAUTH2 and OAUTHBEARER that renew
 * themselves: the refresh-token grant (RFC 6749 section 6) against a token
 * endpoint over HTTPS, the access token kept until shortly before it
 * expires, or a command that prints a token.
 *
 *     envoi_oauth *o = envoi_oauth_new();
 *     envoi_oauth_set_token_endpoint(o, "https://oauth2.example.org/token");
 *     envoi_oauth_set_client(o, "my-client-id", client_secret);
 *     envoi_oauth_set_refresh_token(o, refresh_token);
 *     envoi_smtp_set_oauth(smtp, "jane@example.org", o);  // also POP3, IMAP
 *
 * A session asks the provider for a token each time it authenticates; the
 * provider answers from its cache while the token has more than the margin
 * (60 s by default) left, else it refreshes it first. When a server refuses
 * a token, the session drops it from the cache (envoi_oauth_invalidate)
 * and tries once more with a fresh one.
 *
 * With a cache file, the access token, its expiry and a refresh token the
 * endpoint rotated are kept there (mode 0600, written atomically) for the
 * next process. The refresh token given by envoi_oauth_set_refresh_token is
 * replaced by a rotated one from the cache.
 *
 * Every secret (client secret, refresh token, access tokens) is wiped from
 * memory when released and never appears in errors or traces. A provider is
 * thread-safe: the workers of a spooler share one, and only one of them
 * refreshes at a time. */
#ifndef ENVOI_OAUTH_H
#define ENVOI_OAUTH_H

#include <stddef.h>
#include <time.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_oauth envoi_oauth;

envoi_oauth *envoi_oauth_new(void);
void envoi_oauth_free(envoi_oauth *o);

/* The token endpoint: an https:// URL (http:// only to a loopback address,
 * for tests and local proxies). ENVOI_EINVAL for anything else. */
int envoi_oauth_set_token_endpoint(envoi_oauth *o, const char *url);
/* client_secret NULL: a public client (the secret is not sent). */
int envoi_oauth_set_client(envoi_oauth *o, const char *client_id, const char *client_secret);
int envoi_oauth_set_refresh_token(envoi_oauth *o, const char *refresh_token);
/* scope sent with the refresh request; NULL: none (the grant's scope). */
int envoi_oauth_set_scope(envoi_oauth *o, const char *scope);
/* Instead of the refresh grant: run this command (sh -c) and use the first
 * line it prints as the token, each time a token is needed. */
int envoi_oauth_set_token_command(envoi_oauth *o, const char *command);
/* TLS for the endpoint: a CA file instead of the system store, and the
 * ENVOI_IGNORE_CERT_... checks to relax (see tls.h). */
int envoi_oauth_set_ca_file(envoi_oauth *o, const char *path);
int envoi_oauth_set_ignore_cert(envoi_oauth *o, int flags);
/* Per connect, write and read; default 30 s. */
int envoi_oauth_set_timeout(envoi_oauth *o, int ms);
/* Refresh when the token has fewer than this many seconds left (default 60). */
int envoi_oauth_set_margin(envoi_oauth *o, unsigned seconds);
/* Where tokens are kept between processes; NULL: in memory only. */
int envoi_oauth_set_cache_file(envoi_oauth *o, const char *path);

/* A token valid for at least the margin: *token is malloc'd and
 * NUL-terminated; release it with envoi_oauth_token_free (which wipes it).
 * *expires (may be NULL) receives its expiry, (time_t)-1 when unknown.
 * Errors, in err (may be NULL): ENVOI_ECONFIG (nothing configured to get a
 * token from, or the command failed), ENVOI_EAUTH (the endpoint refused
 * the grant: its error code and description are in the message),
 * ENVOI_ECONNECT / ENVOI_ETIMEDOUT / ENVOI_ETLS / ENVOI_ECERT (the endpoint could not be
 * reached), ENVOI_ETEMPFAIL (it answered HTTP 429 or 5xx: try later),
 * ENVOI_EPROTOCOL (an answer that is not a token response). */
int envoi_oauth_token(envoi_oauth *o, char **token, time_t *expires, envoi_error *err);
void envoi_oauth_token_free(char *token);
/* A server refused this token: forget it, so the next envoi_oauth_token
 * refreshes (no-op when the cache already holds another). */
void envoi_oauth_invalidate(envoi_oauth *o, const char *token);

#ifdef __cplusplus
}
#endif

#endif
