/* The DKIM signer's settings, shared by its setters, the field builder and
 * the signing run. */
#ifndef ENVOI_DKIM_SIGN_H
#define ENVOI_DKIM_SIGN_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <time.h>

#include "dkim/canon.h"
#include "dkim/key.h"
#include "envoi/dkim.h"
#include "util/buf.h"

struct envoi_dkim_signer {
    char *domain;   /* d=, lower-case A-labels */
    char *selector; /* s= */
    EVP_PKEY *key;
    dkim_alg alg;
    envoi_dkim_canon header_canon;
    envoi_dkim_canon body_canon;
    char *headers;  /* lower-case, colon-separated, no blanks; NULL: the default */
    char *identity; /* i= as written in the field (dkim-quoted-printable), or NULL */
    bool body_length;
    unsigned long expiry;
    time_t when; /* (time_t)-1: now */
    envoi_error err;
};

/* What goes into one signature besides the settings. */
typedef struct dkim_sign_facts {
    time_t t;
    const char *bh; /* base64 body hash */
    unsigned long long body_len;
} dkim_sign_facts;

/* The h= list for message header h: each configured name as many times as
 * the message has fields of that name, once more when the name is listed
 * twice (over-signing); names the message lacks are left out. */
int dkim_sign_h_list(const envoi_dkim_signer *k, const dkim_header *h, envoi_buf *out);

/* The DKIM-Signature field up to and including "b=", folded at 78
 * columns; *col receives the column after "b=" for the value's folding. */
int dkim_sign_field_start(const envoi_dkim_signer *k, const dkim_sign_facts *facts,
                          const char *h_list, envoi_buf *out, size_t *col);
/* Append the b= value folded from column col, then CRLF. */
int dkim_sign_field_finish(envoi_buf *out, size_t col, const char *b64, size_t len);

/* Record a signing failure for envoi_dkim_signer_error (per thread: a
 * signer may sign in several threads at once). Returns code. */
int dkim_sign_fail(const envoi_dkim_signer *k, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
