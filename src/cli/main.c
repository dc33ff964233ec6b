/* envoi: the command line. Picks the subcommand; each one lives in its own
 * file and maps its options onto the library. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/extract.h"
#include "cli/fetch.h"
#include "cli/folders.h"
#include "cli/help.h"
#include "cli/list.h"
#include "cli/parse.h"
#include "cli/report.h"
#include "cli/send.h"
#include "cli/store_cmd.h"
#include "envoi.h"

static int show_help(int argc, char **argv)
{
    if (argc < 2) {
        cli_help_main(stdout);
        return EX_OK;
    }
    if (strcmp(argv[1], "send") == 0) {
        cli_help_send(stdout);
        return EX_OK;
    }
    if (strcmp(argv[1], "parse") == 0) {
        cli_help_parse(stdout);
        return EX_OK;
    }
    if (strcmp(argv[1], "extract") == 0) {
        cli_help_extract(stdout);
        return EX_OK;
    }
    if (strcmp(argv[1], "list") == 0) {
        cli_help_list(stdout);
        return EX_OK;
    }
    if (strcmp(argv[1], "fetch") == 0) {
        cli_help_fetch(stdout);
        return EX_OK;
    }
    if (strcmp(argv[1], "store") == 0) {
        cli_help_store(stdout);
        return EX_OK;
    }
    if (strcmp(argv[1], "folders") == 0) {
        cli_help_folders(stdout);
        return EX_OK;
    }
    cli_report(stderr, "help", "no command '%s'", argv[1]);
    cli_help_hint(stderr, NULL);
    return EX_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_report(stderr, NULL, "no command given");
        cli_help_hint(stderr, NULL);
        return EX_USAGE;
    }
    const char *command = argv[1];
    if (strcmp(command, "--version") == 0 || strcmp(command, "version") == 0) {
        printf("envoi %s\n", envoi_version());
        return EX_OK;
    }
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0)
        return show_help(1, argv);
    if (strcmp(command, "help") == 0)
        return show_help(argc - 1, argv + 1);
    if (envoi_init() < 0) {
        cli_report(stderr, NULL, "the library could not be initialized (OpenSSL)");
        return EX_SOFTWARE;
    }
    if (strcmp(command, "send") == 0)
        return cli_send_main(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(command, "parse") == 0)
        return cli_parse_main(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(command, "extract") == 0)
        return cli_extract_main(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(command, "list") == 0)
        return cli_list_main(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(command, "fetch") == 0)
        return cli_fetch_main(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(command, "store") == 0)
        return cli_store_main(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(command, "folders") == 0)
        return cli_folders_main(argc - 1, argv + 1, stdout, stderr);
    if (command[0] == '-')
        cli_report(stderr, NULL, "unknown option '%s'", command);
    else
        cli_report(stderr, NULL, "unknown command '%s'", command);
    cli_help_hint(stderr, NULL);
    return EX_USAGE;
}
