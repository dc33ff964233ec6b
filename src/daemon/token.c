/* The API's bearer token: loading with a permission check, and a constant
 * time comparison. */
#include "daemon/token.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/secret.h"

#define TOKEN_MIN 16
#define TOKEN_MAX 4096

static int read_first_line(const char *path, envoi_buf *out, envoi_error *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return envoi_err_set(err, ENVOI_EFILE, "token file %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return envoi_err_set(err, ENVOI_EFILE, "token file %s: not a regular file", path);
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        fclose(f);
        return envoi_err_set(err, ENVOI_ECONFIG,
                             "token file %s: readable by group or others (mode %03o); make it "
                             "chmod 600",
                             path, (unsigned)(st.st_mode & 0777));
    }
    int c, rc = 0;
    while ((c = fgetc(f)) != EOF && c != '\n' && rc == 0) {
        if (out->len >= TOKEN_MAX)
            rc = envoi_err_set(err, ENVOI_ECONFIG, "token file %s: token too long", path);
        else if (envoi_buf_append_char(out, (char)c) < 0)
            rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    fclose(f);
    return rc;
}

int envoid_token_load(envoid_token *t, const char *path, envoi_error *err)
{
    memset(t, 0, sizeof *t);
    envoi_buf line = ENVOI_BUF_INIT;
    int rc = read_first_line(path, &line, err);
    while (rc == 0 && line.len > 0 &&
           (line.data[line.len - 1] == '\r' || line.data[line.len - 1] == ' ' ||
            line.data[line.len - 1] == '\t'))
        line.data[--line.len] = '\0';
    if (rc == 0 && line.len < TOKEN_MIN)
        rc = envoi_err_set(err, ENVOI_ECONFIG,
                           "token file %s: the token must be at least %d characters", path,
                           TOKEN_MIN);
    if (rc < 0) {
        envoi_buf_wipe_free(&line);
        return rc;
    }
    t->value = envoi_buf_steal(&line, &t->len);
    return 0;
}

void envoid_token_clear(envoid_token *t)
{
    envoi_secret_free(t->value);
    t->value = NULL;
    t->len = 0;
}

bool envoid_token_accepts(const envoid_token *t, const char *authorization)
{
    if (!t->value)
        return true;
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
        return false;
    const char *given = authorization + 7;
    while (*given == ' ')
        given++;
    size_t len = strlen(given);
    while (len > 0 && given[len - 1] == ' ')
        len--;
    if (len != t->len)
        return false;
    return CRYPTO_memcmp(given, t->value, len) == 0;
}
