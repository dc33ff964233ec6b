/* "envoi list": what is on the server, one line (or JSON object) per
 * message: number, UIDL, size, From, Subject, Date. */
#ifndef ENVOI_CLI_LIST_H
#define ENVOI_CLI_LIST_H

#include <stdio.h>

/* argv[0] is "list". Returns the exit status. */
int cli_list_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
