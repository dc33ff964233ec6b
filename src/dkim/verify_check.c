/* Checking one signature against its key: the body hash over the
 * canonicalized body (l= octets of it when given), then the signature over
 * the canonicalized header fields of h= and the signature field with b=
 * emptied: RSASSA-PKCS1-v1_5 with SHA-256, or Ed25519 over the SHA-256 of
 * that input (RFC 8463). */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <string.h>

#include "dkim/verify.h"

/* The canonicalized body's hash; *total: its length before any l= limit. */
static int hash_body(const void *source, size_t len, size_t offset, const dkim_sig *sig,
                     unsigned char hash[DKIM_HASH_SIZE], unsigned long long *total)
{
    dkim_body *b = dkim_body_new(sig->body_canon, sig->length);
    if (!b)
        return ENVOI_ENOMEM;
    int rc = offset < len ? dkim_body_update(b, (const char *)source + offset, len - offset) : 0;
    if (rc != 0) {
        dkim_body_free(b);
        return rc;
    }
    return dkim_body_finish(b, hash, total);
}

/* The signature field as it was signed: the value of b= (and the white
 * space around it) removed, the line end too. */
static int field_without_b(const dkim_sig *sig, envoi_buf *out)
{
    const dkim_field *f = sig->field;
    const dkim_tag *b = dkim_tags_find(&sig->tags, "b");
    size_t start = sig->value_offset + b->raw_start, end = sig->value_offset + b->raw_end;
    size_t len = f->len;
    while (len > end && (f->raw[len - 1] == '\n' || f->raw[len - 1] == '\r'))
        len--;
    if (envoi_buf_append(out, f->raw, start) < 0 ||
        envoi_buf_append(out, f->raw + end, len - end) < 0)
        return ENVOI_ENOMEM;
    return 0;
}

/* 1 when the signature verifies, 0 when not, ENVOI_ENOMEM. */
static int verify_signature(const dkim_sig *sig, const dkim_keyrec *key, const envoi_buf *input)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return ENVOI_ENOMEM;
    const unsigned char *sigdata = (const unsigned char *)sig->b.data;
    int ok;
    if (sig->alg == DKIM_ALG_RSA_SHA256) {
        ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key->key) == 1 &&
             EVP_DigestVerify(ctx, sigdata, sig->b.len, (const unsigned char *)input->data,
                              input->len) == 1;
    } else {
        unsigned char digest[DKIM_HASH_SIZE];
        unsigned int dlen = 0;
        ok = EVP_Digest(input->data, input->len, digest, &dlen, EVP_sha256(), NULL) == 1 &&
             EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key->key) == 1 &&
             EVP_DigestVerify(ctx, sigdata, sig->b.len, digest, dlen) == 1;
    }
    EVP_MD_CTX_free(ctx);
    ERR_clear_error(); /* a signature that does not verify leaves nothing behind */
    return ok;
}

static int check_header(const dkim_header *h, const dkim_sig *sig, const dkim_keyrec *key,
                        envoi_dkim_status *st)
{
    envoi_buf field = ENVOI_BUF_INIT, input = ENVOI_BUF_INIT;
    int rc = field_without_b(sig, &field);
    if (rc == 0)
        rc = dkim_header_input(h, sig->headers.data, sig->header_canon, field.data, field.len,
                               &input);
    if (rc == 0)
        rc = verify_signature(sig, key, &input);
    if (rc == 0)
        rc = dkim_verdict(st, ENVOI_DKIM_FAIL, "the signature does not verify with the key");
    else if (rc == 1)
        rc = 0;
    envoi_buf_free(&field);
    envoi_buf_free(&input);
    return rc;
}

int dkim_sig_check(const dkim_header *h, const void *source, size_t len, const dkim_sig *sig,
                   const dkim_keyrec *key, envoi_dkim_status *st)
{
    unsigned char hash[DKIM_HASH_SIZE];
    unsigned long long total = 0;
    int rc = hash_body(source, len, h->body_offset, sig, hash, &total);
    if (rc != 0)
        return rc;
    if (sig->length >= 0 && (unsigned long long)sig->length > total)
        return dkim_verdict(st, ENVOI_DKIM_FAIL,
                            "l=%lld is longer than the body (%llu octets canonicalized)",
                            sig->length, total);
    if (CRYPTO_memcmp(hash, sig->bh, DKIM_HASH_SIZE) != 0)
        return dkim_verdict(st, ENVOI_DKIM_FAIL, "body hash mismatch");
    rc = check_header(h, sig, key, st);
    if (rc != 0)
        return rc;
    if (sig->length >= 0 && (unsigned long long)sig->length < total)
        return dkim_verdict(st, ENVOI_DKIM_NEUTRAL, "l= covers only %lld of %llu body octets",
                            sig->length, total);
    return 0;
}
