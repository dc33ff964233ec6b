/* "envoi dkim sign [FILE|-] --domain D --selector S --key PEM ...": the message
 * signed with the options' signer and printed with its DKIM-Signature first. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/dkim.h"
#include "cli/report.h"
#include "envoi/dkim.h"
#include "util/buf.h"

#define COMMAND "dkim sign"

typedef struct sign_args {
    const char *domain;
    const char *selector;
    const char *key;
    const char *algorithm;
    const char *headers;
    const char *identity;
    const char *input; /* NULL or "-": standard input */
    envoi_dkim_canon header_canon;
    envoi_dkim_canon body_canon;
    bool body_length;
    unsigned long expire;
    long long when; /* -1: now */
    bool help;
} sign_args;

enum {
    OPT_DOMAIN = 256,
    OPT_SELECTOR,
    OPT_KEY,
    OPT_ALGORITHM,
    OPT_CANON,
    OPT_HEADERS,
    OPT_IDENTITY,
    OPT_BODY_LENGTH,
    OPT_EXPIRE,
    OPT_TIME,
};

static const struct option long_options[] = {
    {"domain", required_argument, NULL, OPT_DOMAIN},
    {"selector", required_argument, NULL, OPT_SELECTOR},
    {"key", required_argument, NULL, OPT_KEY},
    {"algorithm", required_argument, NULL, OPT_ALGORITHM},
    {"canonicalization", required_argument, NULL, OPT_CANON},
    {"headers", required_argument, NULL, OPT_HEADERS},
    {"identity", required_argument, NULL, OPT_IDENTITY},
    {"body-length", no_argument, NULL, OPT_BODY_LENGTH},
    {"expire", required_argument, NULL, OPT_EXPIRE},
    {"time", required_argument, NULL, OPT_TIME},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void cli_help_dkim_sign(FILE *out)
{
    fputs("Usage: envoi dkim sign [FILE|-] --domain DOMAIN --selector SELECTOR --key PEM\n"
          "                       [OPTIONS]\n"
          "\n"
          "Sign a message (FILE, or standard input when FILE is '-' or absent) with\n"
          "DKIM (RFC 6376) and print it with its DKIM-Signature field put first; the\n"
          "message itself is printed unchanged. An RSA key (1024 bits at least, 2048\n"
          "recommended) signs rsa-sha256, an Ed25519 key ed25519-sha256 (RFC 8463).\n"
          "\n"
          "Options:\n"
          "  --domain DOMAIN        the signing domain (d=); UTF-8 is turned into A-labels\n"
          "  --selector SELECTOR    the selector (s=): the key record is published at\n"
          "                         SELECTOR._domainkey.DOMAIN\n"
          "  --key PEM              the private key, a PEM file readable by its owner\n"
          "                         only (PKCS#8 or traditional RSA, not encrypted)\n"
          "  --algorithm ALG        check that the key signs ALG: rsa-sha256 or\n"
          "                         ed25519-sha256\n"
          "  --canonicalization HEADER/BODY\n"
          "                         relaxed or simple for each (default relaxed/relaxed);\n"
          "                         one word sets both\n"
          "  --headers LIST         header fields to sign, colon-separated; a name listed\n"
          "                         twice is over-signed (one more entry than the\n"
          "                         message has, so a field added later breaks the\n"
          "                         signature); names the message lacks are left out;\n"
          "                         From must be listed. Default:\n"
          "                         " ENVOI_DKIM_DEFAULT_HEADERS "\n"
          "  --identity IDENTITY    i=: [LOCAL]@DOMAIN, DOMAIN being --domain or a\n"
          "                         subdomain of it\n"
          "  --body-length          add l= (the signed body length): anyone may then\n"
          "                         append to the body without breaking the signature\n"
          "  --expire SECONDS       add x=: the signature expires SECONDS after t=\n"
          "  --time T               t= (seconds since 1970) instead of now\n"
          "  -h, --help             show this help\n"
          "\n"
          "Examples:\n"
          "  envoi dkim sign message.eml --domain example.org --selector mail \\\n"
          "      --key /etc/envoi/dkim/mail.pem > signed.eml\n"
          "  envoi send --dry-run ... | envoi dkim sign --domain example.org \\\n"
          "      --selector ed --key ed25519.pem --canonicalization relaxed/simple\n"
          "\n"
          "Exit status (sysexits.h):\n"
          "  0   the signed message was printed\n"
          "  64  usage error: unknown option, missing or bad value\n"
          "  65  the message cannot be signed: no From field, or several\n"
          "  66  FILE cannot be read\n"
          "  74  the output could not be written\n"
          "  78  the key: unreadable, readable by group or others, not RSA (>= 1024\n"
          "      bits) or Ed25519, or not the --algorithm asked for\n",
          out);
}

static int parse_canon_word(const char *s, size_t len, envoi_dkim_canon *out)
{
    if (len == 7 && strncmp(s, "relaxed", 7) == 0)
        *out = ENVOI_DKIM_RELAXED;
    else if (len == 6 && strncmp(s, "simple", 6) == 0)
        *out = ENVOI_DKIM_SIMPLE;
    else
        return -1;
    return 0;
}

static int parse_canon(const char *value, sign_args *a)
{
    const char *slash = strchr(value, '/');
    if (!slash) {
        if (parse_canon_word(value, strlen(value), &a->header_canon) < 0)
            return -1;
        a->body_canon = a->header_canon;
        return 0;
    }
    if (parse_canon_word(value, (size_t)(slash - value), &a->header_canon) < 0)
        return -1;
    return parse_canon_word(slash + 1, strlen(slash + 1), &a->body_canon);
}

/* A decimal number up to max. */
static int parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s))
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int apply_option(sign_args *a, int opt, const char *value, FILE *err)
{
    unsigned long long n = 0;
    switch (opt) {
    case OPT_DOMAIN:
        a->domain = value;
        return 0;
    case OPT_SELECTOR:
        a->selector = value;
        return 0;
    case OPT_KEY:
        a->key = value;
        return 0;
    case OPT_ALGORITHM:
        if (strcmp(value, "rsa-sha256") != 0 && strcmp(value, "ed25519-sha256") != 0)
            return cli_usage_error(err, COMMAND,
                                   "--algorithm %s: expected rsa-sha256 or ed25519-sha256", value);
        a->algorithm = value;
        return 0;
    case OPT_CANON:
        if (parse_canon(value, a) < 0)
            return cli_usage_error(err, COMMAND,
                                   "--canonicalization %s: expected relaxed or simple, or "
                                   "HEADER/BODY such as relaxed/simple",
                                   value);
        return 0;
    case OPT_HEADERS:
        a->headers = value;
        return 0;
    case OPT_IDENTITY:
        a->identity = value;
        return 0;
    case OPT_BODY_LENGTH:
        a->body_length = true;
        return 0;
    case OPT_EXPIRE:
        if (parse_number(value, 100ULL * 366 * 86400, &n) < 0 || n == 0)
            return cli_usage_error(err, COMMAND,
                                   "--expire %s: expected seconds, more than 0 (at most 100 "
                                   "years)",
                                   value);
        a->expire = (unsigned long)n;
        return 0;
    case OPT_TIME:
        if (parse_number(value, 253402300799ULL, &n) < 0)
            return cli_usage_error(
                err, COMMAND, "--time %s: expected seconds since 1970 (a whole number)", value);
        a->when = (long long)n;
        return 0;
    case 'h':
        a->help = true;
        return 0;
    default:
        return cli_usage_error(err, COMMAND, "%s", "bad option");
    }
}

static int report_bad_option(int ret, char **argv, FILE *err)
{
    const char *token = argv[optind - 1];
    size_t len = strcspn(token, "=");
    int shown = (int)(len < 60 ? len : 60);
    if (ret == ':')
        return cli_usage_error(err, COMMAND, "option '%s' needs a value", token);
    if (optopt >= OPT_DOMAIN)
        return cli_usage_error(err, COMMAND, "option '%.*s' takes no value", shown, token);
    return cli_usage_error(err, COMMAND, "unknown option '%.*s'", shown, token);
}

static int check_required(const sign_args *a, FILE *err)
{
    if (!a->domain)
        return cli_usage_error(err, COMMAND, "%s", "--domain is required (the signing domain)");
    if (!a->selector)
        return cli_usage_error(err, COMMAND, "%s", "--selector is required");
    if (!a->key)
        return cli_usage_error(err, COMMAND, "%s", "--key is required (a PEM private key file)");
    return 0;
}

static int parse_args(sign_args *a, int argc, char **argv, FILE *err)
{
    memset(a, 0, sizeof *a);
    a->when = -1;
    optind = 0;
    opterr = 0;
    int ret;
    while ((ret = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        if (ret == '?' || ret == ':')
            return report_bad_option(ret, argv, err);
        int rc = apply_option(a, ret, optarg, err);
        if (rc != 0)
            return rc;
    }
    if (a->help)
        return 0;
    if (optind < argc)
        a->input = argv[optind++];
    if (optind < argc)
        return cli_usage_error(err, COMMAND, "one message at a time: '%s' is one too many",
                               argv[optind]);
    return check_required(a, err);
}

static int read_stream(FILE *in, envoi_buf *out)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (envoi_buf_append(out, chunk, n) < 0) {
            errno = ENOMEM;
            return -1;
        }
    return ferror(in) ? -1 : 0;
}

/* The message into msg; an exit status (0: read). */
static int read_message(const char *path, envoi_buf *msg, FILE *err)
{
    bool use_stdin = !path || strcmp(path, "-") == 0;
    FILE *in = use_stdin ? stdin : fopen(path, "rb");
    if (!in) {
        cli_report(err, COMMAND, "%s: %s", path, strerror(errno));
        return EX_NOINPUT;
    }
    int rc = read_stream(in, msg);
    int saved = errno;
    if (!use_stdin)
        fclose(in);
    if (rc < 0) {
        cli_report(err, COMMAND, "%s: %s", use_stdin ? "standard input" : path, strerror(saved));
        return saved == ENOMEM ? EX_OSERR : EX_NOINPUT;
    }
    if (msg->len == 0) {
        cli_report(err, COMMAND, "%s: empty message", use_stdin ? "standard input" : path);
        return EX_DATAERR;
    }
    return 0;
}

/* The options onto k; an exit status (0: ready). */
static int configure(envoi_dkim_signer *k, const sign_args *a, FILE *err)
{
    int rc = envoi_dkim_signer_set_key_file(k, a->domain, a->selector, a->key);
    if (rc == ENVOI_EINVAL)
        return cli_usage_error(err, COMMAND, "%s", envoi_dkim_signer_error(k)->text);
    if (rc < 0) {
        cli_report(err, COMMAND, "%s", envoi_dkim_signer_error(k)->text);
        return rc == ENVOI_ENOMEM ? EX_OSERR : EX_CONFIG;
    }
    const char *alg = envoi_dkim_signer_algorithm(k);
    if (a->algorithm && strcmp(a->algorithm, alg) != 0) {
        cli_report(err, COMMAND, "%s: the key signs %s, not %s", a->key, alg, a->algorithm);
        return EX_CONFIG;
    }
    if (envoi_dkim_signer_set_canonicalization(k, a->header_canon, a->body_canon) < 0 ||
        (a->headers && envoi_dkim_signer_set_headers(k, a->headers) < 0) ||
        (a->identity && envoi_dkim_signer_set_identity(k, a->identity) < 0))
        return cli_usage_error(err, COMMAND, "%s", envoi_dkim_signer_error(k)->text);
    envoi_dkim_signer_set_body_length(k, a->body_length);
    envoi_dkim_signer_set_expiry(k, a->expire);
    envoi_dkim_signer_set_time(k, a->when < 0 ? (time_t)-1 : (time_t)a->when);
    return 0;
}

/* A message whose first line ends with a bare LF gets the field with bare
 * LFs too, so its line ends stay alike. */
static bool uses_bare_lf(const envoi_buf *msg)
{
    const char *lf = memchr(msg->data, '\n', msg->len);
    return lf && (lf == msg->data || lf[-1] != '\r');
}

static int print_signed(const char *field, size_t field_len, const envoi_buf *msg, FILE *out,
                        FILE *err)
{
    if (uses_bare_lf(msg)) {
        for (size_t i = 0; i < field_len; i++)
            if (field[i] != '\r')
                fputc(field[i], out);
    } else {
        fwrite(field, 1, field_len, out);
    }
    fwrite(msg->data, 1, msg->len, out);
    if (fflush(out) != 0 || ferror(out)) {
        cli_report(err, COMMAND, "writing the signed message: %s", strerror(errno));
        return EX_IOERR;
    }
    return EX_OK;
}

static int sign_message(envoi_dkim_signer *k, const envoi_buf *msg, FILE *out, FILE *err)
{
    char *field = NULL;
    size_t field_len = 0;
    int rc = envoi_dkim_sign(k, msg->data, msg->len, &field, &field_len);
    if (rc < 0) {
        cli_report(err, COMMAND, "%s", envoi_dkim_signer_error(k)->text);
        return rc == ENVOI_EINVAL ? EX_DATAERR : rc == ENVOI_ENOMEM ? EX_OSERR : EX_SOFTWARE;
    }
    int status = print_signed(field, field_len, msg, out, err);
    free(field);
    return status;
}

int cli_dkim_sign_main(int argc, char **argv, FILE *out, FILE *err)
{
    sign_args a;
    int status = parse_args(&a, argc, argv, err);
    if (status != 0)
        return status;
    if (a.help) {
        cli_help_dkim_sign(out);
        return EX_OK;
    }
    envoi_dkim_signer *k = envoi_dkim_signer_new();
    if (!k) {
        cli_report(err, COMMAND, "out of memory");
        return EX_OSERR;
    }
    envoi_buf msg = ENVOI_BUF_INIT;
    status = configure(k, &a, err);
    if (status == 0)
        status = read_message(a.input, &msg, err);
    if (status == 0)
        status = sign_message(k, &msg, out, err);
    envoi_buf_free(&msg);
    envoi_dkim_signer_free(k);
    return status;
}
