/* The S/MIME handle: its settings (cipher, trust, time, recipients to self)
 * and the error it keeps. */
#include <openssl/err.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smime/smime_impl.h"
#include "util/err.h"
#include "util/secret.h"

envoi_smime *envoi_smime_new(void)
{
    envoi_smime *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->chain = sk_X509_new_null();
    s->rcpts = sk_X509_new_null();
    s->cipher_name = strdup("aes-256-gcm");
    if (!s->chain || !s->rcpts || !s->cipher_name) {
        envoi_smime_free(s);
        return NULL;
    }
    s->cipher = EVP_aes_256_gcm();
    s->to_self = true;
    return s;
}

void envoi_smime_free(envoi_smime *s)
{
    if (!s)
        return;
    X509_free(s->cert);
    EVP_PKEY_free(s->key);
    sk_X509_pop_free(s->chain, X509_free);
    sk_X509_pop_free(s->rcpts, X509_free);
    free(s->cipher_name);
    free(s->ca_file);
    envoi_wipe(s, sizeof *s);
    free(s);
}

const envoi_error *envoi_smime_error(const envoi_smime *s)
{
    return &s->err;
}

int envoi_smime_set_encrypt_to_self(envoi_smime *s, bool on)
{
    s->to_self = on;
    return 0;
}

static const struct {
    const char *name;
    const EVP_CIPHER *(*get)(void);
} ciphers[] = {
    {"aes-256-gcm", EVP_aes_256_gcm},
    {"aes-128-gcm", EVP_aes_128_gcm},
    {"aes-256-cbc", EVP_aes_256_cbc},
    {"aes-128-cbc", EVP_aes_128_cbc},
};

int envoi_smime_set_cipher(envoi_smime *s, const char *name)
{
    for (size_t i = 0; name && i < sizeof ciphers / sizeof ciphers[0]; i++) {
        if (strcasecmp(name, ciphers[i].name) != 0)
            continue;
        char *copy = strdup(ciphers[i].name);
        if (!copy)
            return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
        free(s->cipher_name);
        s->cipher_name = copy;
        s->cipher = ciphers[i].get();
        return 0;
    }
    return envoi_err_set(&s->err, ENVOI_EINVAL,
                         "unknown cipher '%s': use aes-256-gcm, aes-128-gcm, aes-256-cbc or "
                         "aes-128-cbc",
                         name ? name : "(null)");
}

int envoi_smime_set_ca_file(envoi_smime *s, const char *path)
{
    char *copy = NULL;
    if (path && !(copy = strdup(path)))
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    free(s->ca_file);
    s->ca_file = copy;
    return 0;
}

int envoi_smime_set_time(envoi_smime *s, time_t when)
{
    s->have_time = when != (time_t)-1;
    s->when = when;
    return 0;
}

int smime_fail_ssl(envoi_smime *s, int code, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char reason[256] = "";
    if (e)
        ERR_error_string_n(e, reason, sizeof reason);
    ERR_clear_error();
    if (reason[0])
        return envoi_err_set(&s->err, code, "%s: %s", what, reason);
    return envoi_err_set(&s->err, code, "%s", what);
}

void envoi_smime_report_clear(envoi_smime_report *r)
{
    if (!r)
        return;
    free(r->signer_subject);
    free(r->signer_email);
    free(r->cipher);
    free(r->reason);
    memset(r, 0, sizeof *r);
}

const char *envoi_smime_verdict_name(envoi_smime_verdict v)
{
    switch (v) {
    case ENVOI_SMIME_VALID:
        return "valid";
    case ENVOI_SMIME_UNTRUSTED:
        return "untrusted";
    case ENVOI_SMIME_BAD:
        return "bad";
    case ENVOI_SMIME_NONE:
    default:
        return "none";
    }
}

int smime_report_reason(envoi_smime_report *r, const char *fmt, ...)
{
    if (r->reason && r->reason[0])
        return 0;
    envoi_buf b = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc < 0)
        return rc;
    free(r->reason);
    r->reason = envoi_buf_steal(&b, NULL);
    return 0;
}
