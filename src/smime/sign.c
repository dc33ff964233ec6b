/* Signing: the content entity becomes multipart/signed (content + detached
 * application/pkcs7-signature) or opaque application/pkcs7-mime
 * signed-data. The content is made 7bit-safe before it is signed. */
#include <openssl/objects.h>
#include <string.h>

#include "smime/smime_impl.h"
#include "util/err.h"

/* micalg parameter (RFC 8551 section 3.5.3.2) of the signature's digest. */
static const char *micalg_of(CMS_ContentInfo *cms)
{
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    X509_ALGOR *dig = NULL;
    if (!sis || sk_CMS_SignerInfo_num(sis) < 1)
        return "sha-256";
    CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(sis, 0), NULL, NULL, &dig, NULL);
    switch (dig ? OBJ_obj2nid(dig->algorithm) : NID_undef) {
    case NID_sha1:
        return "sha-1";
    case NID_sha224:
        return "sha-224";
    case NID_sha384:
        return "sha-384";
    case NID_sha512:
        return "sha-512";
    default:
        return "sha-256";
    }
}

static int write_detached(const char *content, size_t len, const char *micalg,
                          const unsigned char *der, size_t dlen, envoi_buf *out)
{
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = smime_new_boundary(&b);
    if (rc == 0)
        rc = envoi_buf_printf(out,
                              "Content-Type: multipart/signed; protocol=\"application/"
                              "pkcs7-signature\"; micalg=%s;\r\n boundary=\"%s\"\r\n\r\n"
                              "This is an S/MIME signed message.\r\n\r\n--%s\r\n",
                              micalg, b.data, b.data);
    if (rc == 0)
        rc = envoi_buf_append(out, content, len);
    if (rc == 0)
        rc = envoi_buf_printf(out,
                              "\r\n--%s\r\n"
                              "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
                              "Content-Transfer-Encoding: base64\r\n"
                              "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n",
                              b.data);
    if (rc == 0)
        rc = smime_write_base64(der, dlen, out);
    if (rc == 0)
        rc = envoi_buf_printf(out, "\r\n--%s--\r\n", b.data);
    envoi_buf_free(&b);
    return rc;
}

/* application/pkcs7-mime with the DER in base64. */
int smime_write_pkcs7_mime(const char *smime_type, const unsigned char *der, size_t dlen,
                           envoi_buf *out)
{
    int rc = envoi_buf_printf(out,
                              "Content-Type: application/pkcs7-mime; smime-type=%s;\r\n"
                              " name=\"smime.p7m\"\r\n"
                              "Content-Transfer-Encoding: base64\r\n"
                              "Content-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n",
                              smime_type);
    return rc < 0 ? rc : smime_write_base64(der, dlen, out);
}

int smime_sign_entity(envoi_smime *s, const char *content, size_t len, bool opaque, envoi_buf *out)
{
    if (!s->cert || !s->key)
        return envoi_err_set(&s->err, ENVOI_EINVAL,
                             "no signer: set a certificate and its key first");
    BIO *in = BIO_new_mem_buf(content, (int)len);
    if (!in)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    unsigned flags = CMS_BINARY | (opaque ? 0 : CMS_DETACHED);
    CMS_ContentInfo *cms =
        CMS_sign(s->cert, s->key, sk_X509_num(s->chain) > 0 ? s->chain : NULL, in, flags);
    BIO_free(in);
    if (!cms)
        return smime_fail_ssl(s, ENVOI_EFORMAT, "cannot sign");
    unsigned char *der = NULL;
    size_t dlen = 0;
    int rc = smime_cms_der(s, cms, &der, &dlen);
    if (rc == 0) {
        if (opaque)
            rc = smime_write_pkcs7_mime("signed-data", der, dlen, out);
        else
            rc = write_detached(content, len, micalg_of(cms), der, dlen, out);
        if (rc < 0)
            envoi_err_set(&s->err, rc, "out of memory");
    }
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    return rc;
}

/* Split, make 7bit-safe, sign; encrypt too when asked. */
static int transform(envoi_smime *s, const void *source, size_t len, int flags, bool sign,
                     bool encrypt, char **out, size_t *out_len)
{
    envoi_err_clear(&s->err);
    if (!source || !out)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no message given");
    if (len > SMIME_MESSAGE_MAX)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "the message is larger than %u bytes",
                             SMIME_MESSAGE_MAX);
    smime_split sp;
    envoi_buf signed_e = ENVOI_BUF_INIT, enc_e = ENVOI_BUF_INIT;
    int rc = smime_split_message(source, len, &sp);
    if (rc == 0 && sign)
        rc = smime_make_7bit(&sp.content);
    if (rc < 0) {
        smime_split_free(&sp);
        return envoi_err_set(&s->err, rc, "out of memory");
    }
    envoi_buf *cur = &sp.content;
    if (sign) {
        rc = smime_sign_entity(s, cur->data, cur->len, flags & ENVOI_SMIME_OPAQUE, &signed_e);
        cur = &signed_e;
    }
    if (rc == 0 && encrypt) {
        rc = smime_encrypt_entity(s, cur->data, cur->len, &enc_e);
        cur = &enc_e;
    }
    if (rc == 0) {
        rc = smime_finish_message(&sp.outer, cur, out, out_len);
        if (rc < 0)
            envoi_err_set(&s->err, rc, "out of memory");
    }
    envoi_buf_free(&signed_e);
    envoi_buf_wipe_free(&enc_e);
    envoi_buf_wipe_free(&sp.content);
    envoi_buf_free(&sp.outer);
    return rc;
}

int envoi_smime_sign(envoi_smime *s, const void *source, size_t len, int flags, char **out,
                     size_t *out_len)
{
    return transform(s, source, len, flags, true, false, out, out_len);
}

int envoi_smime_encrypt(envoi_smime *s, const void *source, size_t len, char **out, size_t *out_len)
{
    return transform(s, source, len, 0, false, true, out, out_len);
}

int envoi_smime_sign_encrypt(envoi_smime *s, const void *source, size_t len, int flags, char **out,
                             size_t *out_len)
{
    return transform(s, source, len, flags, true, true, out, out_len);
}
