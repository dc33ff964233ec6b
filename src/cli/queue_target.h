/* Where "envoi queue" and "envoi send --async" find envoid: an address
 * given on the command line, else [spool] listen of the config file, else
 * 127.0.0.1:8025; and the bearer token of [spool] token-file. */
#ifndef ENVOI_CLI_QUEUE_TARGET_H
#define ENVOI_CLI_QUEUE_TARGET_H

#include "cli/config.h"
#include "cli/queue_http.h"
#include "envoi/error.h"

#define CLI_SPOOLER_DEFAULT "127.0.0.1:8025"

/* Fill sp. cfg may be NULL (no config file). where (--spooler, --listen)
 * and token_file (--token-file) override the config when not NULL.
 * Errors name the option or the config file and line: ENVOI_EINVAL for a
 * bad --spooler, ENVOI_ECONFIG for a bad [spool] value or a token file
 * that cannot be read or is empty, ENVOI_ENOMEM. Free sp with
 * cli_spooler_free even after a failure. */
int cli_spooler_setup(cli_spooler *sp, const envoi_config *cfg, const char *where,
                      const char *token_file, envoi_error *err);

/* The same config file "envoi send" reads: path, else the default one when
 * it exists. *cfg is NULL when there is none. ENVOI_ECONFIG (a file named
 * or found that cannot be read or parsed) or ENVOI_ENOMEM. */
int cli_spooler_load_config(const char *path, envoi_config **cfg, envoi_error *err);

#endif
