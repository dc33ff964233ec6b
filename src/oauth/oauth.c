/* The OAuth 2.0 token provider (see envoi/oauth.h): settings, the access
 * token held in memory and in the cache file, the refresh-token grant when
 * it is about to expire, and the token command. One mutex serializes
 * everything, so concurrent callers wait for one refresh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oauth/oauth_impl.h"
#include "util/err.h"
#include "util/secret.h"

enum {
    DEFAULT_TIMEOUT_MS = 30 * 1000,
    DEFAULT_MARGIN = 60,
    MAX_DESCRIPTION = 300,
};

envoi_oauth *envoi_oauth_new(void)
{
    envoi_oauth *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    if (pthread_mutex_init(&o->lock, NULL) != 0) {
        free(o);
        return NULL;
    }
    o->timeout_ms = DEFAULT_TIMEOUT_MS;
    o->margin = DEFAULT_MARGIN;
    o->expires = (time_t)-1;
    return o;
}

void envoi_oauth_free(envoi_oauth *o)
{
    if (!o)
        return;
    free(o->endpoint_text);
    oauth_url_free(&o->endpoint);
    free(o->client_id);
    envoi_secret_free(o->client_secret);
    envoi_secret_free(o->refresh_token);
    envoi_secret_free(o->rotated);
    free(o->scope);
    envoi_secret_free(o->command);
    free(o->ca_file);
    free(o->cache_path);
    envoi_secret_free(o->access);
    pthread_mutex_destroy(&o->lock);
    free(o);
}

/* Replace *dst by a copy of src (NULL clears), under the lock. */
static int set_copy(envoi_oauth *o, char **dst, const char *src, bool secret)
{
    char *copy = NULL;
    if (src && !(copy = strdup(src)))
        return ENVOI_ENOMEM;
    pthread_mutex_lock(&o->lock);
    if (secret)
        envoi_secret_free(*dst);
    else
        free(*dst);
    *dst = copy;
    pthread_mutex_unlock(&o->lock);
    return 0;
}

/* The held access token belongs to the old settings: forget it. */
static void forget_access(envoi_oauth *o)
{
    envoi_secret_free(o->access);
    o->access = NULL;
    o->expires = (time_t)-1;
}

int envoi_oauth_set_token_endpoint(envoi_oauth *o, const char *url)
{
    if (!o)
        return ENVOI_EINVAL;
    oauth_url u;
    int rc = oauth_url_parse(url, &u, NULL);
    if (rc < 0)
        return rc;
    char *text = strdup(url);
    if (!text) {
        oauth_url_free(&u);
        return ENVOI_ENOMEM;
    }
    pthread_mutex_lock(&o->lock);
    oauth_url_free(&o->endpoint);
    free(o->endpoint_text);
    o->endpoint = u;
    o->endpoint_text = text;
    o->have_endpoint = true;
    forget_access(o);
    pthread_mutex_unlock(&o->lock);
    return 0;
}

static bool bad_text(const char *s)
{
    return s && (!*s || s[strcspn(s, "\r\n")] != '\0');
}

int envoi_oauth_set_client(envoi_oauth *o, const char *client_id, const char *client_secret)
{
    if (!o || !client_id || bad_text(client_id) || bad_text(client_secret))
        return ENVOI_EINVAL;
    int rc = set_copy(o, &o->client_id, client_id, false);
    return rc == 0 ? set_copy(o, &o->client_secret, client_secret, true) : rc;
}

int envoi_oauth_set_refresh_token(envoi_oauth *o, const char *refresh_token)
{
    if (!o || (refresh_token && !oauth_token_is_valid(refresh_token)))
        return ENVOI_EINVAL;
    int rc = set_copy(o, &o->refresh_token, refresh_token, true);
    if (rc == 0) {
        pthread_mutex_lock(&o->lock);
        envoi_secret_free(o->rotated);
        o->rotated = NULL;
        forget_access(o);
        pthread_mutex_unlock(&o->lock);
    }
    return rc;
}

int envoi_oauth_set_scope(envoi_oauth *o, const char *scope)
{
    if (!o || bad_text(scope))
        return ENVOI_EINVAL;
    return set_copy(o, &o->scope, scope, false);
}

int envoi_oauth_set_token_command(envoi_oauth *o, const char *command)
{
    if (!o || (command && !*command))
        return ENVOI_EINVAL;
    return set_copy(o, &o->command, command, true);
}

int envoi_oauth_set_ca_file(envoi_oauth *o, const char *path)
{
    if (!o || (path && !*path))
        return ENVOI_EINVAL;
    return set_copy(o, &o->ca_file, path, false);
}

int envoi_oauth_set_ignore_cert(envoi_oauth *o, int flags)
{
    if (!o || flags < 0)
        return ENVOI_EINVAL;
    o->ignore_cert = flags;
    return 0;
}

int envoi_oauth_set_timeout(envoi_oauth *o, int ms)
{
    if (!o || ms <= 0)
        return ENVOI_EINVAL;
    o->timeout_ms = ms;
    return 0;
}

int envoi_oauth_set_margin(envoi_oauth *o, unsigned seconds)
{
    if (!o)
        return ENVOI_EINVAL;
    o->margin = seconds;
    return 0;
}

int envoi_oauth_set_cache_file(envoi_oauth *o, const char *path)
{
    if (!o || (path && !*path))
        return ENVOI_EINVAL;
    return set_copy(o, &o->cache_path, path, false);
}

void oauth_set_clock(envoi_oauth *o, time_t (*now)(void))
{
    o->now = now;
}

static time_t now_of(const envoi_oauth *o)
{
    return o->now ? o->now() : time(NULL);
}

bool oauth_is_fresh(time_t expires, time_t now, unsigned margin)
{
    if (expires == (time_t)-1)
        return true;
    return expires > now && (unsigned long long)(expires - now) > margin;
}

static oauth_cache_key cache_key(const envoi_oauth *o)
{
    oauth_cache_key k = {o->endpoint_text, o->client_id, o->refresh_token};
    return k;
}

/* What another process may have put in the cache file since. */
static int load_cache(envoi_oauth *o, envoi_error *err)
{
    if (!o->cache_path)
        return 0;
    oauth_cached c;
    oauth_cache_key k = cache_key(o);
    int rc = oauth_cache_read(o->cache_path, &k, &c, err);
    if (rc < 0)
        return rc;
    if (c.refresh_token) {
        envoi_secret_free(o->rotated);
        o->rotated = c.refresh_token;
        c.refresh_token = NULL;
    }
    if (c.access_token && oauth_is_fresh(c.expires, now_of(o), o->margin) &&
        c.expires != (time_t)-1) {
        envoi_secret_free(o->access);
        o->access = c.access_token;
        o->expires = c.expires;
        c.access_token = NULL;
    }
    oauth_cached_free(&c);
    return 0;
}

/* Keep the held tokens for the next process; a failure to write is not the
 * caller's: the token in hand is good. */
static void save_cache(envoi_oauth *o)
{
    if (!o->cache_path)
        return;
    oauth_cache_key k = cache_key(o);
    oauth_cached c = {o->access, o->expires, o->rotated};
    envoi_error ignored;
    oauth_cache_write(o->cache_path, &k, &c, &ignored);
}

static int build_form(const envoi_oauth *o, const char *refresh, envoi_buf *form)
{
    size_t need = 128 + 3 * (strlen(refresh) + strlen(o->client_id) +
                             (o->client_secret ? strlen(o->client_secret) : 0) +
                             (o->scope ? strlen(o->scope) : 0));
    int rc = envoi_buf_reserve(form, need); /* never moved: no copy left behind */
    if (rc == 0)
        rc = oauth_form_add(form, "grant_type", "refresh_token");
    if (rc == 0)
        rc = oauth_form_add(form, "refresh_token", refresh);
    if (rc == 0)
        rc = oauth_form_add(form, "client_id", o->client_id);
    if (rc == 0 && o->client_secret)
        rc = oauth_form_add(form, "client_secret", o->client_secret);
    if (rc == 0 && o->scope)
        rc = oauth_form_add(form, "scope", o->scope);
    return rc;
}

/* Printable ASCII of an endpoint's words, cut short: safe in a message. */
static void clean_words(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; in && *in && n + 1 < size; in++)
        out[n++] = (unsigned char)*in >= ' ' && (unsigned char)*in < 0x7f ? *in : '?';
    out[n] = '\0';
}

/* The endpoint said no (or answered something else). The HTTP status is
 * not a mail server's reply code: it stays in the text only. */
static int refused(const envoi_oauth *o, unsigned status, const oauth_answer *a, envoi_error *err)
{
    const char *host = o->endpoint.host;
    bool temporary = status == 429 || status >= 500;
    if (!a || !a->error)
        return envoi_err_set(err, temporary ? ENVOI_ETEMPFAIL : ENVOI_EPROTOCOL,
                             "the token endpoint %s answered HTTP %u without a token", host,
                             status);
    char code[64], why[MAX_DESCRIPTION];
    clean_words(a->error, code, sizeof code);
    clean_words(a->error_description, why, sizeof why);
    return envoi_err_set(err, temporary ? ENVOI_ETEMPFAIL : ENVOI_EAUTH,
                         "the token endpoint %s refused the grant (HTTP %u): %s%s%s%s", host,
                         status, code, why[0] ? " (" : "", why, why[0] ? ")" : "");
}

/* Turn a 200 answer into the held token. */
static int accept_answer(envoi_oauth *o, oauth_answer *a, envoi_error *err)
{
    const char *host = o->endpoint.host;
    if (!a->access_token || !oauth_token_is_valid(a->access_token))
        return envoi_err_set(err, ENVOI_EPROTOCOL,
                             "the token endpoint %s answered without a usable access_token", host);
    if (a->token_type && strcasecmp(a->token_type, "Bearer") != 0)
        return envoi_err_set(err, ENVOI_EPROTOCOL,
                             "the token endpoint %s issued a token of type '%.40s', not Bearer",
                             host, a->token_type);
    forget_access(o);
    o->access = a->access_token;
    a->access_token = NULL;
    o->expires = a->expires_in >= 0 ? now_of(o) + (time_t)a->expires_in : (time_t)-1;
    if (a->refresh_token && oauth_token_is_valid(a->refresh_token)) {
        envoi_secret_free(o->rotated);
        o->rotated = a->refresh_token;
        a->refresh_token = NULL;
    }
    o->grants++;
    return 0;
}

static int refresh(envoi_oauth *o, envoi_error *err)
{
    const char *refresh_token = o->rotated ? o->rotated : o->refresh_token;
    if (!o->have_endpoint || !o->client_id || !refresh_token)
        return envoi_err_set(err, ENVOI_ECONFIG,
                             "OAuth: no token endpoint, client id and refresh token "
                             "(nor a token command) to get a token from");
    envoi_buf form = ENVOI_BUF_INIT, body = ENVOI_BUF_INIT;
    if (build_form(o, refresh_token, &form) < 0) {
        envoi_buf_wipe_free(&form);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    oauth_http_request req = {&o->endpoint, form.data,      form.len,
                              o->ca_file,   o->ignore_cert, o->timeout_ms};
    unsigned status = 0;
    int rc = oauth_http_post(&req, &status, &body, err);
    envoi_buf_wipe_free(&form);
    oauth_answer a;
    if (rc == 0 && oauth_answer_read(body.data, body.len, &a) < 0) {
        rc = refused(o, status, NULL, err);
    } else if (rc == 0) {
        if (status == 200 && !a.error)
            rc = accept_answer(o, &a, err);
        else
            rc = refused(o, status, &a, err);
        oauth_answer_free(&a);
    }
    envoi_buf_wipe_free(&body);
    return rc;
}

static int hand_out(const char *token, time_t expires, char **out, time_t *when, envoi_error *err)
{
    if (!(*out = strdup(token)))
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (when)
        *when = expires;
    return 0;
}

static int token_locked(envoi_oauth *o, char **token, time_t *expires, envoi_error *err)
{
    if (o->command) {
        int rc = oauth_command_token(o->command, token, err);
        if (rc == 0 && expires)
            *expires = (time_t)-1;
        return rc;
    }
    time_t now = now_of(o);
    if (o->access && oauth_is_fresh(o->expires, now, o->margin))
        return hand_out(o->access, o->expires, token, expires, err);
    int rc = load_cache(o, err);
    if (rc < 0)
        return rc;
    if (o->access && oauth_is_fresh(o->expires, now_of(o), o->margin))
        return hand_out(o->access, o->expires, token, expires, err);
    if ((rc = refresh(o, err)) < 0)
        return rc;
    save_cache(o);
    return hand_out(o->access, o->expires, token, expires, err);
}

int envoi_oauth_token(envoi_oauth *o, char **token, time_t *expires, envoi_error *err)
{
    envoi_error scratch;
    if (!err)
        err = &scratch;
    if (token)
        *token = NULL;
    if (!o || !token)
        return envoi_err_set(err, ENVOI_EINVAL, "no OAuth provider");
    pthread_mutex_lock(&o->lock);
    int rc = token_locked(o, token, expires, err);
    pthread_mutex_unlock(&o->lock);
    return rc;
}

void envoi_oauth_token_free(char *token)
{
    envoi_secret_free(token);
}

void envoi_oauth_invalidate(envoi_oauth *o, const char *token)
{
    if (!o || !token)
        return;
    pthread_mutex_lock(&o->lock);
    if (o->access && strcmp(o->access, token) == 0) {
        forget_access(o);
        save_cache(o); /* the next process must not reuse it either */
    }
    pthread_mutex_unlock(&o->lock);
}
