/* Help texts of the command line. */
#ifndef ENVOI_CLI_HELP_H
#define ENVOI_CLI_HELP_H

#include <stdio.h>

void cli_help_main(FILE *out);
void cli_help_send(FILE *out);
void cli_help_parse(FILE *out);
void cli_help_extract(FILE *out);
void cli_help_list(FILE *out);
void cli_help_fetch(FILE *out);
void cli_help_store(FILE *out);
void cli_help_folders(FILE *out);
void cli_help_flag(FILE *out);
void cli_help_move(FILE *out);
void cli_help_watch(FILE *out);
void cli_help_queue(FILE *out);
void cli_help_sendmail(FILE *out);
void cli_help_check_address(FILE *out);
void cli_help_mailto(FILE *out);
/* "Try 'envoi [COMMAND ]--help'." after a usage error. */
void cli_help_hint(FILE *out, const char *command);

#endif
