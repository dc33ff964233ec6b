/* envoi: the command line. Picks the subcommand; each one lives in its own
 * file and maps its options onto the library. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/extract.h"
#include "cli/fetch.h"
#include "cli/flag.h"
#include "cli/folders.h"
#include "cli/check_address.h"
#include "cli/dkim.h"
#include "cli/help.h"
#include "cli/list.h"
#include "cli/mailto.h"
#include "cli/move.h"
#include "cli/parse.h"
#include "cli/queue.h"
#include "cli/report.h"
#include "cli/send.h"
#include "cli/sendmail.h"
#include "cli/smime.h"
#include "cli/store_cmd.h"
#include "cli/watch.h"
#include "envoi.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv, FILE *out, FILE *errout);
    void (*help)(FILE *out);
} commands[] = {
    {"send", cli_send_main, cli_help_send},
    {"parse", cli_parse_main, cli_help_parse},
    {"extract", cli_extract_main, cli_help_extract},
    {"list", cli_list_main, cli_help_list},
    {"fetch", cli_fetch_main, cli_help_fetch},
    {"store", cli_store_main, cli_help_store},
    {"folders", cli_folders_main, cli_help_folders},
    {"flag", cli_flag_main, cli_help_flag},
    {"move", cli_move_main, cli_help_move},
    {"watch", cli_watch_main, cli_help_watch},
    {"queue", cli_queue_main, cli_help_queue},
    {"sendmail", cli_sendmail_main, cli_help_sendmail},
    {"check-address", cli_check_address_main, cli_help_check_address},
    {"mailto", cli_mailto_main, cli_help_mailto},
    {"dkim", cli_dkim_main, cli_help_dkim},
    {"smime", cli_smime_main, cli_help_smime},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static int find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int show_help(int argc, char **argv)
{
    if (argc < 2) {
        cli_help_main(stdout);
        return EX_OK;
    }
    int i = find_command(argv[1]);
    if (i >= 0) {
        commands[i].help(stdout);
        return EX_OK;
    }
    cli_report(stderr, "help", "no command '%s'", argv[1]);
    cli_help_hint(stderr, NULL);
    return EX_USAGE;
}

/* Called through a link named "sendmail": that command, argv as it is. */
static bool called_as_sendmail(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    return argv0 && strcmp(slash ? slash + 1 : argv0, "sendmail") == 0;
}

int main(int argc, char **argv)
{
    if (called_as_sendmail(argv[0])) {
        if (envoi_init() < 0) {
            cli_report(stderr, "sendmail", "the library could not be initialized (OpenSSL)");
            return EX_SOFTWARE;
        }
        return cli_sendmail_main(argc, argv, stdout, stderr);
    }
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
    int i = find_command(command);
    if (i >= 0)
        return commands[i].run(argc - 1, argv + 1, stdout, stderr);
    if (command[0] == '-')
        cli_report(stderr, NULL, "unknown option '%s'", command);
    else
        cli_report(stderr, NULL, "unknown command '%s'", command);
    cli_help_hint(stderr, NULL);
    return EX_USAGE;
}
