/* "envoi check-address ADDR... [--level L] [--json] ...": the options onto
 * one address checker, each address (or each line of standard input for
 * "-") checked in turn, and the exit status from the worst verdict. */
#include "cli/check_address.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sysexits.h>

#include "cli/check_address_print.h"
#include "cli/help.h"
#include "cli/report.h"
#include "cli/values.h"
#include "envoi/check.h"
#include "util/buf.h"

#define COMMAND "check-address"

typedef struct check_args {
    envoi_check_level level;
    bool json;
    bool help;
    const char *nameserver;
    int timeout_ms; /* 0: the library's defaults */
    unsigned port;  /* 0: 25 */
    const char *from;
    const char *helo;
} check_args;

/* What the verdicts so far make the exit status. */
typedef struct check_tally {
    size_t checked;
    size_t bad;    /* refused or incorrect syntax */
    size_t failed; /* error: the check could not be completed */
} check_tally;

enum {
    OPT_LEVEL = 256,
    OPT_JSON,
    OPT_NAMESERVER,
    OPT_TIMEOUT,
    OPT_PORT,
    OPT_FROM,
    OPT_HELO,
};

static const struct option long_options[] = {
    {"level", required_argument, NULL, OPT_LEVEL},
    {"json", no_argument, NULL, OPT_JSON},
    {"nameserver", required_argument, NULL, OPT_NAMESERVER},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"port", required_argument, NULL, OPT_PORT},
    {"from", required_argument, NULL, OPT_FROM},
    {"helo", required_argument, NULL, OPT_HELO},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse_level(const char *word, envoi_check_level *out)
{
    static const envoi_check_level levels[] = {ENVOI_CHECK_SYNTAX, ENVOI_CHECK_DOMAIN,
                                               ENVOI_CHECK_SERVER};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(word, envoi_check_level_name(levels[i])) == 0) {
            *out = levels[i];
            return 0;
        }
    return -1;
}

static int apply_option(check_args *a, int opt, const char *value, FILE *errout)
{
    switch (opt) {
    case OPT_LEVEL:
        if (parse_level(value, &a->level) < 0)
            return cli_usage_error(errout, COMMAND, "--level %s: expected syntax, domain or server",
                                   value);
        return 0;
    case OPT_JSON:
        a->json = true;
        return 0;
    case 'h':
        a->help = true;
        return 0;
    case OPT_NAMESERVER:
        a->nameserver = value;
        return 0;
    case OPT_TIMEOUT:
        if (envoi_value_seconds(value, &a->timeout_ms) < 0)
            return cli_usage_error(errout, COMMAND,
                                   "--timeout %s: expected seconds, more than 0 and at most 86400",
                                   value);
        return 0;
    case OPT_PORT:
        if (envoi_value_port(value, &a->port) < 0)
            return cli_usage_error(errout, COMMAND,
                                   "--port %s: expected a port number from 1 to 65535", value);
        return 0;
    case OPT_FROM:
        a->from = value;
        return 0;
    case OPT_HELO:
        a->helo = value;
        return 0;
    default:
        return cli_usage_error(errout, COMMAND, "%s", "bad option");
    }
}

static int report_bad_option(int ret, char **argv, FILE *errout)
{
    const char *token = argv[optind - 1];
    if (ret == ':')
        return cli_usage_error(errout, COMMAND, "option '%s' needs a value", token);
    size_t len = strcspn(token, "=");
    if (optopt >= OPT_LEVEL)
        return cli_usage_error(errout, COMMAND, "option '%.*s' takes no value",
                               (int)(len < 60 ? len : 60), token);
    return cli_usage_error(errout, COMMAND, "unknown option '%.*s'", (int)(len < 60 ? len : 60),
                           token);
}

static int parse_args(check_args *a, int argc, char **argv, FILE *errout)
{
    memset(a, 0, sizeof *a);
    a->level = ENVOI_CHECK_SYNTAX;
    optind = 0;
    opterr = 0;
    int ret;
    while ((ret = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        if (ret == '?' || ret == ':')
            return report_bad_option(ret, argv, errout);
        int rc = apply_option(a, ret, optarg, errout);
        if (rc != 0)
            return rc;
    }
    if (!a->help && optind >= argc)
        return cli_usage_error(errout, COMMAND, "%s",
                               "no address given (give addresses, or '-' to read them, "
                               "one a line, from standard input)");
    return 0;
}

/* The options onto a new checker; a usage error names the bad value. */
static int make_checker(const check_args *a, envoi_checker **out, FILE *errout)
{
    envoi_checker *c = envoi_checker_new();
    if (!c) {
        cli_report(errout, COMMAND, "out of memory");
        return EX_OSERR;
    }
    int status = 0;
    envoi_checker_set_level(c, a->level);
    if (a->nameserver && envoi_checker_set_nameserver(c, a->nameserver) < 0)
        status = cli_usage_error(
            errout, COMMAND, "--nameserver %s: expected IP, IP:PORT or [IPv6]:PORT", a->nameserver);
    else if (a->timeout_ms && (envoi_checker_set_dns_timeout(c, a->timeout_ms) < 0 ||
                               envoi_checker_set_smtp_timeout(c, a->timeout_ms) < 0))
        status = cli_usage_error(errout, COMMAND, "%s", "--timeout: not accepted");
    else if (a->port && envoi_checker_set_smtp_port(c, a->port) < 0)
        status = cli_usage_error(errout, COMMAND, "--port %u: not accepted", a->port);
    else if (a->from && envoi_checker_set_mail_from(c, a->from) < 0)
        status = cli_usage_error(errout, COMMAND, "--from %s: not a valid email address", a->from);
    else if (a->helo && envoi_checker_set_helo_name(c, a->helo) < 0)
        status = cli_usage_error(errout, COMMAND,
                                 "--helo %s: expected a host name (printable, no space)", a->helo);
    if (status != 0) {
        envoi_checker_free(c);
        return status;
    }
    *out = c;
    return 0;
}

/* Check one address, print its verdict and count it. 0 or an ENVOI_E code. */
static int check_one(envoi_checker *c, const char *address, cli_check_printer *p, check_tally *t)
{
    envoi_check_report r;
    int rc = envoi_checker_check(c, address, &r);
    if (rc < 0)
        return rc;
    t->checked++;
    if (r.result == ENVOI_ADDR_ERROR)
        t->failed++;
    else if (r.result != ENVOI_ADDR_VALID)
        t->bad++;
    return cli_check_print(p, address, &r);
}

/* Each line of standard input is an address; blank lines are skipped. */
static int check_stdin(envoi_checker *c, cli_check_printer *p, check_tally *t)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0 && strspn(line, " \t") < (size_t)n)
            rc = check_one(c, line, p, t);
    }
    free(line);
    return rc;
}

static int run_checks(envoi_checker *c, int count, char **addresses, cli_check_printer *p,
                      check_tally *t)
{
    bool stdin_read = false;
    int rc = 0;
    for (int i = 0; rc == 0 && i < count; i++) {
        if (strcmp(addresses[i], "-") != 0) {
            rc = check_one(c, addresses[i], p, t);
        } else if (!stdin_read) {
            stdin_read = true;
            rc = check_stdin(c, p, t);
        }
    }
    return rc;
}

static int exit_status(const check_tally *t)
{
    if (t->failed)
        return EX_TEMPFAIL;
    if (t->bad)
        return EX_DATAERR;
    return EX_OK;
}

int cli_check_address_main(int argc, char **argv, FILE *out, FILE *errout)
{
    check_args a;
    int status = parse_args(&a, argc, argv, errout);
    if (status != 0)
        return status;
    if (a.help) {
        cli_help_check_address(out);
        return EX_OK;
    }
    envoi_checker *c = NULL;
    status = make_checker(&a, &c, errout);
    if (status != 0)
        return status;
    cli_check_printer p;
    check_tally t = {0, 0, 0};
    int rc = cli_check_printer_init(&p, out, a.json);
    if (rc == 0) {
        rc = run_checks(c, argc - optind, argv + optind, &p, &t);
        int done = cli_check_printer_finish(&p);
        if (rc == 0)
            rc = done;
    }
    envoi_checker_free(c);
    if (rc == ENVOI_ENOMEM) {
        cli_report(errout, COMMAND, "out of memory");
        return EX_OSERR;
    }
    if (rc < 0) {
        cli_report(errout, COMMAND, "cannot write the results: %s", envoi_strerror(rc));
        return EX_IOERR;
    }
    return exit_status(&t);
}
