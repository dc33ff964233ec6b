/* "envoi dkim sign|verify ...": picks the subcommand, and the overview
 * help of both. */
#include "cli/dkim.h"

#include <string.h>
#include <sysexits.h>

#include "cli/dkim_verify.h"
#include "cli/help.h"
#include "cli/report.h"

void cli_help_dkim(FILE *out)
{
    fputs("Usage: envoi dkim sign [FILE|-] --domain DOMAIN --selector SELECTOR --key PEM\n"
          "                       [OPTIONS]\n"
          "       envoi dkim verify FILE...|- [OPTIONS]\n"
          "\n"
          "DKIM (RFC 6376, RFC 8463): sign a message with a domain's key, or verify the\n"
          "signatures of received messages.\n"
          "\n"
          "Subcommands:\n"
          "  sign     print the message with a DKIM-Signature field put first\n"
          "  verify   print one verdict per signature (pass, fail, neutral, temperror,\n"
          "           permerror)\n"
          "\n"
          "'envoi dkim sign --help' and 'envoi dkim verify --help' show their options.\n"
          "See envoi-dkim(1).\n",
          out);
}

int cli_dkim_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2) {
        cli_report(err, "dkim", "no subcommand given: sign or verify");
        cli_help_hint(err, "dkim");
        return EX_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "sign") == 0)
        return cli_dkim_sign_main(argc - 1, argv + 1, out, err);
    if (strcmp(sub, "verify") == 0)
        return cli_dkim_verify_main(argc - 1, argv + 1, out, err);
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        cli_help_dkim(out);
        return EX_OK;
    }
    cli_report(err, "dkim", "unknown subcommand '%s': expected sign or verify", sub);
    cli_help_hint(err, "dkim");
    return EX_USAGE;
}
