/* The token cache file: a JSON object with the access token, its expiry and
 * a rotated refresh token, for one endpoint, client and grant. Only its
 * owner may read it; it is replaced atomically (temporary file, rename). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "oauth/oauth_impl.h"
#include "util/err.h"
#include "util/secret.h"

enum { MAX_CACHE = 64 * 1024 };

/* The hex SHA-256 of endpoint, client id and configured refresh token. */
static int key_digest(const oauth_cache_key *key, char hex[65])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char d[32];
    unsigned n = 0;
    const char *parts[] = {key->endpoint, key->client_id, key->refresh_token};
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    for (size_t i = 0; ok && i < 3; i++) {
        const char *p = parts[i] ? parts[i] : "";
        ok = EVP_DigestUpdate(md, p, strlen(p) + 1); /* the NUL separates */
    }
    ok = ok && EVP_DigestFinal_ex(md, d, &n) && n == 32;
    EVP_MD_CTX_free(md);
    if (!ok)
        return ENVOI_ENOMEM;
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 0;
}

typedef struct cache_read {
    oauth_cached *out;
    char key[65];
    bool key_ok;
} cache_read;

static int take_token(char **dst, const oauth_json_value *v)
{
    if (v->type != OAUTH_JSON_STRING || !oauth_token_is_valid(v->text))
        return 0; /* ignored */
    char *copy = strdup(v->text);
    if (!copy)
        return ENVOI_ENOMEM;
    envoi_secret_free(*dst);
    *dst = copy;
    return 0;
}

static int cache_member(void *ctx, const char *key, const oauth_json_value *v)
{
    cache_read *c = ctx;
    if (strcmp(key, "key") == 0) {
        c->key_ok = v->type == OAUTH_JSON_STRING && strcmp(v->text, c->key) == 0;
        return 0;
    }
    if (strcmp(key, "access_token") == 0)
        return take_token(&c->out->access_token, v);
    if (strcmp(key, "refresh_token") == 0)
        return take_token(&c->out->refresh_token, v);
    if (strcmp(key, "expires_at") == 0 && v->type == OAUTH_JSON_NUMBER) {
        long long x = 0;
        size_t i = 0;
        for (; i < v->len && i < 15 && v->text[i] >= '0' && v->text[i] <= '9'; i++)
            x = x * 10 + (v->text[i] - '0');
        if (i == v->len)
            c->out->expires = (time_t)x;
    }
    return 0;
}

void oauth_cached_free(oauth_cached *c)
{
    envoi_secret_free(c->access_token);
    envoi_secret_free(c->refresh_token);
    c->access_token = c->refresh_token = NULL;
    c->expires = (time_t)-1;
}

static int read_whole(int fd, envoi_buf *b)
{
    if (envoi_buf_reserve(b, MAX_CACHE + 1) < 0)
        return ENVOI_ENOMEM;
    for (;;) {
        ssize_t n = read(fd, b->data + b->len, MAX_CACHE + 1 - b->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ENVOI_EFILE;
        if (n == 0)
            break;
        b->len += (size_t)n;
        if (b->len > MAX_CACHE)
            return ENVOI_EPROTOCOL;
    }
    b->data[b->len] = '\0';
    return 0;
}

int oauth_cache_read(const char *path, const oauth_cache_key *key, oauth_cached *out,
                     envoi_error *err)
{
    out->access_token = out->refresh_token = NULL;
    out->expires = (time_t)-1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0)
        return envoi_err_set(err, ENVOI_EFILE, "OAuth cache %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return envoi_err_set(err, ENVOI_EFILE, "OAuth cache %s: not a regular file", path);
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) || st.st_uid != geteuid()) {
        close(fd);
        return envoi_err_set(err, ENVOI_ECONFIG,
                             "OAuth cache %s can be read or written by others: refused "
                             "(it must be its owner's only: chmod 600 %s, or remove it)",
                             path, path);
    }
    envoi_buf text = ENVOI_BUF_INIT;
    int rc = read_whole(fd, &text);
    close(fd);
    cache_read c = {.out = out};
    if (rc == 0)
        rc = key_digest(key, c.key);
    if (rc == 0) {
        rc = oauth_json_object(text.data, text.len, cache_member, &c);
        if (rc == ENVOI_EPROTOCOL || (rc == 0 && !c.key_ok)) {
            oauth_cached_free(out); /* malformed or another grant's: ignored */
            rc = 0;
        }
    } else if (rc == ENVOI_EPROTOCOL) {
        rc = 0; /* too big: ignored */
    }
    envoi_buf_wipe_free(&text);
    if (rc == ENVOI_ENOMEM)
        return envoi_err_set(err, rc, "out of memory");
    if (rc < 0)
        return envoi_err_set(err, rc, "OAuth cache %s: cannot be read", path);
    return 0;
}

/* s as a JSON string (tokens are printable ASCII; " and \ escaped). */
static int put_string(envoi_buf *b, const char *s)
{
    int rc = envoi_buf_append_char(b, '"');
    for (; rc == 0 && *s; s++) {
        if (*s == '"' || *s == '\\')
            rc = envoi_buf_append_char(b, '\\');
        if (rc == 0)
            rc = envoi_buf_append_char(b, *s);
    }
    return rc == 0 ? envoi_buf_append_char(b, '"') : rc;
}

static int build(const char *hex, const oauth_cached *c, envoi_buf *b)
{
    size_t need = 256 + 2 * ((c->access_token ? strlen(c->access_token) : 0) +
                             (c->refresh_token ? strlen(c->refresh_token) : 0));
    int rc = envoi_buf_reserve(b, need); /* never moved: no copy left behind */
    if (rc == 0)
        rc = envoi_buf_printf(b, "{\"version\": 1, \"key\": \"%s\"", hex);
    if (rc == 0 && c->access_token) {
        rc = envoi_buf_append_str(b, ", \"access_token\": ");
        if (rc == 0)
            rc = put_string(b, c->access_token);
        if (rc == 0)
            rc = envoi_buf_printf(b, ", \"expires_at\": %lld", (long long)c->expires);
    }
    if (rc == 0 && c->refresh_token) {
        rc = envoi_buf_append_str(b, ", \"refresh_token\": ");
        if (rc == 0)
            rc = put_string(b, c->refresh_token);
    }
    return rc == 0 ? envoi_buf_append_str(b, "}\n") : rc;
}

/* The directory of path, made (0700) when it does not exist. */
static int ensure_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    char *dir = strndup(path, (size_t)(slash - path));
    if (!dir)
        return ENVOI_ENOMEM;
    int rc = mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : ENVOI_EFILE;
    free(dir);
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return ENVOI_EFILE;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int oauth_cache_write(const char *path, const oauth_cache_key *key, const oauth_cached *c,
                      envoi_error *err)
{
    char hex[65];
    envoi_buf text = ENVOI_BUF_INIT, tmp = ENVOI_BUF_INIT;
    int rc = key_digest(key, hex);
    if (rc == 0)
        rc = build(hex, c, &text);
    if (rc == 0)
        rc = envoi_buf_printf(&tmp, "%s.XXXXXX", path);
    if (rc < 0) {
        envoi_buf_wipe_free(&text);
        envoi_buf_free(&tmp);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    int saved = 0;
    if (ensure_dir(path) < 0)
        saved = errno;
    int fd = saved ? -1 : mkostemp(tmp.data, O_CLOEXEC); /* mode 0600 */
    if (fd < 0 && !saved)
        saved = errno;
    if (fd >= 0) {
        if (fchmod(fd, 0600) < 0 || write_all(fd, text.data, text.len) < 0 || fsync(fd) < 0)
            saved = errno ? errno : EIO;
        if (close(fd) < 0 && !saved)
            saved = errno;
        if (!saved && rename(tmp.data, path) < 0)
            saved = errno;
        if (saved)
            unlink(tmp.data);
    }
    envoi_buf_wipe_free(&text);
    envoi_buf_free(&tmp);
    if (saved)
        return envoi_err_set(err, ENVOI_EFILE, "OAuth cache %s: %s", path, strerror(saved));
    return 0;
}
