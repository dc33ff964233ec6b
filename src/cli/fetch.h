/* "envoi fetch": retrieve messages from a POP3 server into a maildir, an
 * mbox file, the mail store, or JSON; delete from the server only what was
 * durably saved. */
#ifndef ENVOI_CLI_FETCH_H
#define ENVOI_CLI_FETCH_H

#include <stdio.h>

/* Messages and bytes (by LIST sizes) per batch: one sync each. */
#define CLI_FETCH_BATCH_MESSAGES 200
#define CLI_FETCH_BATCH_BYTES (8u << 20)

/* argv[0] is "fetch". Returns the exit status. */
int cli_fetch_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
