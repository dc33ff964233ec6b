/* "envoi mailto": the options become the fields of a mailto: URI, which is
 * printed or handed to the desktop's mail program; --parse reads one back. */
#include "cli/mailto.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/help.h"
#include "cli/mailto_print.h"
#include "cli/report.h"
#include "envoi/mailto.h"
#include "util/buf.h"

typedef struct mailto_run {
    envoi_mailto *m;
    const char *body;
    const char *body_file;
    const char *parse;
    bool open;
    bool json;
    bool help;
    bool fields; /* a field option was given */
    FILE *out;
    FILE *errout;
} mailto_run;

/* "BEFORE'ARG'AFTER" (or BEFORE alone when ARG is NULL), then the hint. */
static int usage(mailto_run *r, const char *before, const char *arg, const char *after)
{
    if (arg)
        cli_report(r->errout, "mailto", "%s'%s'%s", before, arg, after);
    else
        cli_report(r->errout, "mailto", "%s", before);
    cli_help_hint(r->errout, "mailto");
    return EX_USAGE;
}

/* A field refused by the library: what was wrong with which option. */
static int refuse(mailto_run *r, int rc, const char *option)
{
    if (rc == ENVOI_ENOMEM) {
        cli_report(r->errout, "mailto", "out of memory");
        return EX_OSERR;
    }
    if (rc == ENVOI_EHEADER)
        cli_report(r->errout, "mailto",
                   "%s holds a line break (CR or LF): refused, only the body may have one", option);
    else if (strcmp(option, "--header") == 0)
        cli_report(r->errout, "mailto",
                   "--header: the name must be printable ASCII without ':' or spaces, the "
                   "value UTF-8 text without control characters");
    else if (strcmp(option, "--body") == 0 || strcmp(option, "--body-file") == 0)
        cli_report(r->errout, "mailto", "%s: the body must be UTF-8 text without NUL bytes",
                   option);
    else
        cli_report(r->errout, "mailto",
                   "%s: no address, or not UTF-8 text without control characters", option);
    return EX_DATAERR;
}

/* "Name: value" of --header. */
static int add_header(mailto_run *r, const char *arg)
{
    const char *colon = strchr(arg, ':');
    if (!colon || colon == arg)
        return usage(r, "--header ", arg, ": write it as 'Name: value'");
    size_t nlen = (size_t)(colon - arg);
    char *name = strndup(arg, nlen);
    if (!name)
        return refuse(r, ENVOI_ENOMEM, "--header");
    const char *value = colon + 1;
    while (*value == ' ' || *value == '\t')
        value++;
    int rc = envoi_mailto_add_header(r->m, name, value);
    free(name);
    return rc < 0 ? refuse(r, rc, "--header") : EX_OK;
}

static int take_option(mailto_run *r, int c, const char *arg)
{
    int rc = 0;
    const char *option = NULL;
    r->fields = r->fields || (c != 'o' && c != 'j' && c != 'h' && c != 'p');
    switch (c) {
    case 't':
    case 'c':
    case 'b':
        option = c == 't' ? "--to" : c == 'c' ? "--cc" : "--bcc";
        rc = envoi_mailto_add(r->m,
                              c == 't'   ? ENVOI_MAILTO_TO
                              : c == 'c' ? ENVOI_MAILTO_CC
                                         : ENVOI_MAILTO_BCC,
                              arg);
        break;
    case 's':
        option = "--subject";
        rc = envoi_mailto_set_subject(r->m, arg);
        break;
    case 'B':
        r->body = arg;
        break;
    case 'F':
        r->body_file = arg;
        break;
    case 'H':
        return add_header(r, arg);
    case 'p':
        r->parse = arg;
        break;
    case 'o':
        r->open = true;
        break;
    case 'j':
        r->json = true;
        break;
    case 'h':
        r->help = true;
        break;
    }
    return rc < 0 ? refuse(r, rc, option) : EX_OK;
}

static int parse_options(mailto_run *r, int argc, char **argv)
{
    static const struct option options[] = {
        {"to", required_argument, NULL, 't'},     {"cc", required_argument, NULL, 'c'},
        {"bcc", required_argument, NULL, 'b'},    {"subject", required_argument, NULL, 's'},
        {"body", required_argument, NULL, 'B'},   {"body-file", required_argument, NULL, 'F'},
        {"header", required_argument, NULL, 'H'}, {"parse", required_argument, NULL, 'p'},
        {"open", no_argument, NULL, 'o'},         {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == ':')
            return usage(r, "option ", argv[optind - 1], " needs a value");
        if (c == '?')
            return usage(r, "unknown option ", argv[optind - 1], "");
        int status = take_option(r, c, optarg);
        if (status != EX_OK)
            return status;
    }
    if (r->help)
        return EX_OK;
    if (optind < argc)
        return usage(r, "unexpected argument ", argv[optind], " (give addresses with --to)");
    if (r->body && r->body_file)
        return usage(r, "--body and --body-file: give one of them", NULL, NULL);
    if (r->parse && (r->fields || r->body || r->body_file || r->open))
        return usage(r, "--parse URI takes no other option than --json", NULL, NULL);
    if (!r->parse && !r->fields && !r->body && !r->body_file)
        return usage(r,
                     "nothing to put in the URI: give --to, --cc, --bcc, --subject, --body or "
                     "--header (or --parse URI)",
                     NULL, NULL);
    return EX_OK;
}

/* The whole of --body-file (- is standard input), at most a URI's length. */
static int read_body_file(mailto_run *r, envoi_buf *body)
{
    bool from_stdin = strcmp(r->body_file, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(r->body_file, "rb");
    const char *what = from_stdin ? "standard input" : r->body_file;
    if (!f) {
        cli_report(r->errout, "mailto", "cannot read %s: %s", what, strerror(errno));
        return EX_NOINPUT;
    }
    char chunk[8192];
    size_t n;
    int status = EX_OK;
    while (status == EX_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (body->len + n > ENVOI_MAILTO_MAX_LEN) {
            cli_report(r->errout, "mailto", "%s: the body is longer than %zu bytes", what,
                       ENVOI_MAILTO_MAX_LEN);
            status = EX_DATAERR;
        } else if (envoi_buf_append(body, chunk, n) < 0) {
            status = refuse(r, ENVOI_ENOMEM, "--body-file");
        }
    }
    if (status == EX_OK && ferror(f)) {
        cli_report(r->errout, "mailto", "cannot read %s: %s", what, strerror(errno));
        status = EX_IOERR;
    }
    if (!from_stdin)
        fclose(f);
    if (status == EX_OK && memchr(body->data ? body->data : "", '\0', body->len))
        status = refuse(r, ENVOI_EINVAL, "--body-file");
    return status;
}

static int set_body(mailto_run *r)
{
    if (r->body) {
        int rc = envoi_mailto_set_body(r->m, r->body);
        return rc < 0 ? refuse(r, rc, "--body") : EX_OK;
    }
    if (!r->body_file)
        return EX_OK;
    envoi_buf body = ENVOI_BUF_INIT;
    int status = read_body_file(r, &body);
    if (status == EX_OK) {
        int rc = envoi_mailto_set_body(r->m, body.data ? body.data : "");
        status = rc < 0 ? refuse(r, rc, "--body-file") : EX_OK;
    }
    envoi_buf_free(&body);
    return status;
}

static int output_failed(mailto_run *r)
{
    cli_report(r->errout, "mailto", "the output could not be written");
    return EX_IOERR;
}

static int run_parse(mailto_run *r)
{
    envoi_mailto *m = NULL;
    envoi_error err = {0};
    int rc = envoi_mailto_parse(r->parse, strlen(r->parse), &m, &err);
    if (rc < 0) {
        cli_report(r->errout, "mailto", "%s", err.text);
        return rc == ENVOI_ENOMEM ? EX_OSERR : EX_DATAERR;
    }
    int status = cli_mailto_print_fields(r->out, m, r->json) < 0 ? output_failed(r) : EX_OK;
    envoi_mailto_free(m);
    return status;
}

static int run_build(mailto_run *r)
{
    int status = set_body(r);
    if (status != EX_OK)
        return status;
    char *uri = NULL;
    if (envoi_mailto_build(r->m, &uri) < 0)
        return refuse(r, ENVOI_ENOMEM, "mailto");
    envoi_error err = {0};
    int rc = r->open ? envoi_mailto_open(uri, &err) : 0;
    if (rc < 0) {
        cli_report(r->errout, "mailto", "%s", err.text);
        status = rc == ENVOI_EUNSUPPORTED ? EX_UNAVAILABLE
                 : rc == ENVOI_EINVAL     ? EX_DATAERR
                                          : EX_OSERR;
    }
    if (cli_mailto_print_uri(r->out, uri, r->open, r->open && rc == 0, rc < 0 ? err.text : NULL,
                             r->json) < 0 &&
        status == EX_OK)
        status = output_failed(r);
    free(uri);
    return status;
}

int cli_mailto_main(int argc, char **argv, FILE *out, FILE *errout)
{
    mailto_run r = {.out = out, .errout = errout};
    r.m = envoi_mailto_new();
    if (!r.m) {
        cli_report(errout, "mailto", "out of memory");
        return EX_OSERR;
    }
    int status = parse_options(&r, argc, argv);
    if (status == EX_OK && r.help)
        cli_help_mailto(out);
    else if (status == EX_OK)
        status = r.parse ? run_parse(&r) : run_build(&r);
    envoi_mailto_free(r.m);
    return status;
}
