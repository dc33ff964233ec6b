/* Opening a received message: S/MIME layers (multipart/signed,
 * application/pkcs7-mime signed, enveloped or auth-enveloped data) are
 * removed one after the other, outermost first, and the inner content
 * takes their place under the message's own header fields. */
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime/decode.h"
#include "smime/smime_impl.h"
#include "util/base64.h"
#include "util/err.h"
#include "util/qp.h"

typedef enum layer_kind { LAYER_NONE, LAYER_SIGNED, LAYER_PKCS7 } layer_kind;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static layer_kind kind_of(const mime_params *ct)
{
    const char *t = ct->value ? ct->value : "";
    if (strcmp(t, "multipart/signed") == 0)
        return LAYER_SIGNED;
    if (strcmp(t, "application/pkcs7-mime") == 0 || strcmp(t, "application/x-pkcs7-mime") == 0)
        return LAYER_PKCS7;
    const char *name = mime_params_get(ct, "name");
    if (strcmp(t, "application/octet-stream") == 0 && name && ends_with(name, ".p7m"))
        return LAYER_PKCS7;
    return LAYER_NONE;
}

/* The body of an entity, transfer-decoded. */
static int decode_body(const char *e, size_t hend, size_t len, envoi_buf *out)
{
    envoi_buf cte = ENVOI_BUF_INIT;
    int got = smime_header_get(e, hend, "Content-Transfer-Encoding", &cte);
    const char *body = e + hend;
    size_t blen = len - hend;
    int rc = 0;
    if (got == 0 && strcasecmp(cte.data, "base64") == 0) {
        envoi_b64_dec d;
        envoi_b64_dec_init(&d);
        size_t junk = 0;
        bool trunc = false;
        rc = envoi_buf_reserve(out, blen * 3 / 4 + 8);
        if (rc == 0) {
            unsigned char *o = (unsigned char *)out->data + out->len;
            size_t n = envoi_b64_dec_lenient(&d, body, blen, o, &junk);
            n += envoi_b64_dec_lenient_final(&d, o + n, &trunc);
            out->len += n;
            out->data[out->len] = '\0';
        }
    } else if (got == 0 && strcasecmp(cte.data, "quoted-printable") == 0) {
        rc = envoi_qp_decode(body, blen, out);
    } else if (got == ENVOI_ENOMEM) {
        rc = got;
    } else {
        rc = envoi_buf_append(out, body, blen);
    }
    envoi_buf_free(&cte);
    return rc;
}

/* The first two parts of a multipart body: [start, end) of each, the CRLF
 * before a delimiter excluded. false when there are not two. */
static bool two_parts(const char *s, size_t len, const char *b, size_t pos[4])
{
    size_t blen = strlen(b), found = 0, i = 0;
    size_t delim[3];
    while (i < len && found < 3) {
        size_t eol = smime_next_line(s, len, i);
        if (smime_is_delimiter(s, len, i, b, blen))
            delim[found++] = i;
        i = eol;
    }
    if (found < 3)
        return false;
    for (int k = 0; k < 2; k++) {
        pos[2 * k] = smime_next_line(s, len, delim[k]);
        size_t end = delim[k + 1];
        if (end >= pos[2 * k] + 2 && s[end - 2] == '\r')
            end -= 2;
        else if (end >= pos[2 * k] + 1)
            end -= 1;
        pos[2 * k + 1] = end < pos[2 * k] ? pos[2 * k] : end;
    }
    return true;
}

static CMS_ContentInfo *read_cms(const envoi_buf *der)
{
    const unsigned char *p = (const unsigned char *)der->data;
    return der->len ? d2i_CMS_ContentInfo(NULL, &p, (long)der->len) : NULL;
}

/* multipart/signed: verify the second part over the first; the first is
 * the inner entity. */
static int open_signed(smime_layer_ctx *c, const char *body, size_t blen, const mime_params *ct,
                       envoi_buf *inner)
{
    const char *b = mime_params_get(ct, "boundary");
    size_t pos[4];
    if (!b || !b[0] || !two_parts(body, blen, b, pos))
        return envoi_err_set(&c->s->err, ENVOI_EFORMAT,
                             "multipart/signed without its two parts (content and signature)");
    const char *sig = body + pos[2];
    size_t slen = pos[3] - pos[2];
    envoi_buf der = ENVOI_BUF_INIT;
    int rc = decode_body(sig, smime_header_end(sig, slen), slen, &der);
    if (rc < 0) {
        envoi_buf_free(&der);
        return envoi_err_set(&c->s->err, rc, "out of memory");
    }
    CMS_ContentInfo *cms = read_cms(&der);
    envoi_buf_free(&der);
    if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        CMS_ContentInfo_free(cms);
        ERR_clear_error();
        if (c->report->signature < ENVOI_SMIME_BAD)
            c->report->signature = ENVOI_SMIME_BAD;
        rc = smime_report_reason(c->report, "the signature part is not a CMS signed-data "
                                            "structure");
    } else {
        rc = smime_verify_layer(c, cms, body + pos[0], pos[1] - pos[0], NULL);
        CMS_ContentInfo_free(cms);
    }
    if (rc == 0)
        rc = envoi_buf_append(inner, body + pos[0], pos[1] - pos[0]);
    return rc;
}

/* application/pkcs7-mime: opaque signed-data, or encrypted data. */
static int open_pkcs7(smime_layer_ctx *c, const char *e, size_t hend, size_t len, envoi_buf *inner)
{
    envoi_buf der = ENVOI_BUF_INIT;
    int rc = decode_body(e, hend, len, &der);
    if (rc < 0) {
        envoi_buf_free(&der);
        return envoi_err_set(&c->s->err, rc, "out of memory");
    }
    CMS_ContentInfo *cms = read_cms(&der);
    if (!cms) {
        envoi_buf_free(&der);
        return smime_fail_ssl(c->s, ENVOI_EFORMAT, "application/pkcs7-mime: not a CMS structure");
    }
    switch (OBJ_obj2nid(CMS_get0_type(cms))) {
    case NID_pkcs7_signed:
        c->report->opaque = true;
        rc = smime_verify_layer(c, cms, NULL, 0, inner);
        break;
    case NID_pkcs7_enveloped:
    case NID_id_smime_ct_authEnvelopedData:
        rc = smime_decrypt_layer(c, cms, (const unsigned char *)der.data, der.len, inner);
        break;
    default:
        rc = envoi_err_set(&c->s->err, ENVOI_EFORMAT,
                           "application/pkcs7-mime holds CMS content of a type not read here "
                           "(%s)",
                           OBJ_nid2sn(OBJ_obj2nid(CMS_get0_type(cms))));
    }
    CMS_ContentInfo_free(cms);
    envoi_buf_free(&der);
    return rc;
}

/* Remove one layer from entity e into *next (CRLF). *done when e is not
 * an S/MIME structure. */
static int open_layer(smime_layer_ctx *c, const envoi_buf *e, envoi_buf *next, bool *done)
{
    size_t hend = smime_header_end(e->data, e->len);
    envoi_buf v = ENVOI_BUF_INIT, inner = ENVOI_BUF_INIT;
    mime_params ct = {0};
    unsigned defects = 0;
    int rc = smime_header_get(e->data, hend, "Content-Type", &v);
    if (rc == ENVOI_ENOTFOUND) {
        *done = true;
        envoi_buf_free(&v);
        return 0;
    }
    if (rc == 0)
        rc = mime_params_parse(v.data, v.len, &ct, &defects);
    layer_kind kind = rc == 0 ? kind_of(&ct) : LAYER_NONE;
    if (rc < 0)
        rc = envoi_err_set(&c->s->err, rc, "out of memory");
    else if (kind == LAYER_NONE)
        *done = true;
    else if (kind == LAYER_SIGNED)
        rc = open_signed(c, e->data + hend, e->len - hend, &ct, &inner);
    else
        rc = open_pkcs7(c, e->data, hend, e->len, &inner);
    if (rc == 0 && !*done) {
        envoi_buf_clear(next);
        if (smime_crlf(inner.data ? inner.data : "", inner.len, next) < 0)
            rc = envoi_err_set(&c->s->err, ENVOI_ENOMEM, "out of memory");
    }
    mime_params_free(&ct);
    envoi_buf_free(&v);
    envoi_buf_free(&inner);
    return rc;
}

static int finish_report(envoi_smime *s, envoi_smime_report *r)
{
    if (!r->reason && !(r->reason = strdup("")))
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

static int copy_unchanged(envoi_smime *s, const void *source, size_t len, char **out,
                          size_t *out_len)
{
    envoi_buf b = ENVOI_BUF_INIT;
    if (envoi_buf_append(&b, source, len) < 0 || !(*out = envoi_buf_steal(&b, out_len)))
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

int envoi_smime_open(envoi_smime *s, const void *source, size_t len, char **out, size_t *out_len,
                     envoi_smime_report *report)
{
    envoi_err_clear(&s->err);
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!report || !out || (!source && len))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no message or no report given");
    memset(report, 0, sizeof *report);
    if (len > SMIME_MESSAGE_MAX)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "the message is larger than %u bytes",
                             SMIME_MESSAGE_MAX);
    smime_split sp;
    if (smime_split_message(source ? source : "", len, &sp) < 0)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    smime_layer_ctx c = {s, report};
    envoi_buf cur = sp.content, next = ENVOI_BUF_INIT;
    sp.content = (envoi_buf)ENVOI_BUF_INIT;
    int layers = 0, rc = 0;
    bool done = false;
    while (rc == 0 && layers < SMIME_LAYERS_MAX) {
        rc = open_layer(&c, &cur, &next, &done);
        if (rc < 0 || done)
            break;
        envoi_buf t = cur;
        cur = next;
        next = t;
        layers++;
    }
    if (rc == 0 && layers == 0)
        rc = copy_unchanged(s, source ? source : "", len, out, out_len);
    else if (rc == 0 && (rc = smime_finish_message(&sp.outer, &cur, out, out_len)) < 0)
        envoi_err_set(&s->err, rc, "out of memory");
    if (rc == 0 || rc == ENVOI_ECONFIG) {
        int r2 = finish_report(s, report);
        if (r2 < 0)
            rc = r2;
    }
    if (rc < 0 && out && *out) {
        free(*out);
        *out = NULL;
    }
    if (rc < 0 && rc != ENVOI_ECONFIG)
        envoi_smime_report_clear(report);
    envoi_buf_wipe_free(&cur);
    envoi_buf_wipe_free(&next);
    smime_split_free(&sp);
    return rc;
}
