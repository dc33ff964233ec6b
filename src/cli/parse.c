/* "envoi parse": options, then every input streamed through the parser and
 * each message printed as it ends, so memory stays bounded for any mbox. */
#include "cli/parse.h"

#include <getopt.h>
#include <stdbool.h>
#include <string.h>
#include <sysexits.h>

#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/json_message.h"
#include "cli/parse_collect.h"
#include "cli/parse_input.h"
#include "cli/parse_outline.h"
#include "cli/report.h"

typedef struct parse_run {
    bool json;
    bool help;
    FILE *out;
    size_t printed;
} parse_run;

static int print_message(void *ctx, const cli_message_view *v)
{
    parse_run *r = ctx;
    int rc;
    if (r->json) {
        rc = cli_json_print_message(r->out, v);
    } else {
        rc = r->printed && fputc('\n', r->out) == EOF ? ENVOI_EIO : 0;
        if (rc == 0)
            rc = cli_outline_print(r->out, v);
    }
    r->printed++;
    return rc;
}

static int parse_options(parse_run *r, int argc, char **argv, FILE *errout)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 0; /* glibc: start afresh; options may follow the files */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'j') {
            r->json = true;
        } else if (c == 'h') {
            r->help = true;
        } else {
            cli_report(errout, "parse", "unknown option '%s'", argv[optind - 1]);
            cli_help_hint(errout, "parse");
            return EX_USAGE;
        }
    }
    return EX_OK;
}

static int status_for(int rc)
{
    if (rc == ENVOI_EIO)
        return EX_IOERR;
    return cli_exit_for_code(rc);
}

int cli_parse_main(int argc, char **argv, FILE *out, FILE *errout)
{
    parse_run r = {.out = out};
    int status = parse_options(&r, argc, argv, errout);
    if (status != EX_OK)
        return status;
    if (r.help) {
        cli_help_parse(out);
        return EX_OK;
    }
    char **files = argv + optind;
    int nfiles = argc - optind;
    if (nfiles <= 0) {
        cli_report(errout, "parse", "no file given (use - for standard input)");
        cli_help_hint(errout, "parse");
        return EX_USAGE;
    }
    cli_collector *c = cli_collector_new(print_message, &r);
    if (!c) {
        cli_report(errout, "parse", "out of memory");
        return EX_OSERR;
    }
    envoi_buf why = ENVOI_BUF_INIT;
    for (int i = 0; i < nfiles; i++) {
        int rc = cli_parse_input(files[i], cli_collector_callbacks(), c, &why);
        if (rc == 0 && fflush(out) == EOF)
            rc = ENVOI_EIO;
        if (rc == 0)
            continue;
        if (rc == ENVOI_EFILE && why.data)
            cli_report(errout, "parse", "%s", why.data);
        else if (rc == ENVOI_EIO)
            cli_report(errout, "parse", "cannot write the output");
        else
            cli_report(errout, "parse", "%s: %s", files[i], envoi_strerror(rc));
        if (status == EX_OK)
            status = status_for(rc);
        if (rc != ENVOI_EFILE)
            break; /* the output or memory failed: later files would fail too */
        envoi_buf_clear(&why);
    }
    envoi_buf_free(&why);
    cli_collector_free(c);
    return status;
}
