/* "envoi queue": list and inspect the messages envoid holds, retry or cancel
 * one, pause or resume submissions, show the counts; over envoid's API. */
#ifndef ENVOI_CLI_QUEUE_H
#define ENVOI_CLI_QUEUE_H

#include <stdio.h>

/* Run "envoi queue"; argv[0] is "queue". Results go to out, errors to
 * errout. Returns the exit status (sysexits.h). */
int cli_queue_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
