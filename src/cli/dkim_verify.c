/* "envoi dkim verify FILE...|-": each message's DKIM signatures verified
 * (keys given with --key, else looked up in DNS), one verdict per signature
 * printed, and the exit status from the messages without a passing one.
 *
 * Options (for the manual page):
 *   FILE...|-          the messages to check; "-" reads one from standard input
 *   --nameserver ADDR  ask this DNS server for the keys (IP, IP:PORT, [IPv6]:PORT)
 *                      instead of the system's resolver
 *   --timeout S        seconds per DNS query (default 10)
 *   --key SELECTOR._domainkey.DOMAIN=RECORD
 *   --key SELECTOR._domainkey.DOMAIN=@FILE
 *                      use this key record ("v=DKIM1; k=rsa; p=...") for that
 *                      selector and domain instead of DNS; @FILE reads it from a
 *                      file (plain text, or zone-file text whose quoted strings
 *                      are joined); may be repeated
 *   --json             one JSON array: per file {file, pass, signatures: [{result,
 *                      domain, selector, algorithm, identity, reason, testing,
 *                      signed_at}]} ({file, error} for a file that cannot be read)
 *   -h, --help
 * Text output: one line per signature, "FILE: RESULT d=DOMAIN s=SELECTOR
 * a=ALGORITHM[: REASON]" (" (testing key)" when the key says t=y), or
 * "FILE: none: no DKIM-Signature field". RESULT is pass, fail, neutral,
 * temperror or permerror (RFC 8601).
 * Exit status: 0 every message has at least one passing signature; 65 a
 * message has none (and no temperror); 75 a DNS failure (temperror) left a
 * message without a verdict; 64 usage; 66 a file or key file cannot be read. */
#include "cli/dkim_verify.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cli/dkim_verify_print.h"
#include "cli/report.h"
#include "cli/values.h"
#include "envoi/dkim.h"
#include "util/buf.h"

#define COMMAND "dkim verify"

static const char KEY_INFIX[] = "._domainkey.";

typedef struct verify_tally {
    bool unreadable;
    bool temporary; /* a message without a pass had a temperror */
    bool bad;       /* a message without a pass, no temperror */
} verify_tally;

enum {
    OPT_NAMESERVER = 256,
    OPT_TIMEOUT,
    OPT_KEY,
    OPT_JSON,
};

static const struct option long_options[] = {
    {"nameserver", required_argument, NULL, OPT_NAMESERVER},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"key", required_argument, NULL, OPT_KEY},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void print_help(FILE *out)
{
    fputs("Usage: envoi dkim verify FILE...|- [OPTIONS]\n"
          "Verify the DKIM signatures (RFC 6376, RFC 8463) of each message and print one\n"
          "verdict per signature: pass, fail, neutral, temperror or permerror.\n"
          "\n"
          "  --nameserver ADDR  ask this DNS server for keys (IP, IP:PORT, [IPv6]:PORT)\n"
          "  --timeout S        seconds per DNS query (default 10)\n"
          "  --key SELECTOR._domainkey.DOMAIN=RECORD|@FILE\n"
          "                     use this key record instead of DNS (repeatable)\n"
          "  --json             print the verdicts as JSON\n"
          "  -h, --help         show this help\n"
          "\n"
          "Exit status: 0 every message has a passing signature, 65 one has none,\n"
          "75 a DNS failure left a message without a verdict, 64 usage error,\n"
          "66 a file cannot be read.\n",
          out);
}

/* The whole of stream into out. 0 or -1 (errno). */
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

/* A file ("-": standard input) read whole. 0 or -1 with errno. */
static int read_file(const char *path, envoi_buf *out)
{
    if (strcmp(path, "-") == 0)
        return read_stream(stdin, out);
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    int rc = read_stream(in, out);
    int saved = errno;
    fclose(in);
    errno = saved;
    return rc;
}

/* Zone-file text ("name IN TXT ( "v=DKIM1; ..." "..." )"): the quoted
 * strings joined; other text: as it is, line ends and all. */
static int record_text(const envoi_buf *file, envoi_buf *out)
{
    const char *q = memchr(file->data, '"', file->len);
    if (!q)
        return envoi_buf_append(out, file->data, file->len);
    const char *end = file->data + file->len;
    while (q && q < end) {
        const char *close = memchr(q + 1, '"', (size_t)(end - q - 1));
        if (!close)
            return -1;
        if (envoi_buf_append(out, q + 1, (size_t)(close - q - 1)) < 0)
            return ENVOI_ENOMEM;
        q = close + 1 < end ? memchr(close + 1, '"', (size_t)(end - close - 1)) : NULL;
    }
    return envoi_buf_append(out, "", 0);
}

/* --key NAME=RECORD or NAME=@FILE onto the verifier; an exit status. */
static int add_key(envoi_dkim_verifier *v, const char *arg, FILE *err)
{
    const char *eq = strchr(arg, '=');
    const char *infix = eq ? strcasestr(arg, KEY_INFIX) : NULL;
    if (!infix || infix > eq || infix == arg || infix + sizeof KEY_INFIX - 1 >= eq)
        return cli_usage_error(
            err, COMMAND, "--key %s: expected SELECTOR._domainkey.DOMAIN=RECORD or =@FILE", arg);
    char *selector = strndup(arg, (size_t)(infix - arg));
    const char *dstart = infix + sizeof KEY_INFIX - 1;
    char *domain = strndup(dstart, (size_t)(eq - dstart));
    envoi_buf file = ENVOI_BUF_INIT, record = ENVOI_BUF_INIT;
    int status = 0;
    if (!selector || !domain) {
        cli_report(err, COMMAND, "out of memory");
        status = EX_OSERR;
    } else if (eq[1] == '@' && read_file(eq + 2, &file) < 0) {
        cli_report(err, COMMAND, "--key: cannot read %s: %s", eq + 2, strerror(errno));
        status = EX_NOINPUT;
    } else if (eq[1] == '@' && (file.len == 0 || record_text(&file, &record) != 0)) {
        status = cli_usage_error(err, COMMAND, "--key: %s holds no key record", eq + 2);
    } else if (envoi_dkim_verifier_add_key(v, domain, selector,
                                           eq[1] == '@' ? record.data : eq + 1) < 0) {
        status = cli_usage_error(err, COMMAND, "--key %.*s: %s", (int)(eq - arg), arg,
                                 envoi_dkim_verifier_error(v)->text);
    }
    free(selector);
    free(domain);
    envoi_buf_free(&file);
    envoi_buf_free(&record);
    return status;
}

static int apply_option(envoi_dkim_verifier *v, int opt, const char *value, bool *json, FILE *err)
{
    int ms = 0;
    switch (opt) {
    case OPT_NAMESERVER:
        if (envoi_dkim_verifier_set_nameserver(v, value) < 0)
            return cli_usage_error(err, COMMAND,
                                   "--nameserver %s: expected IP, IP:PORT or [IPv6]:PORT", value);
        return 0;
    case OPT_TIMEOUT:
        if (envoi_value_seconds(value, &ms) < 0 || envoi_dkim_verifier_set_timeout(v, ms) < 0)
            return cli_usage_error(err, COMMAND,
                                   "--timeout %s: expected seconds, more than 0 and at most 86400",
                                   value);
        return 0;
    case OPT_KEY:
        return add_key(v, value, err);
    case OPT_JSON:
        *json = true;
        return 0;
    default:
        return cli_usage_error(err, COMMAND, "%s", "bad option");
    }
}

static int report_bad_option(int ret, char **argv, FILE *err)
{
    const char *token = argv[optind - 1];
    int len = (int)strcspn(token, "=");
    if (len > 60)
        len = 60;
    if (ret == ':')
        return cli_usage_error(err, COMMAND, "option '%s' needs a value", token);
    if (optopt >= OPT_NAMESERVER)
        return cli_usage_error(err, COMMAND, "option '%.*s' takes no value", len, token);
    return cli_usage_error(err, COMMAND, "unknown option '%.*s'", len, token);
}

/* Options onto v; *help when asked for. An exit status (0: go on). */
static int parse_args(envoi_dkim_verifier *v, int argc, char **argv, bool *json, bool *help,
                      FILE *err)
{
    optind = 0;
    opterr = 0;
    int ret;
    while ((ret = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        if (ret == '?' || ret == ':')
            return report_bad_option(ret, argv, err);
        if (ret == 'h') {
            *help = true;
            continue;
        }
        int status = apply_option(v, ret, optarg, json, err);
        if (status != 0)
            return status;
    }
    if (!*help && optind >= argc)
        return cli_usage_error(err, COMMAND, "%s",
                               "no message given (give files, or '-' for standard input)");
    return 0;
}

static void count_verdicts(const envoi_dkim_status *st, size_t n, verify_tally *t)
{
    bool pass = false, temp = false;
    for (size_t i = 0; i < n; i++) {
        pass = pass || st[i].result == ENVOI_DKIM_PASS;
        temp = temp || st[i].result == ENVOI_DKIM_TEMPERROR;
    }
    if (!pass && temp)
        t->temporary = true;
    else if (!pass)
        t->bad = true;
}

/* Verify one file and print its verdicts. 0 or an ENVOI_E code (output). */
static int verify_file(envoi_dkim_verifier *v, const char *path, cli_dkim_printer *p,
                       verify_tally *t, FILE *err)
{
    envoi_buf msg = ENVOI_BUF_INIT;
    if (read_file(path, &msg) < 0) {
        const char *why = strerror(errno);
        cli_report(err, COMMAND, "cannot read %s: %s", path, why);
        envoi_buf_free(&msg);
        t->unreadable = true;
        return cli_dkim_print_unreadable(p, path, why);
    }
    envoi_dkim_status *st = NULL;
    size_t n = 0;
    int rc = envoi_dkim_verify(v, msg.data ? msg.data : "", msg.len, &st, &n);
    envoi_buf_free(&msg);
    if (rc < 0)
        return rc;
    count_verdicts(st, n, t);
    rc = cli_dkim_print(p, path, st, n);
    envoi_dkim_status_free(st, n);
    return rc;
}

static int exit_status(const verify_tally *t)
{
    if (t->unreadable)
        return EX_NOINPUT;
    if (t->temporary)
        return EX_TEMPFAIL;
    return t->bad ? EX_DATAERR : EX_OK;
}

static int run(envoi_dkim_verifier *v, int count, char **files, bool json, FILE *out, FILE *err)
{
    cli_dkim_printer p;
    verify_tally t = {false, false, false};
    int rc = cli_dkim_printer_init(&p, out, json);
    bool stdin_read = false;
    for (int i = 0; rc == 0 && i < count; i++) {
        if (strcmp(files[i], "-") == 0 && stdin_read)
            continue;
        stdin_read = stdin_read || strcmp(files[i], "-") == 0;
        rc = verify_file(v, files[i], &p, &t, err);
    }
    int done = cli_dkim_printer_finish(&p);
    if (rc == 0)
        rc = done;
    if (rc == ENVOI_ENOMEM) {
        cli_report(err, COMMAND, "out of memory");
        return EX_OSERR;
    }
    if (rc < 0) {
        cli_report(err, COMMAND, "cannot write the results: %s", envoi_strerror(rc));
        return EX_IOERR;
    }
    return exit_status(&t);
}

int cli_dkim_verify_main(int argc, char **argv, FILE *out, FILE *err)
{
    envoi_dkim_verifier *v = envoi_dkim_verifier_new();
    if (!v) {
        cli_report(err, COMMAND, "out of memory");
        return EX_OSERR;
    }
    bool json = false, help = false;
    int status = parse_args(v, argc, argv, &json, &help, err);
    if (status == 0 && help)
        print_help(out);
    else if (status == 0)
        status = run(v, argc - optind, argv + optind, json, out, err);
    envoi_dkim_verifier_free(v);
    return status;
}
