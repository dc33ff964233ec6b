/* Parsing the sendmail command line: clustered flags (-ti), values attached
 * (-ffrom@x) or apart (-f from@x), the -o, -b and -A families, and the
 * options programs pass that mean nothing here, accepted and ignored. */
#include "cli/sendmail_args.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "envoi/smtp.h"

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

/* Letters that stand alone: -t -i -v, and -m -n -U -G (ignored). */
static bool apply_flag(cli_sendmail_args *a, char c)
{
    switch (c) {
    case 't':
        a->extract = true;
        return true;
    case 'i':
        a->ignore_dots = true;
        return true;
    case 'v':
        a->verbose = true;
        return true;
    case 'm': /* send to me too: no aliases here */
    case 'n': /* no aliasing */
    case 'U': /* initial user submission */
    case 'G': /* gateway submission */
        return true;
    default:
        return false;
    }
}

/* Letters that take a value. */
static bool takes_value(char c)
{
    return c && strchr("frFCNRVBLhOX", c) != NULL;
}

static int apply_dsn_ret(cli_sendmail_args *a, const char *value, envoi_buf *why)
{
    if (strcasecmp(value, "full") == 0)
        a->dsn_ret = ENVOI_DSN_RET_FULL;
    else if (strcasecmp(value, "hdrs") == 0)
        a->dsn_ret = ENVOI_DSN_RET_HDRS;
    else
        return usage(why, "-R %s: expected full or hdrs", value);
    return 0;
}

static int apply_from(cli_sendmail_args *a, const char *value)
{
    a->from = strcmp(value, "<>") == 0 ? "" : value;
    return 0;
}

static int apply_value(cli_sendmail_args *a, char c, const char *value, envoi_buf *why)
{
    switch (c) {
    case 'f':
    case 'r': /* the old name of -f */
        return apply_from(a, value);
    case 'F':
        a->full_name = value;
        return 0;
    case 'C':
        a->config = value;
        return 0;
    case 'N':
        a->dsn_notify = cli_parse_dsn_notify(value);
        if (a->dsn_notify < 0)
            return usage(why, "-N %s: expected never or a list of success, failure, delay", value);
        return 0;
    case 'R':
        return apply_dsn_ret(a, value, why);
    case 'V':
        a->envid = value;
        return 0;
    case 'X':
        return usage(why, "-X %s: traffic logging is not supported (use -v)", value);
    default: /* -B body type, -L syslog tag, -h hop count, -O option=value */
        return 0;
    }
}

/* -oX...: processing options. Only -oi means something here. */
static int apply_o(cli_sendmail_args *a, const char *rest, envoi_buf *why)
{
    if (strcmp(rest, "i") == 0) {
        a->ignore_dots = true;
        return 0;
    }
    /* error mode, delivery mode, queue directory, line length, alias file,
       me too, old headers, 7 or 8 bits */
    if (rest[0] && strchr("edQLA", rest[0]))
        return 0;
    if (strcmp(rest, "m") == 0 || strcmp(rest, "o") == 0 || strcmp(rest, "7") == 0 ||
        strcmp(rest, "8") == 0)
        return 0;
    return usage(why, "unknown option '-o%s'", rest);
}

/* -bX: the mode. Only -bm (read a message and send it) is supported. */
static int apply_b(const char *rest, envoi_buf *why)
{
    if (strcmp(rest, "m") == 0)
        return 0;
    return usage(why, "-b%s is not supported: envoi sendmail only sends (-bm)", rest);
}

static int add_recipients(cli_sendmail_args *a, const char *arg, envoi_buf *why)
{
    int rc = cli_split_addresses(arg, &a->rcpts);
    if (rc == CLI_USAGE)
        return usage(why, "recipient '%s': an address in the list is empty", arg);
    return rc;
}

/* One argument starting with '-'; *i moves on when a value is taken. */
static int apply_option(cli_sendmail_args *a, int argc, char **argv, int *i, envoi_buf *why)
{
    const char *arg = argv[*i];
    if (arg[1] == '\0')
        return usage(why, "'-' is not an option (the message is read from standard input)");
    for (size_t pos = 1; arg[pos]; pos++) {
        char c = arg[pos];
        if (apply_flag(a, c))
            continue;
        if (c == 'o')
            return apply_o(a, arg + pos + 1, why);
        if (c == 'b')
            return apply_b(arg + pos + 1, why);
        if (c == 'A') /* -Am, -Ac: which configuration file; there is one */
            return 0;
        if (!takes_value(c))
            return usage(why, "unknown option '-%c'", c);
        const char *value = arg + pos + 1;
        if (*value == '\0') {
            if (*i + 1 >= argc)
                return usage(why, "-%c needs a value", c);
            value = argv[++*i];
        }
        return apply_value(a, c, value, why);
    }
    return 0;
}

static int apply_long(cli_sendmail_args *a, int argc, char **argv, int *i, envoi_buf *why)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "--help") == 0) {
        a->help = true;
        return 0;
    }
    const char **slot = strcmp(arg, "--config") == 0    ? &a->config
                        : strcmp(arg, "--account") == 0 ? &a->account
                                                        : NULL;
    if (!slot)
        return usage(why, "unknown option '%s'", arg);
    if (*i + 1 >= argc)
        return usage(why, "%s needs a value", arg);
    *slot = argv[++*i];
    return 0;
}

int cli_sendmail_args_parse(cli_sendmail_args *a, int argc, char **argv, envoi_buf *why)
{
    memset(a, 0, sizeof *a);
    bool options = true;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int rc;
        if (options && strcmp(arg, "--") == 0) {
            options = false;
            continue;
        }
        if (options && arg[0] == '-' && arg[1] == '-')
            rc = apply_long(a, argc, argv, &i, why);
        else if (options && arg[0] == '-')
            rc = apply_option(a, argc, argv, &i, why);
        else
            rc = add_recipients(a, arg, why);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void cli_sendmail_args_free(cli_sendmail_args *a)
{
    for (size_t i = 0; i < a->rcpts.count; i++)
        free(a->rcpts.items[i]);
    free(a->rcpts.items);
    a->rcpts.items = NULL;
    a->rcpts.count = 0;
}
