/* The POP3 session's insides, shared by the files of src/pop3/: settings,
 * the connection and its state, the maildrop listing, the reading position
 * and the seen set. */
#ifndef ENVOI_POP3_SESSION_H
#define ENVOI_POP3_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/pop3.h"
#include "net/conn.h"
#include "pop3/wire.h"
#include "proto/endpoint.h"
#include "proto/pp.h"
#include "proto/sasl.h"
#include "util/buf.h"

/* The states of the conversation (RFC 1939): the authorization states each
 * wait for the reply to the command their name says. */
enum pop3_state {
    POP3_DISCONNECTED,
    POP3_GREETING,
    POP3_CAPA,
    POP3_STLS,
    POP3_AUTH, /* SASL exchange */
    POP3_APOP,
    POP3_USER,
    POP3_PASS,
    POP3_TRANSACTION,
};

struct envoi_pop3 {
    /* settings */
    proto_endpoint ep;
    unsigned depth;

    /* connection */
    enum pop3_state state;
    envoi_conn *conn;
    envoi_pp pp;
    pop3_caps caps;
    bool capa_known; /* the server answered CAPA */
    envoi_buf greeting;
    envoi_buf line; /* the last status line as received */
    pop3_status st; /* it, parsed (points into line) */
    bool sasl_cont; /* the last line was a SASL continuation "+ ..." */
    envoi_sasl *sasl;
    envoi_buf sasl_initial; /* an initial response too long for the AUTH line */
    char method[16];
    envoi_error err;

    /* the maildrop */
    bool listed;
    envoi_pop3_entry *entries;
    size_t nentries;

    /* reading one after the other: 0 before the first, nentries + 1 after
     * the last, else the index + 1 of the message last read */
    size_t pos;

    /* seen UIDLs: sorted, unique */
    char *seen_path;
    char **seen;
    size_t nseen, seen_cap;
    bool seen_dirty;
};

extern const char *const pop3_state_names[];

/* client.c: the authorization state machine and the status lines. */
int pop3_connect(envoi_pop3 *s);
void pop3_close(envoi_pop3 *s, bool polite);
int pop3_read_status(envoi_pop3 *s);
int pop3_send(envoi_pop3 *s, const char *cmd, size_t visible);
int pop3_sendf(envoi_pop3 *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pop3_fail_status(envoi_pop3 *s, int code, const char *what);
int pop3_broken(envoi_pop3 *s, int rc, const char *what);
int pop3_simple(envoi_pop3 *s, const char *cmd, const char *what);
int pop3_read_lines(envoi_pop3 *s, int (*fn)(void *ctx, const char *line, size_t len), void *ctx);
int pop3_ready(envoi_pop3 *s);

/* auth.c: logging in. */
int pop3_start_login(envoi_pop3 *s);
int pop3_login_reply(envoi_pop3 *s);

/* maildrop.c: the listing of the maildrop. */
envoi_pop3_entry *pop3_entry(envoi_pop3 *s, unsigned number);
int pop3_ensure_listed(envoi_pop3 *s);
void pop3_entries_free(envoi_pop3 *s);

/* seen.c */
void pop3_seen_free(envoi_pop3 *s);

#endif
