/* SASL client: choosing a mechanism and stepping through it (see sasl.h). */
#include "proto/sasl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "envoi/error.h"
#include "util/base64.h"
#include "util/secret.h"

enum mech { MECH_PLAIN, MECH_LOGIN, MECH_CRAM_MD5, MECH_XOAUTH2, MECH_OAUTHBEARER };

static const char *const mech_names[] = {
    [MECH_PLAIN] = "PLAIN",
    [MECH_LOGIN] = "LOGIN",
    [MECH_CRAM_MD5] = "CRAM-MD5",
    [MECH_XOAUTH2] = "XOAUTH2",
    [MECH_OAUTHBEARER] = "OAUTHBEARER",
};

/* Strongest first; the token mechanisms only with a token. */
static const enum mech preference[] = {MECH_OAUTHBEARER, MECH_XOAUTH2, MECH_CRAM_MD5, MECH_PLAIN,
                                       MECH_LOGIN};

struct envoi_sasl {
    enum mech mech;
    int step; /* responses given so far */
    char *user;
    char *password;
    char *token;
    char *host;
    unsigned port;
};

static int find_mech(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof mech_names / sizeof mech_names[0]; i++)
        if (strlen(mech_names[i]) == len && strncasecmp(mech_names[i], name, len) == 0)
            return (int)i;
    return -1;
}

static bool is_token_mech(enum mech m)
{
    return m == MECH_XOAUTH2 || m == MECH_OAUTHBEARER;
}

static bool offers(const char *offered, enum mech m)
{
    const char *p = offered ? offered : "";
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n && find_mech(p, n) == (int)m)
            return true;
        p += n;
    }
    return false;
}

bool envoi_sasl_known(const char *mech)
{
    return mech && find_mech(mech, strlen(mech)) >= 0;
}

const char *envoi_sasl_choose(const char *offered, const char *forced, bool have_password,
                              bool have_token)
{
    if (forced) {
        int m = find_mech(forced, strlen(forced));
        return m >= 0 && offers(offered, (enum mech)m) ? mech_names[m] : NULL;
    }
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++) {
        enum mech m = preference[i];
        if (is_token_mech(m) ? !have_token : !have_password)
            continue;
        if (offers(offered, m))
            return mech_names[m];
    }
    return NULL;
}

int envoi_sasl_new(envoi_sasl **out, const char *mech, const envoi_sasl_creds *creds)
{
    *out = NULL;
    int m = mech ? find_mech(mech, strlen(mech)) : -1;
    if (m < 0 || !creds->user)
        return ENVOI_EINVAL;
    if (is_token_mech((enum mech)m) ? !creds->token : !creds->password)
        return ENVOI_EINVAL;
    envoi_sasl *s = calloc(1, sizeof *s);
    if (!s)
        return ENVOI_ENOMEM;
    s->mech = (enum mech)m;
    s->port = creds->port;
    s->user = strdup(creds->user);
    s->password = envoi_strdup_or_null(creds->password);
    s->token = envoi_strdup_or_null(creds->token);
    s->host = strdup(creds->host ? creds->host : "");
    if (!s->user || !s->host || (creds->password && !s->password) || (creds->token && !s->token)) {
        envoi_sasl_free(s);
        return ENVOI_ENOMEM;
    }
    *out = s;
    return 0;
}

void envoi_sasl_free(envoi_sasl *s)
{
    if (!s)
        return;
    envoi_secret_free(s->user);
    envoi_secret_free(s->password);
    envoi_secret_free(s->token);
    free(s->host);
    envoi_wipe(s, sizeof *s);
    free(s);
}

const char *envoi_sasl_name(const envoi_sasl *s)
{
    return mech_names[s->mech];
}

int envoi_sasl_b64_encode(const void *data, size_t len, envoi_buf *out)
{
    return envoi_base64_encode(data, len, out);
}

int envoi_sasl_b64_decode(const char *text, size_t len, envoi_buf *out)
{
    if (len % 4 != 0 || len > (size_t)0x3fffffff)
        return ENVOI_EPROTOCOL;
    for (size_t i = 0; i < len; i++)
        if (text[i] == ' ' || text[i] == '\t')
            return ENVOI_EPROTOCOL;
    if (envoi_buf_reserve(out, len / 4 * 3) < 0)
        return ENVOI_ENOMEM;
    int w = EVP_DecodeBlock((unsigned char *)out->data + out->len, (const unsigned char *)text,
                            (int)len);
    if (w < 0)
        return ENVOI_EPROTOCOL;
    size_t pad = 0;
    while (pad < 2 && len > pad && text[len - 1 - pad] == '=')
        pad++;
    out->len += (size_t)w - pad;
    out->data[out->len] = '\0';
    return 0;
}

/* The raw response for the current step; challenge is already decoded. */
static int respond(envoi_sasl *s, const unsigned char *chal, size_t len, envoi_buf *raw)
{
    switch (s->mech) {
    case MECH_PLAIN:
        return s->step == 0 ? envoi_sasl_plain_response(s->user, s->password, raw)
                            : ENVOI_EPROTOCOL;
    case MECH_LOGIN:
        /* "Username:" then "Password:"; the prompts' words vary, the order not. */
        if (s->step == 0)
            return envoi_buf_append_str(raw, s->user);
        if (s->step == 1)
            return envoi_buf_append_str(raw, s->password);
        return ENVOI_EPROTOCOL;
    case MECH_CRAM_MD5:
        return s->step == 0 ? envoi_sasl_cram_md5_response(s->user, s->password, chal, len, raw)
                            : ENVOI_EPROTOCOL;
    case MECH_XOAUTH2:
        /* A challenge after the token carries the error as JSON: answer
         * empty so the server ends the exchange with its failure reply. */
        return s->step == 0 ? envoi_sasl_xoauth2_response(s->user, s->token, raw) : 0;
    case MECH_OAUTHBEARER:
        /* RFC 7628 3.2.3: after an error challenge the client sends ^A. */
        return s->step == 0
                   ? envoi_sasl_oauthbearer_response(s->user, s->token, s->host, s->port, raw)
                   : envoi_buf_append_char(raw, '\x01');
    }
    return ENVOI_EINVAL;
}

static int encode_response(envoi_sasl *s, const unsigned char *chal, size_t len, envoi_buf *out)
{
    envoi_buf raw = ENVOI_BUF_INIT;
    int rc = respond(s, chal, len, &raw);
    if (rc == 0) {
        s->step++;
        rc = raw.len ? envoi_sasl_b64_encode(raw.data, raw.len, out) : 0;
    }
    envoi_buf_wipe_free(&raw);
    return rc;
}

int envoi_sasl_initial(envoi_sasl *s, envoi_buf *out, bool *has)
{
    *has = false;
    if (s->step != 0 || s->mech == MECH_LOGIN || s->mech == MECH_CRAM_MD5)
        return 0;
    int rc = encode_response(s, NULL, 0, out);
    if (rc == 0 && out->len == 0)
        rc = envoi_buf_append_char(out, '=');
    if (rc == 0)
        *has = true;
    return rc;
}

int envoi_sasl_step(envoi_sasl *s, const char *challenge, size_t len, envoi_buf *out)
{
    envoi_buf chal = ENVOI_BUF_INIT;
    int rc = envoi_sasl_b64_decode(challenge, len, &chal);
    if (rc == 0)
        rc = encode_response(s, (const unsigned char *)(chal.data ? chal.data : ""), chal.len, out);
    envoi_buf_wipe_free(&chal);
    return rc;
}
