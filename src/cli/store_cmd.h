/* "envoi store search QUERY" and "envoi store show ID": reading the mail
 * store that "envoi fetch --store" fills. */
#ifndef ENVOI_CLI_STORE_CMD_H
#define ENVOI_CLI_STORE_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

typedef enum cli_store_action { CLI_STORE_SEARCH = 1, CLI_STORE_SHOW } cli_store_action;

typedef struct cli_store_args {
    cli_store_action action;
    const char *query; /* search */
    int64_t id;        /* show */
    const char *db;
    bool json;
    bool raw;
    bool literal;
    bool help;
    size_t limit; /* 0: all */
} cli_store_args;

/* Parse argv[1..argc-1] (argv[0] is "store"). Returns 0, CLI_USAGE (1)
 * with the reason in why, or ENVOI_ENOMEM. */
int cli_store_args_parse(cli_store_args *a, int argc, char **argv, envoi_buf *why);

/* argv[0] is "store". Returns the exit status. */
int cli_store_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
