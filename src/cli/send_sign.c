/* The DKIM signer and S/MIME settings of "envoi send" and envoid, and the
 * outgoing source made with them (see send_sign.h). */
#include "cli/send_sign.h"

#include <stdlib.h>
#include <string.h>

#include "cli/compose.h"
#include "envoi/smtp.h"
#include "util/err.h"

int cli_dkim_signer_load(const char *domain, const char *selector, const char *key,
                         const char *where, envoi_dkim_signer **out, envoi_error *err)
{
    *out = NULL;
    if (!domain && !selector && !key)
        return 0;
    envoi_dkim_signer *k = envoi_dkim_signer_new();
    if (!k)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (envoi_dkim_signer_set_key_file(k, domain, selector, key) < 0) {
        const envoi_error *e = envoi_dkim_signer_error(k);
        envoi_err_set(err, ENVOI_ECONFIG, "%s: DKIM signing as d=%s, s=%s: %s", where, domain,
                      selector, e->text[0] ? e->text : envoi_strerror(e->code));
        envoi_dkim_signer_free(k);
        return ENVOI_ECONFIG;
    }
    *out = k;
    return 0;
}

/* The first of the three that is missing, NULL when none is. */
static const char *missing_dkim(const char *domain, const char *selector, const char *key)
{
    return !domain ? "domain" : !selector ? "selector" : !key ? "key" : NULL;
}

int cli_dkim_signer_from_account(const envoi_account *acc, envoi_dkim_signer **out,
                                 envoi_error *err)
{
    *out = NULL;
    const char *d = acc->dkim_domain, *s = acc->dkim_selector, *k = acc->dkim_key;
    if (!d && !s && !k)
        return 0;
    const char *missing = missing_dkim(d, s, k);
    if (missing)
        return envoi_err_set(err, ENVOI_ECONFIG,
                             "[account %s]: dkim-%s is missing (dkim-domain, dkim-selector and "
                             "dkim-key go together)",
                             acc->name ? acc->name : "", missing);
    envoi_buf where = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&where, "[account %s]", acc->name ? acc->name : "") < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int rc = cli_dkim_signer_load(d, s, k, where.data, out, err);
    envoi_buf_free(&where);
    return rc;
}

static int usage(envoi_buf *why, const char *text)
{
    return envoi_buf_append_str(why, text) < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

/* The options win over the account; an option given needs the other two,
 * from the command line or the account. */
static int setup_dkim(cli_signing *g, const cli_send_args *a, const envoi_account *acc,
                      envoi_buf *why, envoi_error *err)
{
    if (!a->dkim_domain && !a->dkim_selector && !a->dkim_key)
        return acc ? cli_dkim_signer_from_account(acc, &g->dkim, err) : 0;
    const char *d = a->dkim_domain ? a->dkim_domain : acc ? acc->dkim_domain : NULL;
    const char *s = a->dkim_selector ? a->dkim_selector : acc ? acc->dkim_selector : NULL;
    const char *k = a->dkim_key ? a->dkim_key : acc ? acc->dkim_key : NULL;
    const char *missing = missing_dkim(d, s, k);
    if (missing) {
        int rc = envoi_buf_printf(why,
                                  "--dkim-%s is missing: --dkim-domain, --dkim-selector and "
                                  "--dkim-key go together",
                                  missing);
        return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
    }
    return cli_dkim_signer_load(d, s, k, "--dkim-key", &g->dkim, err);
}

static int smime_failed(cli_signing *g, const char *what, const char *path, envoi_error *err)
{
    const envoi_error *e = envoi_smime_error(g->smime);
    int code = e->code == ENVOI_ENOMEM ? ENVOI_ENOMEM : ENVOI_ECONFIG;
    return envoi_err_set(err, code, "%s %s: %s", what, path,
                         e->text[0] ? e->text : envoi_strerror(e->code));
}

static int setup_smime(cli_signing *g, const cli_send_args *a, const envoi_account *acc,
                       envoi_buf *why, envoi_error *err)
{
    g->smime_sign = a->smime_sign;
    g->smime_encrypt = a->smime_encrypt_to.count > 0;
    if (!g->smime_sign && !g->smime_encrypt)
        return 0;
    const char *cert = a->smime_cert ? a->smime_cert : acc ? acc->smime_cert : NULL;
    const char *key = a->smime_cert ? a->smime_key : acc ? acc->smime_key : NULL;
    if (g->smime_sign && !cert)
        return usage(why, "--smime-sign needs a certificate: --smime-cert, or smime-cert in the "
                          "account");
    if (!(g->smime = envoi_smime_new()))
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (a->smime_cipher && envoi_smime_set_cipher(g->smime, a->smime_cipher) < 0) {
        int rc = envoi_buf_printf(why,
                                  "--smime-cipher: '%s' is not aes-256-gcm, aes-128-gcm, "
                                  "aes-256-cbc or aes-128-cbc",
                                  a->smime_cipher);
        return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
    }
    if (cert && envoi_smime_set_signer_files(g->smime, cert, key) < 0)
        return smime_failed(g, "S/MIME certificate", cert, err);
    for (size_t i = 0; i < a->smime_encrypt_to.count; i++)
        if (envoi_smime_add_recipient_file(g->smime, a->smime_encrypt_to.items[i]) < 0)
            return smime_failed(g, "--smime-encrypt-to", a->smime_encrypt_to.items[i], err);
    return 0;
}

int cli_signing_setup(cli_signing *g, const cli_send_args *a, const envoi_account *acc,
                      envoi_buf *why, envoi_error *err)
{
    memset(g, 0, sizeof *g);
    int rc = setup_smime(g, a, acc, why, err);
    return rc != 0 ? rc : setup_dkim(g, a, acc, why, err);
}

void cli_signing_free(cli_signing *g)
{
    envoi_dkim_signer_free(g->dkim);
    envoi_smime_free(g->smime);
    memset(g, 0, sizeof *g);
}

int cli_signing_smime(cli_signing *g, const void *source, size_t len, envoi_buf *out,
                      envoi_error *err)
{
    char *res = NULL;
    size_t n = 0;
    int rc = g->smime_sign && g->smime_encrypt
                 ? envoi_smime_sign_encrypt(g->smime, source, len, 0, &res, &n)
             : g->smime_sign ? envoi_smime_sign(g->smime, source, len, 0, &res, &n)
                             : envoi_smime_encrypt(g->smime, source, len, &res, &n);
    if (rc < 0) {
        const envoi_error *e = envoi_smime_error(g->smime);
        return envoi_err_set(err, rc, "S/MIME: %s", e->text[0] ? e->text : envoi_strerror(rc));
    }
    rc = envoi_buf_append(out, res, n);
    free(res);
    return rc < 0 ? envoi_err_set(err, ENVOI_ENOMEM, "out of memory") : 0;
}

/* The session's submitter that keeps the source it is given. */
static int keep_source(void *ctx, const void *data, size_t len, const char *from,
                       const char *const *rcpts, size_t nrcpts, char id[ENVOI_SMTP_ID_SIZE],
                       envoi_error *err)
{
    (void)from;
    (void)rcpts;
    (void)nrcpts;
    id[0] = '\0';
    if (envoi_buf_append(ctx, data, len) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

int cli_signing_dkim(cli_signing *g, const void *source, size_t len, envoi_buf *out,
                     envoi_error *err)
{
    envoi_smtp *s = envoi_smtp_new();
    if (!s)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    envoi_smtp_set_submitter(s, keep_source, out);
    envoi_smtp_set_dkim(s, g->dkim);
    int rc = envoi_smtp_send_data(s, source, len, "", NULL, 0);
    if (rc < 0)
        *err = *envoi_smtp_error(s);
    envoi_smtp_free(s);
    return rc;
}

static int append_out(void *ctx, const void *data, size_t len)
{
    return envoi_buf_append(ctx, data, len);
}

/* The source as it is: the message serialized, or the file read. */
static int read_source(envoi_message *msg, const char *raw_path, envoi_buf *out, envoi_error *err)
{
    if (raw_path)
        return cli_read_file(raw_path, out, err);
    int rc = envoi_message_write(msg, append_out, out);
    if (rc < 0)
        envoi_err_set(err, rc, "writing the message: %s",
                      envoi_message_error(msg)->text[0] ? envoi_message_error(msg)->text
                                                        : envoi_strerror(rc));
    return rc;
}

int cli_signing_prepare(cli_signing *g, envoi_message *msg, const char *raw_path, envoi_buf *out,
                        envoi_error *err)
{
    envoi_buf src = ENVOI_BUF_INIT;
    int rc = read_source(msg, raw_path, &src, err);
    if (rc == 0 && g->smime)
        rc = cli_signing_smime(g, src.data ? src.data : "", src.len, out, err);
    else if (rc == 0 && envoi_buf_append(out, src.data ? src.data : "", src.len) < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    envoi_buf_free(&src);
    return rc;
}

int cli_signing_final(cli_signing *g, envoi_message *msg, const char *raw_path,
                      const envoi_buf *prepared, envoi_buf *out, envoi_error *err)
{
    envoi_buf src = ENVOI_BUF_INIT;
    int rc = 0;
    if (!prepared) {
        rc = cli_signing_prepare(g, msg, raw_path, &src, err);
        prepared = &src;
    }
    const char *data = prepared->data ? prepared->data : "";
    if (rc == 0 && g->dkim)
        rc = cli_signing_dkim(g, data, prepared->len, out, err);
    else if (rc == 0 && envoi_buf_append(out, data, prepared->len) < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    envoi_buf_free(&src);
    return rc;
}

int cli_message_rcpts(const envoi_message *msg, const char ***rcpts, size_t *n)
{
    *n = envoi_message_recipient_count(msg);
    *rcpts = calloc(*n ? *n : 1, sizeof **rcpts);
    if (!*rcpts)
        return ENVOI_ENOMEM;
    for (size_t i = 0; i < *n; i++)
        (*rcpts)[i] = envoi_message_recipient(msg, i);
    return 0;
}
