/* Verifying a signature layer in two steps, so that the verdict says what
 * failed: first the signature over the content (BAD when it does not
 * match), then each signer's certificate chain against the CA file or the
 * system store, for S/MIME signing (UNTRUSTED when it does not hold). */
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "smime/smime_impl.h"
#include "util/err.h"

static void set_verdict(envoi_smime_report *r, envoi_smime_verdict v)
{
    if (v > r->signature)
        r->signature = v;
}

static char *subject_of(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return NULL;
    char *s = NULL;
    if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
        char *p;
        long n = BIO_get_mem_data(b, &p);
        s = n > 0 && p ? strndup(p, (size_t)n) : strdup(""); /* an empty subject is "" */
    }
    BIO_free(b);
    return s;
}

static char *email_of(X509 *x)
{
    STACK_OF(OPENSSL_STRING) *emails = X509_get1_email(x);
    char *e = NULL;
    if (emails && sk_OPENSSL_STRING_num(emails) > 0)
        e = strdup(sk_OPENSSL_STRING_value(emails, 0));
    X509_email_free(emails);
    return e;
}

static int note_signer(envoi_smime_report *r, X509 *x)
{
    if (r->signer_subject || !x)
        return 0;
    r->signer_subject = subject_of(x);
    r->signer_email = email_of(x);
    return r->signer_subject ? 0 : ENVOI_ENOMEM;
}

static X509_STORE *trust_store(envoi_smime *s)
{
    X509_STORE *st = X509_STORE_new();
    if (!st)
        return NULL;
    int ok = s->ca_file ? X509_STORE_load_file(st, s->ca_file) : X509_STORE_set_default_paths(st);
    if (!ok) {
        X509_STORE_free(st);
        return NULL;
    }
    return st;
}

/* The chain of one signer: 1 trusted, 0 not (reason noted), <0 failure. */
static int check_chain(smime_layer_ctx *c, X509 *signer, STACK_OF(X509) * untrusted)
{
    X509_STORE *st = trust_store(c->s);
    if (!st) {
        ERR_clear_error();
        return smime_report_reason(c->report, "the trusted certificates cannot be loaded (%s)",
                                   c->s->ca_file ? c->s->ca_file : "system store") < 0
                   ? ENVOI_ENOMEM
                   : 0;
    }
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int rc = -1;
    if (ctx && X509_STORE_CTX_init(ctx, st, signer, untrusted) == 1 &&
        X509_STORE_CTX_set_default(ctx, "smime_sign") == 1) {
        if (c->s->have_time)
            X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), c->s->when);
        if (X509_verify_cert(ctx) == 1) {
            rc = 1;
        } else {
            int e = X509_STORE_CTX_get_error(ctx);
            rc = smime_report_reason(c->report, "the signer's certificate is not trusted: %s",
                                     X509_verify_cert_error_string(e));
        }
    } else {
        rc = ENVOI_ENOMEM;
    }
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    return rc;
}

static int append_bio(BIO *b, envoi_buf *out)
{
    char *p;
    long n = BIO_get_mem_data(b, &p);
    return n > 0 ? envoi_buf_append(out, p, (size_t)n) : 0;
}

/* The encapsulated content of opaque signed-data, whatever the verdict. */
static int append_econtent(CMS_ContentInfo *cms, envoi_buf *out)
{
    ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
    if (!pos || !*pos)
        return 0;
    return envoi_buf_append(out, ASN1_STRING_get0_data(*pos), (size_t)ASN1_STRING_length(*pos));
}

static int check_signers(smime_layer_ctx *c, CMS_ContentInfo *cms)
{
    STACK_OF(X509) *signers = CMS_get0_signers(cms);
    STACK_OF(X509) *certs = CMS_get1_certs(cms);
    int rc = 0;
    bool trusted = signers && sk_X509_num(signers) > 0;
    for (int i = 0; rc >= 0 && signers && i < sk_X509_num(signers); i++) {
        X509 *x = sk_X509_value(signers, i);
        rc = note_signer(c->report, x);
        if (rc == 0)
            rc = check_chain(c, x, certs);
        if (rc == 0)
            trusted = false;
    }
    sk_X509_pop_free(certs, X509_free);
    sk_X509_free(signers);
    if (rc < 0)
        return envoi_err_set(&c->s->err, ENVOI_ENOMEM, "out of memory");
    set_verdict(c->report, trusted ? ENVOI_SMIME_VALID : ENVOI_SMIME_UNTRUSTED);
    return 0;
}

/* The detached content as a buffering filter over a memory BIO. Not a bare
 * memory BIO: OpenSSL 3.0's CMS_verify copies one, with CMS_BINARY, and
 * leaks the copy when the signed-data cannot be set up (an empty
 * digestAlgorithms set, for one); any other BIO type is read in place. */
static BIO *detached_content(const char *detached, size_t dlen)
{
    BIO *mem = BIO_new_mem_buf(detached, (int)dlen);
    BIO *buffer = mem ? BIO_new(BIO_f_buffer()) : NULL;
    if (!buffer) {
        BIO_free(mem);
        return NULL;
    }
    return BIO_push(buffer, mem);
}

int smime_verify_layer(smime_layer_ctx *c, CMS_ContentInfo *cms, const char *detached, size_t dlen,
                       envoi_buf *inner)
{
    BIO *dcont = detached ? detached_content(detached, dlen) : NULL;
    BIO *out = inner ? BIO_new(BIO_s_mem()) : NULL;
    if ((detached && !dcont) || (inner && !out)) {
        BIO_free_all(dcont);
        BIO_free(out);
        return envoi_err_set(&c->s->err, ENVOI_ENOMEM, "out of memory");
    }
    if (!detached && !CMS_get0_content(cms)) {
        BIO_free(out);
        return envoi_err_set(&c->s->err, ENVOI_EFORMAT,
                             "signed-data without content and without a detached part");
    }
    CMS_set1_signers_certs(cms, NULL, 0);
    ERR_clear_error();
    int ok = CMS_verify(cms, NULL, NULL, dcont, out, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY);
    int rc = 0;
    if (ok == 1) {
        rc = check_signers(c, cms);
        if (rc == 0 && inner && append_bio(out, inner) < 0)
            rc = envoi_err_set(&c->s->err, ENVOI_ENOMEM, "out of memory");
    } else {
        unsigned long e = ERR_peek_last_error();
        char why[256] = "unknown reason";
        if (e)
            ERR_error_string_n(e, why, sizeof why);
        ERR_clear_error();
        STACK_OF(X509) *signers = CMS_get0_signers(cms);
        if (signers && sk_X509_num(signers) > 0)
            rc = note_signer(c->report, sk_X509_value(signers, 0));
        sk_X509_free(signers);
        set_verdict(c->report, ENVOI_SMIME_BAD);
        if (rc == 0)
            rc = smime_report_reason(c->report, "the signature does not verify: %s", why);
        if (rc == 0 && inner)
            rc = append_econtent(cms, inner);
        if (rc < 0)
            rc = envoi_err_set(&c->s->err, ENVOI_ENOMEM, "out of memory");
    }
    ERR_clear_error();
    BIO_free_all(dcont);
    BIO_free(out);
    return rc;
}
