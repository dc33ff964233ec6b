/* Signing and encryption of what "envoi send" and envoid send: the DKIM
 * signer and the S/MIME settings from the options over the account's
 * keys, and the outgoing source made from a message (S/MIME, then DKIM). */
#ifndef ENVOI_CLI_SEND_SIGN_H
#define ENVOI_CLI_SEND_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/account.h"
#include "cli/send_args.h"
#include "envoi/dkim.h"
#include "envoi/error.h"
#include "envoi/message.h"
#include "envoi/smime.h"
#include "util/buf.h"

typedef struct cli_signing {
    envoi_dkim_signer *dkim; /* NULL: no DKIM */
    envoi_smime *smime;      /* NULL: no S/MIME */
    bool smime_sign;
    bool smime_encrypt;
} cli_signing;

/* The DKIM signer for domain, selector and key file; all three NULL: none
 * (*out NULL, 0). Errors are ENVOI_ECONFIG naming what is wrong, prefixed
 * with where ("relay mail", "--dkim-key"...). */
int cli_dkim_signer_load(const char *domain, const char *selector, const char *key,
                         const char *where, envoi_dkim_signer **out, envoi_error *err);
/* The account's dkim-domain, dkim-selector and dkim-key (all or none:
 * ENVOI_ECONFIG naming the missing key). *out NULL when the account signs
 * nothing. */
int cli_dkim_signer_from_account(const envoi_account *acc, envoi_dkim_signer **out,
                                 envoi_error *err);

/* What "envoi send" is asked: options over the account (acc may be NULL).
 * Returns 0; CLI_USAGE with why filled (a DKIM option given without the
 * others, --smime-sign without a certificate, an unknown cipher); or a
 * negative ENVOI_E... code with err filled (ENVOI_ECONFIG for keys and
 * certificates that cannot be used). Free with cli_signing_free. */
int cli_signing_setup(cli_signing *g, const cli_send_args *a, const envoi_account *acc,
                      envoi_buf *why, envoi_error *err);
void cli_signing_free(cli_signing *g);

/* Apply S/MIME (sign, encrypt, or both) to a message source: out gets the
 * new source. 0 or a negative code with err filled. */
int cli_signing_smime(cli_signing *g, const void *source, size_t len, envoi_buf *out,
                      envoi_error *err);
/* The source as the SMTP session sends it with the DKIM signer: the
 * DKIM-Signature field first, line ends made CRLF. 0 or a negative code. */
int cli_signing_dkim(cli_signing *g, const void *source, size_t len, envoi_buf *out,
                     envoi_error *err);

/* The message's source before DKIM: the composed message serialized, or
 * the --raw file (raw_path) read, with S/MIME applied when asked. */
int cli_signing_prepare(cli_signing *g, envoi_message *msg, const char *raw_path, envoi_buf *out,
                        envoi_error *err);
/* The whole outgoing source (for --dry-run and --async): prepared when
 * not NULL, else msg or raw_path as cli_signing_prepare reads them; then
 * DKIM-signed when asked. */
int cli_signing_final(cli_signing *g, envoi_message *msg, const char *raw_path,
                      const envoi_buf *prepared, envoi_buf *out, envoi_error *err);
/* A composed message's envelope recipients (To, Cc, Bcc) as an array
 * pointing into msg (free the array only). 0 or ENVOI_ENOMEM. */
int cli_message_rcpts(const envoi_message *msg, const char ***rcpts, size_t *n);

#endif
