/* Our certificate and key (PEM or PKCS#12), the chain sent with signatures
 * and the recipients' certificates. Key files must be private to their
 * owner; what was read of them is wiped. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smime/smime_impl.h"
#include "util/err.h"
#include "util/fdio.h"

int smime_read_file(envoi_smime *s, const char *path, bool secret, envoi_buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return envoi_err_set(&s->err, ENVOI_EFILE, "%s: not a regular file", path);
    }
    if (secret && (st.st_mode & (S_IRGRP | S_IROTH))) {
        close(fd);
        return envoi_err_set(&s->err, ENVOI_EFILE,
                             "%s: holds a private key but its group or others may read it "
                             "(mode %04o): refused; chmod 600 it",
                             path, (unsigned)(st.st_mode & 07777));
    }
    if ((size_t)st.st_size > SMIME_FILE_MAX) {
        close(fd);
        return envoi_err_set(&s->err, ENVOI_EFILE, "%s: larger than %u bytes", path,
                             SMIME_FILE_MAX);
    }
    if (envoi_buf_reserve(out, (size_t)st.st_size + 1) < 0) {
        close(fd);
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    }
    ssize_t n = envoi_read_full(fd, out->data, (size_t)st.st_size);
    int saved = errno;
    close(fd);
    if (n < 0)
        return envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", path, strerror(saved));
    out->len = (size_t)n;
    out->data[n] = '\0';
    return 0;
}

/* Never ask on a terminal: an encrypted PEM key is refused instead. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

/* Every certificate in a PEM buffer, appended to certs; the count. */
static int read_certs(const envoi_buf *pem, STACK_OF(X509) * certs)
{
    BIO *bio = BIO_new_mem_buf(pem->data, (int)pem->len);
    if (!bio)
        return -1;
    int count = 0;
    X509 *x;
    while ((x = PEM_read_bio_X509(bio, NULL, no_password, NULL))) {
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            break;
        }
        count++;
    }
    ERR_clear_error(); /* the end of the input reads as an error */
    BIO_free(bio);
    return count;
}

static int load_cert_file(envoi_smime *s, const char *path, STACK_OF(X509) * certs)
{
    envoi_buf pem = ENVOI_BUF_INIT;
    int rc = smime_read_file(s, path, false, &pem);
    if (rc < 0)
        return rc;
    int n = read_certs(&pem, certs);
    envoi_buf_free(&pem);
    if (n <= 0)
        return envoi_err_set(&s->err, ENVOI_EFORMAT, "%s: no PEM certificate in it", path);
    return 0;
}

static EVP_PKEY *read_key(const envoi_buf *pem)
{
    BIO *bio = BIO_new_mem_buf(pem->data, (int)pem->len);
    if (!bio)
        return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
    BIO_free(bio);
    return key;
}

/* Take cert, key and extra certificates as ours, after checking they fit. */
static int adopt(envoi_smime *s, X509 *cert, EVP_PKEY *key, STACK_OF(X509) * extra,
                 const char *where)
{
    if (X509_check_private_key(cert, key) != 1) {
        ERR_clear_error();
        X509_free(cert);
        EVP_PKEY_free(key);
        sk_X509_pop_free(extra, X509_free);
        return envoi_err_set(&s->err, ENVOI_ECONFIG,
                             "%s: the private key does not belong to the certificate", where);
    }
    X509_free(s->cert);
    EVP_PKEY_free(s->key);
    s->cert = cert;
    s->key = key;
    while (extra && sk_X509_num(extra) > 0) {
        X509 *x = sk_X509_shift(extra);
        if (!sk_X509_push(s->chain, x))
            X509_free(x);
    }
    sk_X509_free(extra);
    return 0;
}

int envoi_smime_set_signer_files(envoi_smime *s, const char *cert_path, const char *key_path)
{
    if (!cert_path)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no certificate file given");
    const char *kpath = key_path ? key_path : cert_path;
    envoi_buf kpem = ENVOI_BUF_INIT;
    int rc = smime_read_file(s, kpath, true, &kpem);
    if (rc < 0)
        return rc;
    EVP_PKEY *key = read_key(&kpem);
    envoi_buf_wipe_free(&kpem);
    if (!key)
        return smime_fail_ssl(s, ENVOI_EFORMAT,
                              "no usable PEM private key (an encrypted key must be given as "
                              "PKCS#12 with its password)");
    STACK_OF(X509) *certs = sk_X509_new_null();
    if (!certs) {
        EVP_PKEY_free(key);
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    }
    rc = load_cert_file(s, cert_path, certs);
    if (rc < 0) {
        EVP_PKEY_free(key);
        sk_X509_pop_free(certs, X509_free);
        return rc;
    }
    X509 *cert = sk_X509_shift(certs);
    return adopt(s, cert, key, certs, cert_path);
}

int envoi_smime_set_signer_pkcs12(envoi_smime *s, const char *path, const char *password)
{
    if (!path)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no PKCS#12 file given");
    envoi_buf der = ENVOI_BUF_INIT;
    int rc = smime_read_file(s, path, true, &der);
    if (rc < 0)
        return rc;
    const unsigned char *p = (const unsigned char *)der.data;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)der.len);
    envoi_buf_wipe_free(&der);
    if (!p12)
        return smime_fail_ssl(s, ENVOI_EFORMAT, "not a PKCS#12 file");
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *extra = NULL;
    int ok = PKCS12_parse(p12, password ? password : "", &key, &cert, &extra);
    PKCS12_free(p12);
    if (!ok) {
        ERR_clear_error();
        return envoi_err_set(&s->err, ENVOI_ECONFIG,
                             "%s: cannot open the PKCS#12 file: wrong password?", path);
    }
    if (!key || !cert) {
        EVP_PKEY_free(key);
        X509_free(cert);
        sk_X509_pop_free(extra, X509_free);
        return envoi_err_set(&s->err, ENVOI_EFORMAT,
                             "%s: the PKCS#12 file lacks a certificate or its key", path);
    }
    return adopt(s, cert, key, extra, path);
}

int envoi_smime_add_chain_file(envoi_smime *s, const char *path)
{
    return load_cert_file(s, path, s->chain);
}

int envoi_smime_add_recipient_file(envoi_smime *s, const char *path)
{
    return load_cert_file(s, path, s->rcpts);
}
