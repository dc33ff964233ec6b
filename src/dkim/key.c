/* DKIM private keys: reading PEM files (permissions checked), checking the
 * key kind and size, and signing with OpenSSL's EVP interface. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dkim/key.h"
#include "util/base64.h"
#include "util/err.h"
#include "util/secret.h"

#define KEY_FILE_MAX (64 * 1024)

const char *dkim_alg_name(dkim_alg alg)
{
    return alg == DKIM_ALG_ED25519_SHA256 ? "ed25519-sha256" : "rsa-sha256";
}

static int check_key_file(int fd, const char *path, envoi_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return envoi_err_set(err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return envoi_err_set(err, ENVOI_EFILE, "%s: not a regular file", path);
    if (st.st_mode & (S_IRGRP | S_IROTH))
        return envoi_err_set(err, ENVOI_EFILE,
                             "%s: private key readable by group or others (mode %03o): "
                             "run chmod 600 on it",
                             path, (unsigned)(st.st_mode & 0777));
    if (st.st_size > KEY_FILE_MAX)
        return envoi_err_set(err, ENVOI_EFILE, "%s: too large for a private key", path);
    return 0;
}

static int read_all(int fd, const char *path, envoi_buf *pem, envoi_error *err)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            envoi_wipe(chunk, sizeof chunk);
            return envoi_err_set(err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
        }
        if (n == 0)
            break;
        if (pem->len + (size_t)n > KEY_FILE_MAX || envoi_buf_append(pem, chunk, (size_t)n) < 0) {
            envoi_wipe(chunk, sizeof chunk);
            return envoi_err_set(err, ENVOI_ENOMEM, "%s: too large or out of memory", path);
        }
    }
    envoi_wipe(chunk, sizeof chunk);
    return 0;
}

int dkim_key_read_file(const char *path, envoi_buf *pem, envoi_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return envoi_err_set(err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
    int rc = check_key_file(fd, path, err);
    if (rc == 0)
        rc = read_all(fd, path, pem, err);
    close(fd);
    return rc;
}

/* No passphrase prompt: an encrypted key is refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static int check_kind(EVP_PKEY *key, dkim_alg *alg, envoi_error *err)
{
    if (EVP_PKEY_is_a(key, "ED25519")) {
        *alg = DKIM_ALG_ED25519_SHA256;
        return 0;
    }
    if (EVP_PKEY_is_a(key, "RSA")) {
        int bits = EVP_PKEY_get_bits(key);
        if (bits < 1024)
            return envoi_err_set(err, ENVOI_ECONFIG,
                                 "RSA key of %d bits: DKIM needs 1024 bits at least "
                                 "(2048 recommended)",
                                 bits);
        *alg = DKIM_ALG_RSA_SHA256;
        return 0;
    }
    return envoi_err_set(err, ENVOI_ECONFIG,
                         "a %s key cannot sign DKIM: use an RSA or an Ed25519 key",
                         EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "unknown");
}

int dkim_key_parse(const char *pem, size_t len, EVP_PKEY **key, dkim_alg *alg, envoi_error *err)
{
    *key = NULL;
    if (len > KEY_FILE_MAX)
        return envoi_err_set(err, ENVOI_ECONFIG, "private key too large");
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    BIO_free(bio);
    if (!k) {
        ERR_clear_error();
        return envoi_err_set(err, ENVOI_ECONFIG,
                             "no usable private key: expected an unencrypted PEM private key "
                             "(\"BEGIN PRIVATE KEY\" or \"BEGIN RSA PRIVATE KEY\")");
    }
    int rc = check_kind(k, alg, err);
    if (rc < 0) {
        EVP_PKEY_free(k);
        return rc;
    }
    *key = k;
    return 0;
}

static int sign_bytes(EVP_PKEY *key, const EVP_MD *md, const void *data, size_t len,
                      unsigned char **sig, size_t *sig_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = ENVOI_EFORMAT;
    *sig = NULL;
    if (!ctx)
        return ENVOI_ENOMEM;
    if (EVP_DigestSignInit(ctx, NULL, md, NULL, key) == 1 &&
        EVP_DigestSign(ctx, NULL, sig_len, data, len) == 1) {
        *sig = OPENSSL_malloc(*sig_len);
        if (!*sig)
            rc = ENVOI_ENOMEM;
        else if (EVP_DigestSign(ctx, *sig, sig_len, data, len) == 1)
            rc = 0;
    }
    EVP_MD_CTX_free(ctx);
    if (rc < 0) {
        OPENSSL_free(*sig);
        *sig = NULL;
        ERR_clear_error();
    }
    return rc;
}

int dkim_key_sign(EVP_PKEY *key, dkim_alg alg, const void *input, size_t len, envoi_buf *out)
{
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    int rc;
    if (alg == DKIM_ALG_ED25519_SHA256) {
        unsigned char hash[32];
        unsigned int n = 0;
        if (EVP_Digest(input, len, hash, &n, EVP_sha256(), NULL) != 1)
            return ENVOI_ENOMEM;
        rc = sign_bytes(key, NULL, hash, sizeof hash, &sig, &sig_len);
    } else {
        rc = sign_bytes(key, EVP_sha256(), input, len, &sig, &sig_len);
    }
    if (rc == 0)
        rc = envoi_base64_encode(sig, sig_len, out);
    OPENSSL_free(sig);
    return rc;
}
