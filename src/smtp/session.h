/* The SMTP session's insides, shared by the files of src/smtp/: settings,
 * the connection and its state, and the message transaction in progress. */
#ifndef ENVOI_SMTP_SESSION_H
#define ENVOI_SMTP_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/smtp.h"
#include "net/conn.h"
#include "proto/endpoint.h"
#include "proto/pp.h"
#include "proto/sasl.h"
#include "smtp/dotstuff.h"
#include "smtp/ehlo.h"
#include "smtp/reply.h"
#include "util/buf.h"

/* The states of the conversation; each but DISCONNECTED and READY waits for
 * the reply to the command its name says. */
enum smtp_state {
    SMTP_DISCONNECTED,
    SMTP_GREETING,
    SMTP_EHLO,
    SMTP_HELO,
    SMTP_STARTTLS,
    SMTP_AUTH,
    SMTP_READY,
    SMTP_MAIL,
    SMTP_RCPT,
    SMTP_DATA,
    SMTP_BODY, /* the reply to the "." that ends DATA */
    SMTP_BDAT, /* the reply to the last BDAT chunk */
    SMTP_RSET,
    SMTP_QUIT,
};

enum smtp_body_kind { SMTP_BODY_MEM, SMTP_BODY_FILE, SMTP_BODY_MSG };

/* The message to send, wherever it lives. */
typedef struct smtp_body {
    enum smtp_body_kind kind;
    const char *data; /* MEM (or a message serialized in memory) */
    size_t len;
    envoi_buf held; /* a small composed message, serialized once */
    const char *path;
    int fd;
    envoi_message *msg;
    size_t size;   /* bytes on the wire with CRLF line ends */
    bool eightbit; /* has bytes over 127 */
    bool utf8;     /* the message needs SMTPUTF8 */
    envoi_buf sig; /* the DKIM-Signature field sent before the message, or empty */
} smtp_body;

struct smtp_rcpt {
    char *address; /* as given */
    envoi_buf wire;
    int code;
    char enhanced[16];
    char *text;
    bool ok;
};

/* One message transaction: its envelope and how far it got. */
struct smtp_txn {
    struct smtp_rcpt *rcpts;
    size_t nrcpts;
    envoi_rcpt_status *status;
    size_t rcpt_sent; /* RCPT commands sent */
    size_t rcpt_done; /* RCPT replies read */
    size_t accepted;
    bool utf8;           /* SMTPUTF8 in use */
    bool pipelined;      /* the envelope went out in one write */
    bool data_sent;      /* DATA (or BDAT LAST) went with the envelope */
    bool bdat_inline;    /* the whole body went as one BDAT LAST with the envelope */
    bool aborting;       /* "." sent only to close a DATA no recipient can get */
    int txn_rc;          /* the transaction's failure, 0 so far */
    envoi_error txn_err; /* its details */
    envoi_buf from_wire;
    smtp_body *body;
};

struct envoi_smtp {
    /* settings */
    proto_endpoint ep;
    char *helo;
    bool partial;
    int dsn_notify;
    envoi_dsn_ret dsn_ret;
    char *dsn_envid;
    envoi_trace_fn trace;
    void *trace_ctx;
    envoi_smtp_submit_fn submit; /* asynchronous mode when set */
    void *submit_ctx;
    char last_id[ENVOI_SMTP_ID_SIZE];
    envoi_dkim_signer *dkim; /* borrowed; NULL: messages go unsigned */

    /* connection */
    enum smtp_state state;
    envoi_conn *conn;
    envoi_pp pp;
    envoi_smtp_caps caps;
    envoi_smtp_reply reply;
    envoi_sasl *sasl;
    envoi_error err;

    /* the transaction (a struct of its own: a batch holds the next one's
     * while the current one ends, see batch.c) */
    struct smtp_txn t;
    envoi_dot dot;
    envoi_buf out; /* body bytes on their way to the connection */
    envoi_buf last_reply;
    envoi_buf ehlo_text;
};

extern const char *const envoi_smtp_state_names[];

/* client.c: the state machine. */
int smtp_enter(envoi_smtp *s, enum smtp_state state);
int smtp_run(envoi_smtp *s, enum smtp_state until);
/* smtp_run stopping at either state. */
int smtp_run_either(envoi_smtp *s, enum smtp_state until, enum smtp_state or_until);
int smtp_read_reply(envoi_smtp *s);
void smtp_close(envoi_smtp *s, bool polite);
int smtp_fail_reply(envoi_smtp *s, int code, const char *what);

/* txn.c: the envelope and the recipients' fate. */
int smtp_txn_begin(envoi_smtp *s, smtp_body *body, const char *from, const char *const *rcpts,
                   size_t nrcpts);
void smtp_txn_end(envoi_smtp *s, int rc);
void smtp_txn_clear(envoi_smtp *s);
int smtp_send_envelope(envoi_smtp *s);
int smtp_send_rcpt(envoi_smtp *s);
void smtp_mail_reply(envoi_smtp *s);
void smtp_rcpt_reply(envoi_smtp *s);
void smtp_rcpts_judge(envoi_smtp *s);
void smtp_txn_fail(envoi_smtp *s, const char *what);

/* async.c: the asynchronous mode: the message goes to the submitter. */
int smtp_async_send(envoi_smtp *s, smtp_body *body, const char *from, const char *const *rcpts,
                    size_t nrcpts);

/* sign.c: the DKIM signature of a message, over its bytes with CRLF line
 * ends (as the wire carries them before dot-stuffing). smtp_sign_begin
 * returns NULL with s->err filled; smtp_sign_finish appends the field to
 * sig and frees st (also on error). smtp_sign_memory puts into out the
 * field then data with its line ends made CRLF. */
envoi_dkim_sign_state *smtp_sign_begin(envoi_smtp *s);
int smtp_sign_finish(envoi_smtp *s, envoi_dkim_sign_state *st, envoi_buf *sig);
int smtp_sign_memory(envoi_smtp *s, const void *data, size_t len, envoi_buf *out);

/* body.c: measuring and streaming the body. */
int smtp_body_prepare(envoi_smtp *s, smtp_body *b);
void smtp_body_release(smtp_body *b);
int smtp_send_data_body(envoi_smtp *s);
int smtp_send_bdat_body(envoi_smtp *s);
int smtp_send_bdat_inline(envoi_smtp *s);
bool smtp_body_fits_inline(const envoi_smtp *s);

#endif
