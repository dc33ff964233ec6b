/* Where "envoi queue" and "envoi send --async" find envoid: an address
 * given on the command line, else [spool] listen of the config file, else
 * 127.0.0.1:8025; and the bearer token of [spool] token-file. */
#ifndef ENVOI_CLI_QUEUE_TARGET_H
#define ENVOI_CLI_QUEUE_TARGET_H

#include "cli/config.h"
#include "envoi/error.h"

#define CLI_SPOOLER_DEFAULT "127.0.0.1:8025"
/* The default wait of "envoi queue" for the connection and each read or
 * write (--timeout). */
#define CLI_SPOOLER_TIMEOUT_MS 30000

/* Where envoid is and how to talk to it. */
typedef struct cli_spooler {
    char *host;     /* host name or address, IPv6 without brackets */
    unsigned port;  /* 1..65535 */
    char *label;    /* "host:port" or "[v6]:port", for messages */
    char *token;    /* bearer token, NULL: none; wiped by cli_spooler_free */
    int timeout_ms; /* connect and each read or write; 0 or less: CLI_SPOOLER_TIMEOUT_MS */
} cli_spooler;

/* Set host, port and label from "http://HOST:PORT[/]", "HOST:PORT" or
 * "[V6]:PORT" (an envoid listen address). A wildcard address (0.0.0.0,
 * [::]) means this host's loopback. ENVOI_EINVAL with err naming what is
 * wrong, or ENVOI_ENOMEM. */
int cli_spooler_set_address(cli_spooler *sp, const char *where, envoi_error *err);
/* Wipe the token and free everything; sp is zeroed. */
void cli_spooler_free(cli_spooler *sp);

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
