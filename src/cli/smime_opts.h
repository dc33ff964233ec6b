/* The options of "envoi smime" and the handle they configure. */
#ifndef ENVOI_CLI_SMIME_OPTS_H
#define ENVOI_CLI_SMIME_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "envoi/smime.h"

#define SMIME_CLI_MAX_FILES 32

typedef enum smime_action {
    SMIME_SIGN,
    SMIME_ENCRYPT,
    SMIME_SIGN_ENCRYPT,
    SMIME_VERIFY,
    SMIME_DECRYPT,
} smime_action;

typedef struct smime_opts {
    smime_action action;
    const char *cert, *key, *pkcs12, *password_file, *ca_file, *cipher, *output, *input;
    const char *chain[SMIME_CLI_MAX_FILES];
    size_t nchain;
    const char *to[SMIME_CLI_MAX_FILES];
    size_t nto;
    bool opaque, no_self, json, help;
    FILE *out, *errout;
} smime_opts;

/* Parse argv (argv[0] is the action's name) into o. EX_OK or EX_USAGE. */
int smime_parse_options(smime_opts *o, int argc, char **argv);
/* Hand the files and settings of o to s. The exit status: EX_OK, or the
 * failure reported on o->errout. */
int smime_configure(const smime_opts *o, envoi_smime *s);

#endif
