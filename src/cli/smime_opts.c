/* "envoi smime" options: parsed once for every action, checked against
 * what the action takes, then handed to the library's handle. */
#include "cli/smime_opts.h"

#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/report.h"
#include "cli/secret_source.h"
#include "util/buf.h"

/* "BEFORE" + ARG + "AFTER" as a usage error. */
static int usage(smime_opts *o, const char *before, const char *arg, const char *after)
{
    return cli_usage_error(o->errout, "smime", "%s%s%s", before, arg ? arg : "", after);
}

static int add_file(smime_opts *o, const char **list, size_t *n, const char *path,
                    const char *option)
{
    if (*n >= SMIME_CLI_MAX_FILES)
        return usage(o, "", option, ": too many files (at most 32)");
    list[(*n)++] = path;
    return EX_OK;
}

static int take_option(smime_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'c':
        o->cert = arg;
        break;
    case 'k':
        o->key = arg;
        break;
    case 'p':
        o->pkcs12 = arg;
        break;
    case 'P':
        o->password_file = arg;
        break;
    case 'C':
        return add_file(o, o->chain, &o->nchain, arg, "--chain");
    case 't':
        return add_file(o, o->to, &o->nto, arg, "--to-cert");
    case 'x':
        o->cipher = arg;
        break;
    case 'a':
        o->ca_file = arg;
        break;
    case 'o':
        o->output = arg;
        break;
    case 'O':
        o->opaque = true;
        break;
    case 'n':
        o->no_self = true;
        break;
    case 'j':
        o->json = true;
        break;
    case 'h':
        o->help = true;
        break;
    default:
        break;
    }
    return EX_OK;
}

/* What each action takes beyond the common --output and FILE. */
static int check_action(smime_opts *o)
{
    bool signs = o->action == SMIME_SIGN || o->action == SMIME_SIGN_ENCRYPT;
    bool encrypts = o->action == SMIME_ENCRYPT || o->action == SMIME_SIGN_ENCRYPT;
    bool reads = o->action == SMIME_VERIFY || o->action == SMIME_DECRYPT;
    if (o->cert && o->pkcs12)
        return usage(o, "--cert and --pkcs12: give one of them", NULL, "");
    if (o->key && !o->cert)
        return usage(o, "--key needs --cert", NULL, "");
    if (o->password_file && !o->pkcs12)
        return usage(o, "--password-file goes with --pkcs12", NULL, "");
    if (signs && !o->cert && !o->pkcs12)
        return usage(o,
                     "signing needs our certificate and key: --cert F [--key F] or "
                     "--pkcs12 F",
                     NULL, "");
    if (o->action == SMIME_DECRYPT && !o->cert && !o->pkcs12)
        return usage(o,
                     "decrypting needs our certificate and key: --cert F [--key F] or "
                     "--pkcs12 F",
                     NULL, "");
    if (encrypts && o->nto == 0)
        return usage(o, "encrypting needs the recipients' certificates: --to-cert F", NULL, "");
    if (!signs && (o->opaque || o->nchain))
        return usage(o, "--opaque and --chain are for signing", NULL, "");
    if (!encrypts && (o->nto || o->cipher || o->no_self))
        return usage(o, "--to-cert, --cipher and --no-encrypt-to-self are for encrypting", NULL,
                     "");
    if (!reads && (o->ca_file || o->json))
        return usage(o, "--ca-file and --json are for verify and decrypt", NULL, "");
    return EX_OK;
}

int smime_parse_options(smime_opts *o, int argc, char **argv)
{
    static const struct option options[] = {
        {"cert", required_argument, NULL, 'c'},
        {"key", required_argument, NULL, 'k'},
        {"pkcs12", required_argument, NULL, 'p'},
        {"password-file", required_argument, NULL, 'P'},
        {"chain", required_argument, NULL, 'C'},
        {"to-cert", required_argument, NULL, 't'},
        {"cipher", required_argument, NULL, 'x'},
        {"ca-file", required_argument, NULL, 'a'},
        {"output", required_argument, NULL, 'o'},
        {"opaque", no_argument, NULL, 'O'},
        {"no-encrypt-to-self", no_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
        if (c == ':')
            return usage(o, "option '", argv[optind - 1], "' needs a value");
        if (c == '?')
            return usage(o, "unknown option '", argv[optind - 1], "'");
        int status = take_option(o, c, optarg);
        if (status != EX_OK)
            return status;
    }
    if (o->help)
        return EX_OK;
    if (optind < argc)
        o->input = argv[optind++];
    if (optind < argc)
        return usage(o, "unexpected argument '", argv[optind], "': give one message file (or -)");
    return check_action(o);
}

/* A library failure on one option's file: said, and its exit status. */
static int fail(const smime_opts *o, envoi_smime *s)
{
    const envoi_error *err = envoi_smime_error(s);
    cli_report(o->errout, "smime", "%s", err->text);
    return cli_exit_for_code(err->code);
}

static int load_pkcs12(const smime_opts *o, envoi_smime *s)
{
    envoi_buf pw = ENVOI_BUF_INIT;
    if (o->password_file) {
        envoi_error err = {0};
        bool others = false;
        if (cli_secret_from_file(o->password_file, &pw, &others, &err) < 0) {
            envoi_buf_wipe_free(&pw);
            cli_report(o->errout, "smime", "--password-file: %s", err.text);
            return cli_exit_for_code(err.code);
        }
        if (others) {
            envoi_buf_wipe_free(&pw);
            cli_report(o->errout, "smime",
                       "%s: its group or others may read it: refused; chmod 600 it",
                       o->password_file);
            return EX_NOINPUT;
        }
    }
    int rc = envoi_smime_set_signer_pkcs12(s, o->pkcs12, pw.data ? pw.data : "");
    envoi_buf_wipe_free(&pw);
    return rc < 0 ? fail(o, s) : EX_OK;
}

int smime_configure(const smime_opts *o, envoi_smime *s)
{
    /* Encrypting needs no key: our certificate is one more recipient. */
    if (o->cert && o->action == SMIME_ENCRYPT && !o->key) {
        if (!o->no_self && envoi_smime_add_recipient_file(s, o->cert) < 0)
            return fail(o, s);
    } else if (o->cert && envoi_smime_set_signer_files(s, o->cert, o->key) < 0) {
        return fail(o, s);
    }
    if (o->pkcs12) {
        int status = load_pkcs12(o, s);
        if (status != EX_OK)
            return status;
    }
    for (size_t i = 0; i < o->nchain; i++)
        if (envoi_smime_add_chain_file(s, o->chain[i]) < 0)
            return fail(o, s);
    for (size_t i = 0; i < o->nto; i++)
        if (envoi_smime_add_recipient_file(s, o->to[i]) < 0)
            return fail(o, s);
    if (o->cipher && envoi_smime_set_cipher(s, o->cipher) < 0) {
        cli_report(o->errout, "smime", "--cipher: %s", envoi_smime_error(s)->text);
        return EX_USAGE;
    }
    if (o->no_self)
        envoi_smime_set_encrypt_to_self(s, false);
    if (o->ca_file && envoi_smime_set_ca_file(s, o->ca_file) < 0)
        return fail(o, s);
    return EX_OK;
}
