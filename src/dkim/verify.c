/* Verifying the DKIM signatures of a message (RFC 6376 section 6): each
 * DKIM-Signature field read, its key found, expiry and the key's terms
 * checked, then the hashes; one status per signature. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkim/verify.h"
#include "util/err.h"

static const char DKIM_SIGNATURE[] = "DKIM-Signature";

const char *envoi_dkim_result_name(envoi_dkim_result r)
{
    switch (r) {
    case ENVOI_DKIM_PASS:
        return "pass";
    case ENVOI_DKIM_FAIL:
        return "fail";
    case ENVOI_DKIM_NEUTRAL:
        return "neutral";
    case ENVOI_DKIM_TEMPERROR:
        return "temperror";
    case ENVOI_DKIM_PERMERROR:
        return "permerror";
    default:
        return "unknown";
    }
}

envoi_dkim_verifier *envoi_dkim_verifier_new(void)
{
    envoi_dkim_verifier *v = calloc(1, sizeof *v);
    if (v)
        v->now = (time_t)-1;
    return v;
}

void envoi_dkim_verifier_free(envoi_dkim_verifier *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->key_count; i++) {
        free(v->keys[i].domain);
        free(v->keys[i].selector);
        free(v->keys[i].record);
    }
    free(v->keys);
    free(v);
}

const envoi_error *envoi_dkim_verifier_error(const envoi_dkim_verifier *v)
{
    return v ? &v->err : NULL;
}

int envoi_dkim_verifier_set_nameserver(envoi_dkim_verifier *v, const char *server)
{
    if (!v || !server)
        return ENVOI_EINVAL;
    return check_resolver_set_server(&v->resolver, server, &v->err);
}

int envoi_dkim_verifier_set_timeout(envoi_dkim_verifier *v, int ms)
{
    if (!v || ms <= 0)
        return v ? envoi_err_set(&v->err, ENVOI_EINVAL, "the DNS timeout must be positive")
                 : ENVOI_EINVAL;
    v->resolver.timeout_ms = ms;
    return 0;
}

int envoi_dkim_verifier_set_time(envoi_dkim_verifier *v, time_t now)
{
    if (!v)
        return ENVOI_EINVAL;
    v->now = now;
    return 0;
}

static bool plain_name(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return true;
}

int envoi_dkim_verifier_add_key(envoi_dkim_verifier *v, const char *domain, const char *selector,
                                const char *record)
{
    if (!v)
        return ENVOI_EINVAL;
    if (!domain || !selector || !record || !plain_name(domain) || !plain_name(selector))
        return envoi_err_set(&v->err, ENVOI_EINVAL,
                             "a key needs a domain, a selector (printable ASCII) and a record");
    dkim_given_key *keys = realloc(v->keys, (v->key_count + 1) * sizeof *keys);
    if (!keys)
        return envoi_err_set(&v->err, ENVOI_ENOMEM, "out of memory");
    v->keys = keys;
    dkim_given_key *k = &keys[v->key_count];
    k->domain = strdup(domain);
    k->selector = strdup(selector);
    k->record = strdup(record);
    if (!k->domain || !k->selector || !k->record) {
        free(k->domain);
        free(k->selector);
        free(k->record);
        return envoi_err_set(&v->err, ENVOI_ENOMEM, "out of memory");
    }
    v->key_count++;
    return 0;
}

int dkim_verdict(envoi_dkim_status *st, envoi_dkim_result result, const char *fmt, ...)
{
    envoi_buf b = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc < 0) {
        envoi_buf_free(&b);
        return ENVOI_ENOMEM;
    }
    free(st->reason);
    st->reason = envoi_buf_steal(&b, NULL);
    st->result = result;
    return 1;
}

/* The key's terms: not revoked, of the signature's type, t=s honoured. */
static int check_key(const dkim_sig *sig, const dkim_keyrec *key, envoi_dkim_status *st)
{
    st->testing = key->testing;
    if (key->revoked)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "the key %s._domainkey.%s is revoked",
                            sig->selector, sig->domain);
    bool rsa = sig->alg == DKIM_ALG_RSA_SHA256;
    if (rsa != (key->type == DKIM_KEY_RSA))
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "the key is %s, the signature %s",
                            key->type == DKIM_KEY_RSA ? "RSA" : "Ed25519", st->algorithm);
    const char *at = strrchr(st->identity, '@');
    if (key->strict && at && strcasecmp(at + 1, sig->domain) != 0)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR,
                            "the key (t=s) forbids an i= domain other than d=");
    return 0;
}

static time_t now_of(const envoi_dkim_verifier *v)
{
    return v->now != (time_t)-1 ? v->now : time(NULL);
}

/* One signature's verdict into st. 0 or ENVOI_ENOMEM. */
static int verify_one(envoi_dkim_verifier *v, const dkim_header *h, const dkim_field *f,
                      const void *source, size_t len, envoi_dkim_status *st)
{
    dkim_sig sig;
    dkim_keyrec key = {0};
    int rc = dkim_sig_read(f, &sig, st);
    if (rc == 0 && sig.expires != (time_t)-1 && sig.expires < now_of(v))
        rc = dkim_verdict(st, ENVOI_DKIM_NEUTRAL, "signature expired");
    if (rc == 0)
        rc = dkim_key_fetch(v, &sig, st, &key);
    if (rc == 0)
        rc = check_key(&sig, &key, st);
    if (rc == 0)
        rc = dkim_sig_check(h, source, len, &sig, &key, st);
    if (rc == 0)
        rc = dkim_verdict(st, ENVOI_DKIM_PASS, "%s", "");
    dkim_keyrec_free(&key);
    dkim_sig_free(&sig);
    return rc < 0 ? rc : 0;
}

static size_t count_signatures(const dkim_header *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++)
        if (dkim_field_is(&h->fields[i], DKIM_SIGNATURE, sizeof DKIM_SIGNATURE - 1))
            n++;
    return n < DKIM_VERIFY_MAX_SIGNATURES ? n : DKIM_VERIFY_MAX_SIGNATURES;
}

static int verify_all(envoi_dkim_verifier *v, const dkim_header *h, const void *source, size_t len,
                      envoi_dkim_status *out, size_t want)
{
    size_t done = 0;
    for (size_t i = 0; i < h->count && done < want; i++) {
        if (!dkim_field_is(&h->fields[i], DKIM_SIGNATURE, sizeof DKIM_SIGNATURE - 1))
            continue;
        envoi_dkim_status *st = &out[done++];
        st->result = ENVOI_DKIM_PERMERROR;
        st->signed_at = (time_t)-1;
        int rc = verify_one(v, h, &h->fields[i], source, len, st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int envoi_dkim_verify(envoi_dkim_verifier *v, const void *source, size_t len,
                      envoi_dkim_status **out, size_t *count)
{
    if (!out || !count)
        return v ? envoi_err_set(&v->err, ENVOI_EINVAL, "no place for the results") : ENVOI_EINVAL;
    *out = NULL;
    *count = 0;
    if (!v || (!source && len > 0))
        return v ? envoi_err_set(&v->err, ENVOI_EINVAL, "no message") : ENVOI_EINVAL;
    dkim_header h;
    if (dkim_header_read(&h, source ? source : "", len) < 0)
        return envoi_err_set(&v->err, ENVOI_ENOMEM, "out of memory");
    size_t n = count_signatures(&h);
    envoi_dkim_status *st = n ? calloc(n, sizeof *st) : NULL;
    int rc = n && !st ? ENVOI_ENOMEM : 0;
    if (rc == 0 && n)
        rc = verify_all(v, &h, source, len, st, n);
    dkim_header_free(&h);
    if (rc < 0) {
        envoi_dkim_status_free(st, n);
        return envoi_err_set(&v->err, rc, "out of memory");
    }
    *out = st;
    *count = n;
    return 0;
}

void envoi_dkim_status_free(envoi_dkim_status *statuses, size_t count)
{
    if (!statuses)
        return;
    for (size_t i = 0; i < count; i++) {
        free(statuses[i].domain);
        free(statuses[i].selector);
        free(statuses[i].algorithm);
        free(statuses[i].identity);
        free(statuses[i].reason);
    }
    free(statuses);
}
