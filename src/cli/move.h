/* "envoi move": move (or with --copy, copy) messages of an IMAP folder,
 * picked by UID or by a selection, into another folder. */
#ifndef ENVOI_CLI_MOVE_H
#define ENVOI_CLI_MOVE_H

#include <stdio.h>

/* argv[0] is "move". Returns the exit status. */
int cli_move_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
