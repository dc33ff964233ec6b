/* "envoi watch": wait for new mail in an IMAP folder (IDLE, or NOOP polls)
 * and print it as envoi list does or fetch it as envoi fetch does. */
#ifndef ENVOI_CLI_WATCH_H
#define ENVOI_CLI_WATCH_H

#include <stdio.h>

/* argv[0] is "watch". Returns the exit status (0 after SIGINT or SIGTERM,
 * or after the first batch with --once). */
int cli_watch_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
