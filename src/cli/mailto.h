/* "envoi mailto": build a mailto: URI from recipients, a subject and a body
 * (and hand it to the desktop's mail program), or parse one back. */
#ifndef ENVOI_CLI_MAILTO_H
#define ENVOI_CLI_MAILTO_H

#include <stdio.h>

/* Run "envoi mailto"; argv[0] is "mailto". The URI or the fields (or
 * --json) go to out, messages to errout. Returns the exit status. */
int cli_mailto_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
