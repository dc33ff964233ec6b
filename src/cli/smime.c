/* "envoi smime": the action picks a library transform (sign, encrypt,
 * sign-encrypt) or opens a received message (verify, decrypt) and says
 * what its signature is worth. */
#include "cli/smime.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/report.h"
#include "cli/smime_opts.h"
#include "util/buf.h"

#define SMIME_INPUT_MAX (256u * 1024 * 1024)

static const struct {
    const char *name;
    smime_action action;
} actions[] = {
    {"sign", SMIME_SIGN},     {"encrypt", SMIME_ENCRYPT}, {"sign-encrypt", SMIME_SIGN_ENCRYPT},
    {"verify", SMIME_VERIFY}, {"decrypt", SMIME_DECRYPT},
};

static int read_input(const smime_opts *o, envoi_buf *in)
{
    bool std = !o->input || strcmp(o->input, "-") == 0;
    const char *what = std ? "standard input" : o->input;
    FILE *f = std ? stdin : fopen(o->input, "rb");
    if (!f) {
        cli_report(o->errout, "smime", "cannot read %s: %s", what, strerror(errno));
        return EX_NOINPUT;
    }
    char chunk[65536];
    size_t n;
    int status = EX_OK;
    while (status == EX_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (in->len + n > SMIME_INPUT_MAX) {
            cli_report(o->errout, "smime", "%s: larger than %u bytes", what, SMIME_INPUT_MAX);
            status = EX_DATAERR;
        } else if (envoi_buf_append(in, chunk, n) < 0) {
            cli_report(o->errout, "smime", "out of memory");
            status = EX_OSERR;
        }
    }
    if (status == EX_OK && ferror(f)) {
        cli_report(o->errout, "smime", "cannot read %s: %s", what, strerror(errno));
        status = EX_IOERR;
    }
    if (!std)
        fclose(f);
    return status;
}

/* The message to --output FILE or to out. */
static int write_output(const smime_opts *o, const char *data, size_t len)
{
    FILE *f = o->output && strcmp(o->output, "-") != 0 ? fopen(o->output, "wb") : o->out;
    const char *what = f == o->out ? "standard output" : o->output;
    if (!f) {
        cli_report(o->errout, "smime", "cannot write %s: %s", o->output, strerror(errno));
        return EX_CANTCREAT;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (f == o->out ? fflush(f) == 0 : fclose(f) == 0) && ok;
    if (!ok) {
        cli_report(o->errout, "smime", "cannot write %s: %s", what, strerror(errno));
        return EX_IOERR;
    }
    return EX_OK;
}

static int transform(const smime_opts *o, envoi_smime *s, const envoi_buf *in)
{
    char *msg = NULL;
    size_t len = 0;
    int flags = o->opaque ? ENVOI_SMIME_OPAQUE : 0;
    const char *src = in->data ? in->data : "";
    int rc = o->action == SMIME_SIGN ? envoi_smime_sign(s, src, in->len, flags, &msg, &len)
             : o->action == SMIME_ENCRYPT
                 ? envoi_smime_encrypt(s, src, in->len, &msg, &len)
                 : envoi_smime_sign_encrypt(s, src, in->len, flags, &msg, &len);
    if (rc < 0) {
        cli_report(o->errout, "smime", "%s", envoi_smime_error(s)->text);
        return cli_exit_for_code(rc);
    }
    int status = write_output(o, msg, len);
    free(msg);
    return status;
}

static json_t *json_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int print_json(const smime_opts *o, const envoi_smime_report *r)
{
    json_t *j = json_pack(
        "{s:b,s:b,s:s,s:b,s:o,s:o,s:o,s:s}", "encrypted", r->encrypted, "decrypted", r->decrypted,
        "signature", envoi_smime_verdict_name(r->signature), "opaque", r->opaque, "signer_subject",
        json_str(r->signer_subject), "signer_email", json_str(r->signer_email), "cipher",
        json_str(r->cipher), "reason", r->reason ? r->reason : "");
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text) {
        cli_report(o->errout, "smime", "out of memory");
        return EX_OSERR;
    }
    fprintf(o->out, "%s\n", text);
    free(text);
    return fflush(o->out) == 0 ? EX_OK : EX_IOERR;
}

/* One line on what the signature is worth; the exit status it gives. */
static int tell_verdict(const smime_opts *o, const envoi_smime_report *r)
{
    const char *who = r->signer_email ? r->signer_email : "an unknown signer";
    const char *subject = r->signer_subject ? r->signer_subject : "no certificate";
    switch (r->signature) {
    case ENVOI_SMIME_VALID:
        if (!o->json)
            cli_report(o->errout, "smime", "good signature from %s (%s)", who, subject);
        return EX_OK;
    case ENVOI_SMIME_UNTRUSTED:
        cli_report(o->errout, "smime",
                   "the signature matches the content but cannot be trusted: %s (signer %s, "
                   "%s)",
                   r->reason, who, subject);
        return EX_DATAERR;
    case ENVOI_SMIME_BAD:
        cli_report(o->errout, "smime", "BAD signature: %s", r->reason);
        return EX_DATAERR;
    case ENVOI_SMIME_NONE:
    default:
        if (o->action == SMIME_VERIFY) {
            cli_report(o->errout, "smime", "the message is not signed");
            return EX_DATAERR;
        }
        return EX_OK;
    }
}

static int open_message(const smime_opts *o, envoi_smime *s, const envoi_buf *in)
{
    char *msg = NULL;
    size_t len = 0;
    envoi_smime_report r;
    int rc = envoi_smime_open(s, in->data ? in->data : "", in->len, &msg, &len, &r);
    if (rc < 0) {
        cli_report(o->errout, "smime", "%s", envoi_smime_error(s)->text);
        if (rc == ENVOI_ECONFIG && o->json)
            print_json(o, &r);
        envoi_smime_report_clear(&r);
        return cli_exit_for_code(rc);
    }
    int status = EX_OK;
    if (o->action == SMIME_DECRYPT && !r.encrypted) {
        cli_report(o->errout, "smime", "the message is not encrypted");
        status = EX_DATAERR;
    }
    int verdict = tell_verdict(o, &r);
    if (status == EX_OK)
        status = verdict;
    int wrote = EX_OK;
    if (o->json)
        wrote = print_json(o, &r);
    if (wrote == EX_OK && (!o->json || o->output))
        wrote = write_output(o, msg, len);
    free(msg);
    envoi_smime_report_clear(&r);
    return wrote != EX_OK ? wrote : status;
}

int cli_smime_main(int argc, char **argv, FILE *out, FILE *errout)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2)
            return cli_usage_error(errout, "smime",
                                   "give an action: sign, encrypt, sign-encrypt, verify or "
                                   "decrypt");
        cli_help_smime(out);
        return EX_OK;
    }
    smime_opts o = {.out = out, .errout = errout};
    size_t i = 0;
    while (i < sizeof actions / sizeof actions[0] && strcmp(actions[i].name, argv[1]) != 0)
        i++;
    if (i == sizeof actions / sizeof actions[0])
        return cli_usage_error(errout, "smime",
                               "unknown action '%s': sign, encrypt, "
                               "sign-encrypt, verify or decrypt",
                               argv[1]);
    o.action = actions[i].action;
    int status = smime_parse_options(&o, argc - 1, argv + 1);
    if (status != EX_OK || o.help) {
        if (o.help)
            cli_help_smime(out);
        return status;
    }
    if (o.ca_file && access(o.ca_file, R_OK) != 0) {
        cli_report(errout, "smime", "--ca-file %s: %s", o.ca_file, strerror(errno));
        return EX_NOINPUT;
    }
    envoi_smime *s = envoi_smime_new();
    if (!s) {
        cli_report(errout, "smime", "out of memory");
        return EX_OSERR;
    }
    envoi_buf in = ENVOI_BUF_INIT;
    status = smime_configure(&o, s);
    if (status == EX_OK)
        status = read_input(&o, &in);
    if (status == EX_OK)
        status = o.action == SMIME_VERIFY || o.action == SMIME_DECRYPT ? open_message(&o, s, &in)
                                                                       : transform(&o, s, &in);
    envoi_buf_wipe_free(&in);
    envoi_smime_free(s);
    return status;
}
