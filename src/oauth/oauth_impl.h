/* The OAuth 2.0 token provider's insides, shared by the files of
 * src/oauth/: the endpoint URL, the form body, the HTTPS exchange, the
 * token response, the cache file and the token command. */
#ifndef ENVOI_OAUTH_OAUTH_IMPL_H
#define ENVOI_OAUTH_OAUTH_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "envoi/error.h"
#include "envoi/oauth.h"
#include "util/buf.h"

/* The largest token endpoint answer accepted (body), and the longest
 * access or refresh token. */
#define OAUTH_MAX_BODY ((size_t)64 << 10)
#define OAUTH_MAX_TOKEN ((size_t)16 << 10)

/* ---- url.c: the token endpoint's address ------------------------------------------------- */

typedef struct oauth_url {
    bool tls;       /* https */
    char host[256]; /* name or address, IPv6 without brackets */
    unsigned port;  /* 443 or 80 when not written */
    char *path;     /* path and query, "/" at least; malloc'd */
} oauth_url;

/* Parse https://host[:port][/path[?query]] (http:// only when host is
 * localhost, 127.0.0.0/8 or ::1). No user info, no fragment, no blanks or
 * control characters. 0, ENVOI_EINVAL (err says why) or ENVOI_ENOMEM. */
int oauth_url_parse(const char *text, oauth_url *out, envoi_error *err);
void oauth_url_free(oauth_url *u);
/* True for localhost, 127.0.0.0/8 and ::1. */
bool oauth_host_is_loopback(const char *host);

/* ---- form.c: application/x-www-form-urlencoded ------------------------------------------ */

/* Append name=value, '&' first when out is not empty; every byte of value
 * outside [A-Za-z0-9-._~] as %XX (space too). 0 or ENVOI_ENOMEM. */
int oauth_form_add(envoi_buf *out, const char *name, const char *value);

/* ---- http.c: one POST over HTTP/1.1 -------------------------------------------------------- */

typedef struct oauth_http_request {
    const oauth_url *url;
    const char *body; /* the form */
    size_t body_len;
    const char *ca_file; /* NULL: the system store */
    int ignore_cert;
    int timeout_ms; /* connect, and each read or write */
} oauth_http_request;

/* POST the form and read the answer: *status (interim 1xx skipped), body
 * NUL-terminated (Content-Length, chunked or to the close; over
 * OAUTH_MAX_BODY is ENVOI_EPROTOCOL). Transport errors as envoi_conn's.
 * The request and every byte read are wiped from memory after. */
int oauth_http_post(const oauth_http_request *req, unsigned *status, envoi_buf *body,
                    envoi_error *err);

/* ---- json.c: a bounded reader of one JSON object ------------------------------------------ */

typedef enum oauth_json_type {
    OAUTH_JSON_STRING,
    OAUTH_JSON_NUMBER,
    OAUTH_JSON_OTHER, /* true, false, null, an object or an array (skipped) */
} oauth_json_type;

typedef struct oauth_json_value {
    oauth_json_type type;
    const char *text; /* strings decoded (NUL-terminated), numbers as written */
    size_t len;
} oauth_json_value;

/* Called for each member of the top-level object; a negative return stops
 * the reading and is returned. key and value are valid only during the
 * call (and wiped after it). */
typedef int (*oauth_json_member_fn)(void *ctx, const char *key, const oauth_json_value *v);

/* Read text[0..len) as one JSON object (blanks around it allowed), calling
 * member for each of its members, nested values skipped (at most 64 deep).
 * 0, ENVOI_EPROTOCOL when it is not one JSON object, ENVOI_ENOMEM, or what
 * member returned. */
int oauth_json_object(const char *text, size_t len, oauth_json_member_fn member, void *ctx);

/* The members of a token endpoint's answer (RFC 6749 5.1 and 5.2). Strings
 * are malloc'd; the secrets are wiped by oauth_answer_free. */
typedef struct oauth_answer {
    char *access_token;
    char *token_type;
    char *refresh_token;
    char *error;
    char *error_description;
    long long expires_in; /* -1 when absent */
} oauth_answer;

/* Read an answer (expires_in as a number or a string of digits). 0,
 * ENVOI_EPROTOCOL (not a JSON object, or a member of the wrong type) or
 * ENVOI_ENOMEM. */
int oauth_answer_read(const char *text, size_t len, oauth_answer *out);
void oauth_answer_free(oauth_answer *a);
/* True when s is usable as a bearer token: 1 to OAUTH_MAX_TOKEN printable
 * ASCII characters, no blank. */
bool oauth_token_is_valid(const char *s);

/* ---- cache.c: tokens kept between processes ------------------------------------------------ */

typedef struct oauth_cached {
    char *access_token;  /* NULL: none */
    time_t expires;      /* (time_t)-1: unknown */
    char *refresh_token; /* rotated by the endpoint, NULL: none */
} oauth_cached;

/* The key the cache entry belongs to: endpoint, client and the configured
 * refresh token (only its SHA-256 is stored). */
typedef struct oauth_cache_key {
    const char *endpoint;
    const char *client_id;
    const char *refresh_token;
} oauth_cache_key;

/* Read path into out. A missing file, or one written for another key, is
 * 0 with out empty. A file its group or others can read, or owned by
 * another user, is ENVOI_ECONFIG; an unreadable one ENVOI_EFILE; a
 * malformed one is treated as empty. */
int oauth_cache_read(const char *path, const oauth_cache_key *key, oauth_cached *out,
                     envoi_error *err);
/* Write c for key into path atomically (a temporary file in the same
 * directory, mode 0600, then rename); the directory is made (0700) when
 * missing. 0, ENVOI_EFILE or ENVOI_ENOMEM. */
int oauth_cache_write(const char *path, const oauth_cache_key *key, const oauth_cached *c,
                      envoi_error *err);
void oauth_cached_free(oauth_cached *c);

/* ---- command.c: a token printed by a command ------------------------------------------------ */

/* Run command with /bin/sh -c, its standard output read (at most
 * OAUTH_MAX_TOKEN bytes kept) and the first line returned in *token
 * (malloc'd). ENVOI_ECONFIG when it cannot run, fails, or prints no usable
 * token (err names the command and its status, never its output). */
int oauth_command_token(const char *command, char **token, envoi_error *err);

/* ---- oauth.c: the provider ------------------------------------------------------------------ */

struct envoi_oauth {
    pthread_mutex_t lock;
    char *endpoint_text;
    oauth_url endpoint;
    bool have_endpoint;
    char *client_id;
    char *client_secret; /* secret */
    char *refresh_token; /* secret: as configured */
    char *rotated;       /* secret: the endpoint's newer refresh token */
    char *scope;
    char *command;
    char *ca_file;
    int ignore_cert;
    int timeout_ms;
    unsigned margin;
    char *cache_path;
    char *access; /* secret: the access token held */
    time_t expires;
    time_t (*now)(void); /* the clock; tests replace it */
    unsigned grants;     /* refresh requests answered with a token */
};

/* Whether a token expiring at expires is still good at now with margin
 * seconds to spare ((time_t)-1: unknown expiry, good until refused). */
bool oauth_is_fresh(time_t expires, time_t now, unsigned margin);
/* Tests: replace the clock (NULL: time()). */
void oauth_set_clock(envoi_oauth *o, time_t (*now)(void));

#endif
