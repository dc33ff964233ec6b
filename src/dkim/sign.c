/* The DKIM signer object: its settings (domain, selector, key,
 * canonicalization, header list, i=, l=, x=, t=) checked as they are set. */
#include <idn2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkim/sign.h"
#include "util/err.h"
#include "util/secret.h"

/* The failure of the last signature made in this thread, and its signer. */
static _Thread_local const envoi_dkim_signer *failed_signer;
static _Thread_local envoi_error failed_sign;

int dkim_sign_fail(const envoi_dkim_signer *k, int code, const char *fmt, ...)
{
    char text[sizeof failed_sign.text];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    failed_signer = k;
    return envoi_err_set(&failed_sign, code, "%s", text);
}

/* A setting changes: the signer's own record is the one to report. */
static envoi_error *settings_error(envoi_dkim_signer *k)
{
    if (failed_signer == k)
        failed_signer = NULL;
    envoi_err_clear(&k->err);
    return &k->err;
}

envoi_dkim_signer *envoi_dkim_signer_new(void)
{
    envoi_dkim_signer *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->header_canon = ENVOI_DKIM_RELAXED;
    k->body_canon = ENVOI_DKIM_RELAXED;
    k->when = (time_t)-1;
    return k;
}

void envoi_dkim_signer_free(envoi_dkim_signer *k)
{
    if (!k)
        return;
    if (failed_signer == k)
        failed_signer = NULL;
    EVP_PKEY_free(k->key);
    free(k->domain);
    free(k->selector);
    free(k->headers);
    free(k->identity);
    free(k);
}

const envoi_error *envoi_dkim_signer_error(const envoi_dkim_signer *k)
{
    if (k && failed_signer == k)
        return &failed_sign;
    return k ? &k->err : NULL;
}

static bool is_ldh(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* A name of dot-separated labels of letters, digits and hyphens. */
static bool is_dns_name(const char *s)
{
    size_t label = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s == '.') {
            if (label == 0 || s[1] == '\0')
                return false;
            label = 0;
        } else if (!is_ldh(*s) || ++label > 63) {
            return false;
        }
    }
    return true;
}

/* The domain in lower-case A-labels, malloc'd; NULL when it is not one. */
static char *to_alabels(const char *in)
{
    char *ascii = NULL;
    int rc = idn2_to_ascii_8z(in, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK)
        rc = idn2_to_ascii_8z(in, &ascii, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK)
        return NULL;
    for (char *p = ascii; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (!is_dns_name(ascii)) {
        idn2_free(ascii);
        return NULL;
    }
    char *copy = strdup(ascii);
    idn2_free(ascii);
    return copy;
}

static int set_names(envoi_dkim_signer *k, const char *domain, const char *selector)
{
    envoi_error *err = &k->err;
    char *d = domain ? to_alabels(domain) : NULL;
    if (!d)
        return envoi_err_set(err, ENVOI_EINVAL, "invalid signing domain '%s'",
                             domain ? domain : "");
    char *s = selector ? to_alabels(selector) : NULL;
    if (!s) {
        free(d);
        return envoi_err_set(err, ENVOI_EINVAL, "invalid selector '%s'", selector ? selector : "");
    }
    free(k->domain);
    free(k->selector);
    k->domain = d;
    k->selector = s;
    return 0;
}

int envoi_dkim_signer_set_key_pem(envoi_dkim_signer *k, const char *domain, const char *selector,
                                  const char *pem, size_t len)
{
    envoi_error *err = settings_error(k);
    int rc = set_names(k, domain, selector);
    if (rc < 0)
        return rc;
    EVP_PKEY *key = NULL;
    dkim_alg alg;
    rc = dkim_key_parse(pem, len, &key, &alg, err);
    if (rc < 0)
        return rc;
    EVP_PKEY_free(k->key);
    k->key = key;
    k->alg = alg;
    return 0;
}

int envoi_dkim_signer_set_key_file(envoi_dkim_signer *k, const char *domain, const char *selector,
                                   const char *pem_path)
{
    envoi_error *err = settings_error(k);
    int rc = set_names(k, domain, selector);
    if (rc < 0)
        return rc;
    envoi_buf pem = ENVOI_BUF_INIT;
    rc = dkim_key_read_file(pem_path, &pem, err);
    if (rc == 0)
        rc = envoi_dkim_signer_set_key_pem(k, domain, selector, pem.data ? pem.data : "", pem.len);
    if (rc < 0 && err->code == rc && strncmp(err->text, pem_path, strlen(pem_path)) != 0) {
        char text[sizeof err->text];
        snprintf(text, sizeof text, "%s", err->text);
        envoi_err_set(err, rc, "%s: %s", pem_path, text);
    }
    envoi_buf_wipe_free(&pem);
    return rc;
}

const char *envoi_dkim_signer_algorithm(const envoi_dkim_signer *k)
{
    return k && k->key ? dkim_alg_name(k->alg) : NULL;
}

int envoi_dkim_signer_set_canonicalization(envoi_dkim_signer *k, envoi_dkim_canon header,
                                           envoi_dkim_canon body)
{
    envoi_error *err = settings_error(k);
    if ((header != ENVOI_DKIM_RELAXED && header != ENVOI_DKIM_SIMPLE) ||
        (body != ENVOI_DKIM_RELAXED && body != ENVOI_DKIM_SIMPLE))
        return envoi_err_set(err, ENVOI_EINVAL, "unknown canonicalization");
    k->header_canon = header;
    k->body_canon = body;
    return 0;
}

/* Append one header name of the list, lower-cased; false when it is not
 * a field name. */
static bool add_name(envoi_buf *out, const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0)
        return false;
    if (out->len > 0 && envoi_buf_append_char(out, ':') < 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 33 || c > 126)
            return false;
        if (envoi_buf_append_char(out, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)) < 0)
            return false;
    }
    return true;
}

static bool has_from(const char *list)
{
    const char *p = list;
    while (p) {
        if (strncmp(p, "from", 4) == 0 && (p[4] == ':' || p[4] == '\0'))
            return true;
        p = strchr(p, ':');
        p = p ? p + 1 : NULL;
    }
    return false;
}

int envoi_dkim_signer_set_headers(envoi_dkim_signer *k, const char *names)
{
    envoi_error *err = settings_error(k);
    if (!names) {
        free(k->headers);
        k->headers = NULL;
        return 0;
    }
    envoi_buf list = ENVOI_BUF_INIT;
    const char *p = names;
    while (true) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (!add_name(&list, p, len)) {
            envoi_buf_free(&list);
            return envoi_err_set(err, ENVOI_EINVAL,
                                 "invalid header list '%s': names are separated by single "
                                 "colons and have no blanks or control characters",
                                 names);
        }
        if (!colon)
            break;
        p = colon + 1;
    }
    if (!has_from(list.data)) {
        envoi_buf_free(&list);
        return envoi_err_set(err, ENVOI_EINVAL,
                             "the header list '%s' lacks From: it must be signed", names);
    }
    free(k->headers);
    k->headers = envoi_buf_steal(&list, NULL);
    return 0;
}

/* Is the identity's domain d= or one of its subdomains? */
static bool identity_domain_fits(const char *domain, const char *d)
{
    size_t n = strlen(domain), dn = strlen(d);
    if (n == dn)
        return strcmp(domain, d) == 0;
    return n > dn && strcmp(domain + n - dn, d) == 0 && domain[n - dn - 1] == '.';
}

/* The local part written as dkim-quoted-printable (RFC 6376 section 2.11). */
static int append_dkim_qp(envoi_buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool plain = (c >= 0x21 && c <= 0x3a) || c == 0x3c || (c >= 0x3e && c <= 0x7e);
        int rc = plain ? envoi_buf_append_char(out, (char)c) : envoi_buf_printf(out, "=%02X", c);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int envoi_dkim_signer_set_identity(envoi_dkim_signer *k, const char *identity)
{
    envoi_error *err = settings_error(k);
    if (!identity) {
        free(k->identity);
        k->identity = NULL;
        return 0;
    }
    const char *at = strrchr(identity, '@');
    if (!at)
        return envoi_err_set(err, ENVOI_EINVAL, "identity '%s' lacks '@domain'", identity);
    if (!k->domain)
        return envoi_err_set(err, ENVOI_ESTATE, "set the signing domain before the identity");
    char *domain = to_alabels(at + 1);
    if (!domain || !identity_domain_fits(domain, k->domain)) {
        free(domain);
        return envoi_err_set(err, ENVOI_EINVAL,
                             "identity '%s': its domain must be %s or a subdomain of it", identity,
                             k->domain);
    }
    envoi_buf v = ENVOI_BUF_INIT;
    int rc = append_dkim_qp(&v, identity, (size_t)(at - identity));
    if (rc == 0)
        rc = envoi_buf_printf(&v, "@%s", domain);
    free(domain);
    if (rc < 0) {
        envoi_buf_free(&v);
        return envoi_err_set(err, rc, "out of memory");
    }
    free(k->identity);
    k->identity = envoi_buf_steal(&v, NULL);
    return 0;
}

int envoi_dkim_signer_set_body_length(envoi_dkim_signer *k, bool on)
{
    settings_error(k);
    k->body_length = on;
    return 0;
}

int envoi_dkim_signer_set_expiry(envoi_dkim_signer *k, unsigned long seconds)
{
    settings_error(k);
    k->expiry = seconds;
    return 0;
}

int envoi_dkim_signer_set_time(envoi_dkim_signer *k, time_t when)
{
    settings_error(k);
    k->when = when;
    return 0;
}
