/* Decrypting an enveloped or auth-enveloped data layer with our key, and
 * naming its content cipher for the report. */
#include <ctype.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <stdlib.h>
#include <string.h>

#include "smime/smime_impl.h"
#include "util/err.h"
#include "util/secret.h"

/* Step into (enter) or over the next DER element; false on anything else
 * than what is expected, or an indefinite length that cannot be skipped. */
static bool der_step(const unsigned char **p, const unsigned char *end, int want_tag,
                     int want_class, bool enter)
{
    const unsigned char *q = *p;
    long len = 0;
    int tag = 0, cls = 0;
    int r = ASN1_get_object(&q, &len, &tag, &cls, end - *p);
    if (r & 0x80)
        return false;
    if (want_tag >= 0 && (tag != want_tag || cls != want_class))
        return false;
    if (enter) {
        *p = q;
        return true;
    }
    if (r == 0x21 || len > end - q)
        return false;
    *p = q + len;
    return true;
}

static char *cipher_name(int nid)
{
    const char *sn = OBJ_nid2sn(nid);
    switch (nid) {
    case NID_aes_128_gcm:
        return strdup("aes-128-gcm");
    case NID_aes_192_gcm:
        return strdup("aes-192-gcm");
    case NID_aes_256_gcm:
        return strdup("aes-256-gcm");
    default:
        break;
    }
    if (!sn)
        return NULL;
    char *s = strdup(sn);
    for (char *c = s; c && *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return s;
}

char *smime_content_cipher(const unsigned char *der, size_t len)
{
    const unsigned char *p = der, *end = der + len;
    /* ContentInfo { contentType, [0] { (Auth)EnvelopedData { version,
     * [0] originatorInfo OPTIONAL, recipientInfos, EncryptedContentInfo {
     * contentType, contentEncryptionAlgorithm { algorithm ... */
    if (!der_step(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true) ||
        !der_step(&p, end, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, false) ||
        !der_step(&p, end, 0, V_ASN1_CONTEXT_SPECIFIC, true) ||
        !der_step(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true) ||
        !der_step(&p, end, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, false))
        return NULL;
    const unsigned char *q = p;
    if (der_step(&q, end, 0, V_ASN1_CONTEXT_SPECIFIC, false))
        p = q;
    if (!der_step(&p, end, V_ASN1_SET, V_ASN1_UNIVERSAL, false) ||
        !der_step(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true) ||
        !der_step(&p, end, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, false) ||
        !der_step(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, true))
        return NULL;
    ASN1_OBJECT *oid = d2i_ASN1_OBJECT(NULL, &p, end - p);
    if (!oid) {
        ERR_clear_error();
        return NULL;
    }
    char *name = cipher_name(OBJ_obj2nid(oid));
    ASN1_OBJECT_free(oid);
    return name;
}

/* Whether one of the recipients is named by our certificate (key
 * transport); key agreement recipients count as possible matches. */
static bool addressed_to(CMS_ContentInfo *cms, X509 *cert)
{
    STACK_OF(CMS_RecipientInfo) *ris = CMS_get0_RecipientInfos(cms);
    for (int i = 0; ris && i < sk_CMS_RecipientInfo_num(ris); i++) {
        CMS_RecipientInfo *ri = sk_CMS_RecipientInfo_value(ris, i);
        int type = CMS_RecipientInfo_type(ri);
        if (type == CMS_RECIPINFO_TRANS && CMS_RecipientInfo_ktri_cert_cmp(ri, cert) == 0)
            return true;
        if (type == CMS_RECIPINFO_AGREE)
            return true;
    }
    return false;
}

int smime_decrypt_layer(smime_layer_ctx *c, CMS_ContentInfo *cms, const unsigned char *der,
                        size_t der_len, envoi_buf *inner)
{
    envoi_smime *s = c->s;
    c->report->encrypted = true;
    if (!c->report->cipher)
        c->report->cipher = smime_content_cipher(der, der_len);
    if (!s->key || !s->cert) {
        smime_report_reason(c->report, "the message is encrypted and no key of ours is set");
        return envoi_err_set(&s->err, ENVOI_ECONFIG,
                             "the message is encrypted: set our certificate and key to read it");
    }
    bool ours = addressed_to(cms, s->cert);
    ERR_clear_error();
    BIO *out = BIO_new(BIO_s_mem());
    if (!out)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    int rc = 0;
    if (CMS_decrypt(cms, s->key, s->cert, NULL, out, CMS_BINARY) != 1) {
        if (ours) {
            rc = smime_fail_ssl(s, ENVOI_EFORMAT,
                                "the message is addressed to our certificate but cannot be "
                                "decrypted (altered or malformed)");
        } else {
            ERR_clear_error();
            smime_report_reason(c->report, "the message is not encrypted to our certificate");
            rc = envoi_err_set(&s->err, ENVOI_ECONFIG,
                               "the message is not encrypted to our certificate: no key of ours "
                               "fits");
        }
    } else {
        char *p;
        long n = BIO_get_mem_data(out, &p);
        c->report->decrypted = true;
        if (n > 0 && envoi_buf_append(inner, p, (size_t)n) < 0)
            rc = envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
        if (n > 0)
            envoi_wipe(p, (size_t)n);
    }
    BIO_free(out);
    return rc;
}
