/* Where and how a mail protocol client connects and logs in: the settings
 * the SMTP, POP3 and IMAP sessions share, their setters (strings copied,
 * secrets wiped when replaced or freed), and the connection itself, with
 * implicit TLS or a later STARTTLS upgrade under the same certificate
 * rules. */
#ifndef ENVOI_PROTO_ENDPOINT_H
#define ENVOI_PROTO_ENDPOINT_H

#include <stdbool.h>

#include "envoi/error.h"
#include "envoi/oauth.h"
#include "envoi/tls.h"
#include "net/conn.h"

typedef struct proto_endpoint {
    char *host;
    unsigned port; /* 0: the protocol's default for the security mode */
    envoi_security security;
    char *user;
    char *password;     /* secret */
    char *token;        /* secret: OAuth 2.0 access token */
    envoi_oauth *oauth; /* borrowed: gives the token at each login, NULL: none */
    bool oauth_retried; /* this login already asked for a second token */
    char *mech;         /* the login method asked for, NULL: the strongest */
    bool allow_plain_auth;
    char *ca_file;
    char *crl_file;
    int ignore_cert; /* ENVOI_CERT_IGNORE_* flags */
    int connect_ms;
    int io_ms;
} proto_endpoint;

void proto_endpoint_init(proto_endpoint *e, int connect_ms, int io_ms);
/* Free the strings, wiping the secrets. */
void proto_endpoint_free(proto_endpoint *e);

/* Replace *dst by a copy of src (NULL clears); a secret is wiped. */
int proto_set_string(char **dst, const char *src, bool secret, envoi_error *err);
/* True when p holds CR or LF: never allowed on a command line. */
bool proto_has_line_break(const char *p);

/* Each returns 0 or ENVOI_EINVAL / ENVOI_ENOMEM with err set. */
int proto_endpoint_set_server(proto_endpoint *e, const char *host, unsigned port, envoi_error *err);
int proto_endpoint_set_security(proto_endpoint *e, envoi_security security, envoi_error *err);
/* The user and a password, or the user and a token (the other secret is
 * cleared). Neither may hold a line break. */
int proto_endpoint_set_login(proto_endpoint *e, const char *user, const char *secret, bool is_token,
                             envoi_error *err);
/* The user and an OAuth 2.0 token provider (borrowed: it must outlive the
 * session); the password and any token set before are cleared. */
int proto_endpoint_set_oauth(proto_endpoint *e, const char *user, envoi_oauth *o, envoi_error *err);
/* Before a login: with a provider, a token from it into e->token (and a
 * retry allowed again); nothing without one. 0 or the provider's error. */
int proto_endpoint_fetch_token(proto_endpoint *e, envoi_error *err);
/* The server refused the login: when the token came from the provider and
 * was not retried yet, it is invalidated and a fresh one fetched: 1 (log in
 * again with it), 0 (no retry: report the refusal), or the provider's
 * error (err set). */
int proto_endpoint_retry_token(proto_endpoint *e, envoi_error *err);
int proto_endpoint_set_connect_timeout(proto_endpoint *e, int ms, envoi_error *err);
/* The reply timeout; applied at once to conn when it is open. */
int proto_endpoint_set_timeout(proto_endpoint *e, envoi_conn *conn, int ms, envoi_error *err);

/* Connect to the server (port, else default_port) and, for implicit TLS,
 * complete the handshake; on failure nothing stays open. */
int proto_endpoint_open(const proto_endpoint *e, unsigned default_port, envoi_conn **out,
                        envoi_error *err);
/* The STARTTLS upgrade of an open connection, with the endpoint's
 * certificate rules. */
int proto_endpoint_start_tls(const proto_endpoint *e, envoi_conn *conn, envoi_error *err);

#endif
