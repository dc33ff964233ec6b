/* Encrypting: the content entity becomes application/pkcs7-mime with
 * enveloped-data (CBC) or authEnveloped-data (GCM, RFC 5083), readable by
 * each recipient and, unless turned off, by the sender. */
#include <openssl/err.h>

#include "smime/smime_impl.h"
#include "util/err.h"

static bool holds(STACK_OF(X509) * certs, X509 *x)
{
    for (int i = 0; i < sk_X509_num(certs); i++)
        if (X509_cmp(sk_X509_value(certs, i), x) == 0)
            return true;
    return false;
}

/* The recipients, ourselves included when asked (no duplicates). */
static STACK_OF(X509) * recipients(envoi_smime *s)
{
    STACK_OF(X509) *r = sk_X509_dup(s->rcpts);
    if (r && s->to_self && s->cert && !holds(r, s->cert) && !sk_X509_push(r, s->cert)) {
        sk_X509_free(r);
        return NULL;
    }
    return r;
}

int smime_encrypt_entity(envoi_smime *s, const char *content, size_t len, envoi_buf *out)
{
    if (sk_X509_num(s->rcpts) < 1)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no recipient certificate to encrypt to");
    STACK_OF(X509) *r = recipients(s);
    BIO *in = BIO_new_mem_buf(content, (int)len);
    if (!r || !in) {
        sk_X509_free(r);
        BIO_free(in);
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    }
    CMS_ContentInfo *cms = CMS_encrypt(r, in, s->cipher, CMS_BINARY);
    BIO_free(in);
    sk_X509_free(r);
    if (!cms)
        return smime_fail_ssl(s, ENVOI_ECONFIG,
                              "cannot encrypt to these certificates (RSA or EC keys are needed)");
    unsigned char *der = NULL;
    size_t dlen = 0;
    int rc = smime_cms_der(s, cms, &der, &dlen);
    if (rc == 0) {
        bool aead = EVP_CIPHER_get_flags(s->cipher) & EVP_CIPH_FLAG_AEAD_CIPHER;
        rc = smime_write_pkcs7_mime(aead ? "authEnveloped-data" : "enveloped-data", der, dlen, out);
        if (rc < 0)
            envoi_err_set(&s->err, rc, "out of memory");
    }
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    return rc;
}
