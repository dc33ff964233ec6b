/* Reading DKIM key records: the tags v=, k=, h=, s=, t= and p= checked and
 * the public key decoded with OpenSSL. */
#include "dkim/keyrec.h"

#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "envoi/error.h"
#include "util/base64.h"

enum { ED25519_KEY_SIZE = 32 };

static int refuse(char why[DKIM_TAGS_WHY_SIZE], const char *text)
{
    snprintf(why, DKIM_TAGS_WHY_SIZE, "%s", text);
    return ENVOI_EFORMAT;
}

static int shown(size_t len)
{
    return (int)(len < 40 ? len : 40);
}

/* v= (first, DKIM1), k=, h=, s= and t=. */
static int read_flags(const dkim_tags *tags, dkim_keyrec *out, char why[DKIM_TAGS_WHY_SIZE])
{
    const dkim_tag *v = dkim_tags_find(tags, "v");
    if (v && (v != &tags->tags[0] || !dkim_tag_is(v, "DKIM1", false)))
        return refuse(why, v != &tags->tags[0] ? "v= is not the first tag of the key record"
                                               : "v= is not DKIM1");
    const dkim_tag *k = dkim_tags_find(tags, "k");
    if (!k || dkim_tag_is(k, "rsa", true)) {
        out->type = DKIM_KEY_RSA;
    } else if (dkim_tag_is(k, "ed25519", true)) {
        out->type = DKIM_KEY_ED25519;
    } else {
        snprintf(why, DKIM_TAGS_WHY_SIZE, "unknown key type k=%.*s", shown(k->value_len), k->value);
        return ENVOI_EFORMAT;
    }
    const dkim_tag *h = dkim_tags_find(tags, "h");
    if (h && !dkim_list_has(h->value, h->value_len, "sha256")) {
        snprintf(why, DKIM_TAGS_WHY_SIZE, "the key is not for SHA-256 (h=%.*s)",
                 shown(h->value_len), h->value);
        return ENVOI_EFORMAT;
    }
    const dkim_tag *s = dkim_tags_find(tags, "s");
    if (s && !dkim_list_has(s->value, s->value_len, "email") &&
        !dkim_list_has(s->value, s->value_len, "*")) {
        snprintf(why, DKIM_TAGS_WHY_SIZE, "the key is not for email (s=%.*s)", shown(s->value_len),
                 s->value);
        return ENVOI_EFORMAT;
    }
    const dkim_tag *t = dkim_tags_find(tags, "t");
    if (t) {
        out->testing = dkim_list_has(t->value, t->value_len, "y");
        out->strict = dkim_list_has(t->value, t->value_len, "s");
    }
    return 0;
}

static int read_rsa(const unsigned char *der, size_t len, dkim_keyrec *out,
                    char why[DKIM_TAGS_WHY_SIZE])
{
    const unsigned char *p = der;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)len);
    if (!key || p != der + len) {
        /* Some records hold a bare RSAPublicKey (PKCS#1) instead. */
        EVP_PKEY_free(key);
        p = der;
        key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
        if (key && p != der + len) {
            EVP_PKEY_free(key);
            key = NULL;
        }
    }
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        return refuse(why, "p= is not an RSA public key");
    }
    out->bits = EVP_PKEY_get_bits(key);
    if (out->bits < DKIM_RSA_MIN_BITS) {
        snprintf(why, DKIM_TAGS_WHY_SIZE, "the RSA key has only %d bits (%d at least)", out->bits,
                 DKIM_RSA_MIN_BITS);
        EVP_PKEY_free(key);
        return ENVOI_EFORMAT;
    }
    out->key = key;
    return 0;
}

static int read_ed25519(const unsigned char *raw, size_t len, dkim_keyrec *out,
                        char why[DKIM_TAGS_WHY_SIZE])
{
    if (len != ED25519_KEY_SIZE)
        return refuse(why, "p= is not an Ed25519 public key (32 bytes)");
    out->key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, len);
    if (!out->key)
        return refuse(why, "p= is not an Ed25519 public key");
    out->bits = 256;
    return 0;
}

/* p=: empty (revoked) or base64 of the key. */
static int read_key(const dkim_tag *p, dkim_keyrec *out, char why[DKIM_TAGS_WHY_SIZE])
{
    envoi_buf text = ENVOI_BUF_INIT, der = ENVOI_BUF_INIT;
    int rc = dkim_tag_compact(p, &text);
    if (rc == 0 && text.len == 0) {
        out->revoked = true;
    } else if (rc == 0) {
        rc = envoi_base64_decode(text.data, text.len, &der);
        if (rc == ENVOI_EINVAL || (rc == 0 && der.len == 0))
            rc = refuse(why, "p= is not base64");
        else if (rc == 0 && out->type == DKIM_KEY_RSA)
            rc = read_rsa((const unsigned char *)der.data, der.len, out, why);
        else if (rc == 0)
            rc = read_ed25519((const unsigned char *)der.data, der.len, out, why);
    }
    envoi_buf_free(&text);
    envoi_buf_free(&der);
    return rc;
}

int dkim_keyrec_parse(const char *text, size_t len, dkim_keyrec *out, char why[DKIM_TAGS_WHY_SIZE])
{
    memset(out, 0, sizeof *out);
    why[0] = '\0';
    dkim_tags tags;
    char tag_why[DKIM_TAGS_WHY_SIZE];
    if (dkim_tags_parse(text, len, &tags, tag_why) < 0) {
        snprintf(why, DKIM_TAGS_WHY_SIZE, "malformed key record: %.130s", tag_why);
        return ENVOI_EFORMAT;
    }
    int rc = read_flags(&tags, out, why);
    if (rc != 0)
        return rc;
    const dkim_tag *p = dkim_tags_find(&tags, "p");
    if (!p)
        return refuse(why, "the key record has no p= tag");
    rc = read_key(p, out, why);
    if (rc != 0)
        dkim_keyrec_free(out);
    return rc;
}

void dkim_keyrec_free(dkim_keyrec *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->key);
    k->key = NULL;
}
