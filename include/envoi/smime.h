/* envoi — S/MIME 4.0 (RFC 8551) with OpenSSL's CMS: signing (detached
 * multipart/signed or opaque application/pkcs7-mime), encrypting
 * (enveloped or authenticated-enveloped data), signing then encrypting,
 * and on receipt decrypting and verifying.
 *
 *     envoi_smime *s = envoi_smime_new();
 *     envoi_smime_set_signer_files(s, "me.crt", "me.key");
 *     envoi_smime_add_recipient_file(s, "bob.crt");
 *     char *out; size_t n;
 *     if (envoi_smime_sign_encrypt(s, source, len, 0, &out, &n) < 0)
 *         fprintf(stderr, "%s\n", envoi_smime_error(s)->message);
 *
 * The transforms take a whole message source and give one back: the
 * header fields of the message stay outside (From, To, Subject...), the
 * content (its Content-* fields and body) is what is signed or encrypted,
 * and MIME-Version, Content-Type and Content-Transfer-Encoding outside
 * describe the S/MIME structure. Bare LF line ends are read as CRLF; the
 * output has CRLF line ends. Signed content is made 7bit-safe first
 * (8bit text parts are re-encoded quoted-printable) so that relays cannot
 * break the signature.
 *
 * An envoi_smime belongs to one thread at a time. */
#ifndef ENVOI_SMIME_H
#define ENVOI_SMIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct envoi_smime envoi_smime;

envoi_smime *envoi_smime_new(void);
void envoi_smime_free(envoi_smime *s);
const envoi_error *envoi_smime_error(const envoi_smime *s);

/* Our certificate and private key: to sign, and to decrypt what was sent
 * to us. PEM files (key_path NULL: the key is in cert_path too; extra
 * certificates after the first in cert_path are the chain, sent with
 * signatures), or a PKCS#12 file and its password (NULL or "" for none).
 * Key files readable by group or others are refused (ENVOI_EFILE). A
 * certificate and key that do not match: ENVOI_ECONFIG. */
int envoi_smime_set_signer_files(envoi_smime *s, const char *cert_path, const char *key_path);
int envoi_smime_set_signer_pkcs12(envoi_smime *s, const char *path, const char *password);
/* More certificates to include in signatures (intermediate CAs), PEM. */
int envoi_smime_add_chain_file(envoi_smime *s, const char *path);
/* A recipient's certificate (PEM, one or more in the file) to encrypt to;
 * call once per recipient file. Our own certificate, when set, is added to
 * the recipients so that the sender can read what it sent, unless
 * envoi_smime_set_encrypt_to_self(s, false). */
int envoi_smime_add_recipient_file(envoi_smime *s, const char *path);
int envoi_smime_set_encrypt_to_self(envoi_smime *s, bool on);
/* Content cipher: "aes-256-gcm" (default; authenticated, RFC 5083/5084),
 * "aes-128-gcm", "aes-256-cbc", "aes-128-cbc" (the widest support among
 * older readers). ENVOI_EINVAL for others. */
int envoi_smime_set_cipher(envoi_smime *s, const char *name);
/* Trust for verifying: a CA file (PEM) used instead of the system store;
 * NULL: the system store (OpenSSL's default paths). */
int envoi_smime_set_ca_file(envoi_smime *s, const char *path);
/* Verify as at this time ((time_t)-1: now). */
int envoi_smime_set_time(envoi_smime *s, time_t when);

enum {
    ENVOI_SMIME_OPAQUE = 1 << 0, /* sign as application/pkcs7-mime; smime-type=signed-data
                                    instead of multipart/signed */
};

int envoi_smime_sign(envoi_smime *s, const void *source, size_t len, int flags, char **out,
                     size_t *out_len);
int envoi_smime_encrypt(envoi_smime *s, const void *source, size_t len, char **out,
                        size_t *out_len);
int envoi_smime_sign_encrypt(envoi_smime *s, const void *source, size_t len, int flags, char **out,
                             size_t *out_len);

/* ---- receiving ---- */

typedef enum envoi_smime_verdict {
    ENVOI_SMIME_NONE = 0,      /* not signed */
    ENVOI_SMIME_VALID = 1,     /* signature verifies and the signer's chain is trusted */
    ENVOI_SMIME_UNTRUSTED = 2, /* signature verifies, the chain does not (unknown CA,
                                  expired, wrong key usage): reason says which */
    ENVOI_SMIME_BAD = 3,       /* the content does not match the signature, or the
                                  signature structure is malformed */
} envoi_smime_verdict;

typedef struct envoi_smime_report {
    bool encrypted; /* there was an encryption layer */
    bool decrypted; /* and it was removed */
    envoi_smime_verdict signature;
    bool opaque;          /* the signature was application/pkcs7-mime */
    char *signer_subject; /* the signer certificate's subject, one line (RFC 2253), or NULL */
    char *signer_email;   /* its first email address (subjectAltName or emailAddress), or NULL */
    char *cipher;         /* the content cipher that was used ("aes-256-gcm"...), or NULL */
    char *reason;         /* one sentence when something is not fine, else "" */
} envoi_smime_report;

/* Remove the S/MIME layers of a received message: decrypt (with the
 * signer key as ours), verify (detached or opaque), in whatever order they
 * were applied, up to 4 layers. *out receives the message with the inner
 * content in place of the S/MIME structure (the outer header fields kept),
 * malloc'd; a message with no S/MIME layer comes back unchanged. Returns 0
 * when the layers could be read, whatever the signature verdict (see
 * report); ENVOI_EFORMAT for a malformed structure (also an encryption to our
 * certificate that does not decrypt: a damaged message or GCM tag), ENVOI_ECONFIG when the
 * message is encrypted and no key of ours fits (report->encrypted is then
 * true, decrypted false). Free the report's strings with
 * envoi_smime_report_clear. */
int envoi_smime_open(envoi_smime *s, const void *source, size_t len, char **out, size_t *out_len,
                     envoi_smime_report *report);
void envoi_smime_report_clear(envoi_smime_report *report);
/* "none", "valid", "untrusted", "bad". */
const char *envoi_smime_verdict_name(envoi_smime_verdict v);

#ifdef __cplusplus
}
#endif

#endif
