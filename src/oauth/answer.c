/* The token endpoint's answer (RFC 6749 5.1, 5.2): the members envoi uses,
 * read with the bounded JSON reader. */
#include <stdlib.h>
#include <string.h>

#include "oauth/oauth_impl.h"
#include "util/secret.h"

bool oauth_token_is_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] <= ' ' || (unsigned char)s[n] >= 0x7f)
            return false;
    return n > 0 && n <= OAUTH_MAX_TOKEN;
}

static int keep_string(char **dst, const oauth_json_value *v, bool secret)
{
    if (v->type != OAUTH_JSON_STRING)
        return ENVOI_EPROTOCOL;
    char *copy = strdup(v->text);
    if (!copy)
        return ENVOI_ENOMEM;
    if (secret)
        envoi_secret_free(*dst);
    else
        free(*dst);
    *dst = copy;
    return 0;
}

/* A whole number of seconds: a JSON number (fraction cut) or a string of
 * digits, as some endpoints send it. */
static int keep_seconds(long long *dst, const oauth_json_value *v)
{
    if (v->type != OAUTH_JSON_NUMBER && v->type != OAUTH_JSON_STRING)
        return ENVOI_EPROTOCOL;
    long long x = 0;
    size_t i = 0;
    if (v->len == 0 || v->text[0] == '-')
        return ENVOI_EPROTOCOL;
    for (; i < v->len && v->text[i] >= '0' && v->text[i] <= '9'; i++) {
        if (x > 100000000000LL) /* over 3,000 years: keep a bound */
            return ENVOI_EPROTOCOL;
        x = x * 10 + (v->text[i] - '0');
    }
    if (i == 0 ||
        (i < v->len && (v->type == OAUTH_JSON_STRING || v->text[i] == 'e' || v->text[i] == 'E')))
        return ENVOI_EPROTOCOL;
    *dst = x;
    return 0;
}

static int answer_member(void *ctx, const char *key, const oauth_json_value *v)
{
    oauth_answer *a = ctx;
    if (strcmp(key, "access_token") == 0)
        return keep_string(&a->access_token, v, true);
    if (strcmp(key, "refresh_token") == 0)
        return keep_string(&a->refresh_token, v, true);
    if (strcmp(key, "token_type") == 0)
        return keep_string(&a->token_type, v, false);
    if (strcmp(key, "error") == 0)
        return keep_string(&a->error, v, false);
    if (strcmp(key, "error_description") == 0)
        return v->type == OAUTH_JSON_STRING ? keep_string(&a->error_description, v, false) : 0;
    if (strcmp(key, "expires_in") == 0)
        return keep_seconds(&a->expires_in, v);
    return 0;
}

int oauth_answer_read(const char *text, size_t len, oauth_answer *out)
{
    memset(out, 0, sizeof *out);
    out->expires_in = -1;
    int rc = oauth_json_object(text, len, answer_member, out);
    if (rc < 0)
        oauth_answer_free(out);
    return rc;
}

void oauth_answer_free(oauth_answer *a)
{
    envoi_secret_free(a->access_token);
    envoi_secret_free(a->refresh_token);
    free(a->token_type);
    free(a->error);
    free(a->error_description);
    memset(a, 0, sizeof *a);
    a->expires_in = -1;
}
