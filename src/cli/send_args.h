/* The options of "envoi send", parsed from the command line into one
 * struct, before the config file fills in what was not given. */
#ifndef ENVOI_CLI_SEND_ARGS_H
#define ENVOI_CLI_SEND_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Returned (positive) for a usage error: the reason is in why. Negative
 * values are ENVOI_E... codes (ENVOI_ENOMEM). */
#define CLI_USAGE 1

/* A list of strings the list owns. */
typedef struct cli_strlist {
    char **items;
    size_t count;
} cli_strlist;

/* --attach FILE[;name=N][;type=T] and --inline FILE;cid=ID[;type=T]. */
typedef struct cli_part {
    char *path;
    char *name; /* NULL: the file's base name */
    char *type; /* NULL: from the extension */
    char *cid;  /* inline parts only */
} cli_part;

typedef struct cli_partlist {
    cli_part *items;
    size_t count;
} cli_partlist;

/* Strings point into argv unless in a list; NULL / -1 when not given. */
typedef struct cli_send_args {
    /* connection */
    const char *server; /* host[:port] */
    unsigned port;      /* 0: not given */
    int security;       /* envoi_security or -1 */
    const char *user;
    const char *password_file;
    const char *password_command;
    const char *oauth_token_command;
    const char *auth;
    const char *ca_file;
    const char *crl_file;
    int ignore_cert; /* flags or -1 */
    int timeout_ms;
    int connect_timeout_ms;
    bool allow_plaintext_auth;
    const char *helo;
    /* message */
    const char *from;
    const char *sender;
    cli_strlist to, cc, bcc, reply_to;
    const char *subject;
    const char *text_file;
    const char *html_file;
    cli_partlist attach;
    cli_partlist inline_parts;
    cli_strlist headers; /* "Name: value" as given */
    int priority;        /* envoi_priority or -1 */
    int sensitivity;     /* envoi_sensitivity or -1 */
    bool read_receipt;
    const char *read_receipt_to;
    int dsn_notify; /* ENVOI_DSN_... flags, 0: none */
    int dsn_ret;    /* envoi_dsn_ret */
    const char *envid;
    const char *in_reply_to;
    cli_strlist references;
    const char *message_id;
    const char *raw;
    /* signing and encryption (S/MIME first, then DKIM over the result) */
    const char *dkim_domain;
    const char *dkim_selector;
    const char *dkim_key;
    bool smime_sign;
    const char *smime_cert;
    const char *smime_key;
    cli_strlist smime_encrypt_to; /* recipients' certificate files */
    const char *smime_cipher;
    /* behaviour */
    bool partial;
    bool dry_run;
    bool json;
    bool async;          /* hand the message to envoid */
    const char *spooler; /* --spooler: envoid's address for --async */
    bool verbose;
    const char *trace; /* --trace FILE: the protocol trace, time-stamped, mode 0600 */
    bool help;
    const char *account;
    const char *config;
} cli_send_args;

/* Parse argv[1..argc-1] (argv[0] is "send"). Returns 0, CLI_USAGE with
 * the reason in why, or ENVOI_ENOMEM. Free with
 * cli_send_args_free even after a failure. */
int cli_send_args_parse(cli_send_args *a, int argc, char **argv, envoi_buf *why);
void cli_send_args_free(cli_send_args *a);

/* The server options shared with "envoi list" and "envoi fetch" (server,
 * port, security, user, password-file, password-command,
 * oauth-token-command, auth, ca-file, crl-file, ignore-cert, timeout,
 * connect-timeout, allow-plaintext-auth, account, config): apply the long
 * option name (without "--") with its value (NULL for a flag), checked as
 * "envoi send" checks it. Returns 0, CLI_USAGE or ENVOI_ENOMEM. */
int cli_server_option_apply(cli_send_args *a, const char *name, const char *value, envoi_buf *why);
/* Zero a and mark every number and word "not given", as before parsing. */
void cli_server_args_init(cli_send_args *a);
/* Server options that exclude each other. 0 or CLI_USAGE. */
int cli_server_args_check(const cli_send_args *a, envoi_buf *why);

/* Split "a@x, \"Doe, J\" <j@x>" at the commas outside quotes, angle
 * brackets and parentheses, appending each trimmed address. Returns 0, CLI_USAGE
 * when an address is empty, or ENVOI_ENOMEM. */
int cli_split_addresses(const char *list, cli_strlist *out);
/* Parse "FILE;name=N;type=T;cid=ID". Returns 0, CLI_USAGE on a bad parameter
 * (why says which), or ENVOI_ENOMEM. */
int cli_parse_part(const char *spec, cli_part *part, envoi_buf *why);
/* "success,failure,delay" or "never" into ENVOI_DSN_... flags; -1 if bad. */
int cli_parse_dsn_notify(const char *list);

#endif
