/* S/MIME internals: the handle, and the pieces the sign, encrypt and open
 * paths share (message splitting, MIME writing, CMS helpers). */
#ifndef ENVOI_SMIME_IMPL_H
#define ENVOI_SMIME_IMPL_H

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "envoi/smime.h"
#include "util/buf.h"

#define SMIME_FILE_MAX (4u * 1024 * 1024) /* largest certificate, key or PKCS#12 file */
#define SMIME_LAYERS_MAX 4
#define SMIME_MESSAGE_MAX (1024u * 1024 * 1024) /* OpenSSL's memory BIOs take an int length */

struct envoi_smime {
    envoi_error err;
    X509 *cert;             /* ours: signs, and decrypts what was sent to us */
    EVP_PKEY *key;          /* its private key */
    STACK_OF(X509) * chain; /* extra certificates sent with signatures */
    STACK_OF(X509) * rcpts; /* certificates to encrypt to */
    const EVP_CIPHER *cipher;
    char *cipher_name;
    bool to_self;
    char *ca_file;
    bool have_time;
    time_t when;
};

/* A message cut in two: the header fields that stay outside, and the
 * content (Content-* fields, an empty line, the body), all with CRLF. */
typedef struct smime_split {
    envoi_buf outer;   /* header fields other than MIME-Version and Content-* */
    envoi_buf content; /* a MIME entity */
} smime_split;

/* Copy src with every bare LF (and bare CR) made CRLF, appended to out. */
int smime_crlf(const char *src, size_t len, envoi_buf *out);
/* Split a message source (any line ends); a content without Content-Type
 * gets "text/plain" with the charset its bytes need. 0 or ENVOI_ENOMEM. */
int smime_split_message(const char *src, size_t len, smime_split *sp);
void smime_split_free(smime_split *sp);
/* Where the line after the one at s[i] starts (len when it is the last). */
size_t smime_next_line(const char *s, size_t len, size_t i);
/* Is the line at s[i] the delimiter "--b" or the close "--b--" of a
 * multipart body (blen: b's length; trailing blanks allowed)? */
bool smime_is_delimiter(const char *s, size_t len, size_t i, const char *b, size_t blen);
/* The end of the header block of a CRLF entity: offset of the body (just
 * past the empty line), or len when there is no empty line. */
size_t smime_header_end(const char *s, size_t len);
/* The unfolded value of the first field called name in the header block
 * s[0..hlen), into out (cleared first). 0 when found, ENVOI_ENOTFOUND or
 * ENVOI_ENOMEM. */
int smime_header_get(const char *s, size_t hlen, const char *name, envoi_buf *out);

/* Re-encode what is not 7bit-safe in a CRLF entity (see seven_bit.c);
 * the result replaces the entity in e. 0 or ENVOI_ENOMEM. */
int smime_make_7bit(envoi_buf *e);

/* Append "Name: value\r\n" lines and base64 of DER with 76-column lines. */
int smime_write_base64(const unsigned char *der, size_t len, envoi_buf *out);
/* An application/pkcs7-mime entity of that smime-type holding der. */
int smime_write_pkcs7_mime(const char *smime_type, const unsigned char *der, size_t dlen,
                           envoi_buf *out);
/* A fresh boundary "----=_envoi_" + random characters, into out (cleared). */
int smime_new_boundary(envoi_buf *out);

/* Our OpenSSL failure as the handle's error: "what: the library's reason".
 * Clears OpenSSL's error queue. Returns code. */
int smime_fail_ssl(envoi_smime *s, int code, const char *what);
/* CMS structure to DER (malloc'd by OpenSSL: OPENSSL_free it). */
int smime_cms_der(envoi_smime *s, CMS_ContentInfo *cms, unsigned char **der, size_t *len);

/* Signing and encrypting a content entity: the entity that replaces it. */
int smime_sign_entity(envoi_smime *s, const char *content, size_t len, bool opaque, envoi_buf *out);
int smime_encrypt_entity(envoi_smime *s, const char *content, size_t len, envoi_buf *out);
/* Outer fields + MIME-Version + entity, handed to the caller. */
int smime_finish_message(const envoi_buf *outer, const envoi_buf *entity, char **out,
                         size_t *out_len);

/* Read a whole file (at most SMIME_FILE_MAX) into out; secret: refuse it
 * when its group or others may read it. ENVOI_EFILE with the file named. */
int smime_read_file(envoi_smime *s, const char *path, bool secret, envoi_buf *out);

/* Opening layers: each takes the current entity and gives the inner one. */
typedef struct smime_layer_ctx {
    envoi_smime *s;
    envoi_smime_report *report;
} smime_layer_ctx;

/* Verify a signature layer. der: the CMS structure; detached: the signed
 * bytes of multipart/signed, or NULL for opaque signed-data (the content is
 * then appended to inner). Sets the report's verdict. 0, ENVOI_EFORMAT,
 * ENVOI_ENOMEM. */
int smime_verify_layer(smime_layer_ctx *c, CMS_ContentInfo *cms, const char *detached, size_t dlen,
                       envoi_buf *inner);
/* Decrypt an (auth)enveloped-data layer into inner. ENVOI_ECONFIG when no
 * key of ours fits. */
int smime_decrypt_layer(smime_layer_ctx *c, CMS_ContentInfo *cms, const unsigned char *der,
                        size_t der_len, envoi_buf *inner);
/* The content cipher named in DER (enveloped or auth-enveloped), as
 * "aes-256-gcm"..., malloc'd; NULL when it cannot be found. */
char *smime_content_cipher(const unsigned char *der, size_t len);
/* Remember a reason in the report when it has none yet. */
int smime_report_reason(envoi_smime_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
