/* The message body: measured (and DKIM-signed) before MAIL FROM (SIZE=,
 * BODY=8BITMIME), then streamed to the server with CRLF line ends, its
 * DKIM-Signature field first, dot-stuffed after DATA or cut into BDAT
 * chunks. A file is read in chunks, a composed message serialized in a
 * stream (the same bytes each time: serialization is fixed by its first
 * write); a small composed message is serialized once, into memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "smtp/session.h"
#include "util/err.h"

enum {
    SLICE = 64 * 1024,      /* bytes handed to the dot-stuffer at once */
    STAGE = 64 * 1024,      /* body bytes gathered before a write */
    CHUNK = 128 * 1024,     /* BDAT chunk size */
    HOLD_MAX = 1024 * 1024, /* a composed message up to this is kept in memory */
    MSG_STOP = -1000,       /* private: serialization stopped on purpose */
};

typedef int (*body_fn)(void *ctx, const void *data, size_t len);

struct measure {
    envoi_dot dot;
    envoi_buf scratch;
    size_t size;
    envoi_dkim_sign_state *sign; /* NULL: not signing */
};

/* The signer reads exactly the bytes of the wire before dot-stuffing. */
static int measure_take(struct measure *m)
{
    int rc = m->sign ? envoi_dkim_sign_update(m->sign, m->scratch.data, m->scratch.len) : 0;
    m->size += m->scratch.len;
    envoi_buf_clear(&m->scratch);
    return rc;
}

static int measure_write(void *ctx, const void *data, size_t len)
{
    struct measure *m = ctx;
    const char *p = data;
    while (len) {
        size_t n = len < SLICE ? len : SLICE;
        if (envoi_dot_feed(&m->dot, p, n, &m->scratch) < 0)
            return ENVOI_ENOMEM;
        int rc = measure_take(m);
        if (rc < 0)
            return rc;
        p += n;
        len -= n;
    }
    return 0;
}

static int read_file(envoi_smtp *s, smtp_body *b, body_fn fn, void *ctx)
{
    char buf[SLICE];
    for (;;) {
        ssize_t n = read(b->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", b->path, strerror(errno));
        if (n == 0)
            return 0;
        int rc = fn(ctx, buf, (size_t)n);
        if (rc < 0)
            return rc;
    }
}

static int stream_body(envoi_smtp *s, smtp_body *b, body_fn fn, void *ctx)
{
    if (b->sig.len) {
        int rc = fn(ctx, b->sig.data, b->sig.len);
        if (rc < 0)
            return rc;
    }
    switch (b->kind) {
    case SMTP_BODY_MEM:
        for (size_t off = 0; off < b->len; off += SLICE) {
            size_t n = b->len - off < SLICE ? b->len - off : SLICE;
            int rc = fn(ctx, b->data + off, n);
            if (rc < 0)
                return rc;
        }
        return 0;
    case SMTP_BODY_FILE:
        if (lseek(b->fd, 0, SEEK_SET) < 0)
            return envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", b->path, strerror(errno));
        return read_file(s, b, fn, ctx);
    case SMTP_BODY_MSG:
        return envoi_message_write(b->msg, fn, ctx);
    }
    return ENVOI_EINVAL;
}

struct hold {
    envoi_buf *buf;
    bool overflow;
};

static int hold_write(void *ctx, const void *data, size_t len)
{
    struct hold *h = ctx;
    if (h->buf->len + len > HOLD_MAX) {
        h->overflow = true;
        return MSG_STOP;
    }
    return envoi_buf_append(h->buf, data, len);
}

/* Serialize a composed message into memory when it is small. */
static int hold_message(envoi_smtp *s, smtp_body *b)
{
    struct hold h = {&b->held, false};
    int rc = envoi_message_write(b->msg, hold_write, &h);
    if (h.overflow) {
        envoi_buf_free(&b->held);
        return 0;
    }
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "cannot write the message: %s", envoi_strerror(rc));
    b->kind = SMTP_BODY_MEM;
    b->data = b->held.data ? b->held.data : "";
    b->len = b->held.len;
    return 0;
}

/* One pass over the body: its size on the wire, whether it has 8-bit
 * bytes, and its DKIM signature when the session signs. */
static int measure_body(envoi_smtp *s, smtp_body *b)
{
    struct measure m = {.size = 0};
    envoi_buf_clear(&b->sig);
    if (s->dkim && !(m.sign = smtp_sign_begin(s)))
        return s->err.code;
    envoi_dot_init(&m.dot, false);
    int rc = stream_body(s, b, measure_write, &m);
    if (rc == 0)
        rc = envoi_dot_finish(&m.dot, &m.scratch);
    if (rc == 0)
        rc = measure_take(&m);
    if (rc < 0 && s->err.code != rc)
        envoi_err_set(&s->err, rc, "cannot read the message: %s", envoi_strerror(rc));
    if (m.sign && rc < 0)
        envoi_dkim_sign_abort(m.sign);
    else if (m.sign)
        rc = smtp_sign_finish(s, m.sign, &b->sig);
    b->size = m.size + b->sig.len;
    b->eightbit = m.dot.eightbit;
    envoi_buf_free(&m.scratch);
    return rc;
}

int smtp_body_prepare(envoi_smtp *s, smtp_body *b)
{
    if (b->kind == SMTP_BODY_FILE) {
        b->fd = open(b->path, O_RDONLY | O_CLOEXEC);
        if (b->fd < 0)
            return envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", b->path, strerror(errno));
    }
    if (b->kind == SMTP_BODY_MSG) {
        b->utf8 = envoi_message_needs_smtputf8(b->msg);
        int rc = hold_message(s, b);
        if (rc < 0)
            return rc;
    }
    /* A file or a large message is read twice only when the server wants
     * its size or it is signed; else 8BITMIME is declared whenever offered,
     * which is harmless for 7-bit content. */
    if (b->kind != SMTP_BODY_MEM && !(s->caps.ext & ENVOI_SMTP_EXT_SIZE) && !s->dkim) {
        b->size = 0;
        b->eightbit = true;
        return 0;
    }
    return measure_body(s, b);
}

void smtp_body_release(smtp_body *b)
{
    if (b->kind == SMTP_BODY_FILE && b->fd >= 0)
        close(b->fd);
    b->fd = -1;
    envoi_buf_free(&b->held);
    envoi_buf_free(&b->sig);
}

bool smtp_body_fits_inline(const envoi_smtp *s)
{
    return s->t.body->kind == SMTP_BODY_MEM && s->t.body->size <= CHUNK;
}

static int write_out(envoi_smtp *s)
{
    int rc = envoi_conn_write(s->conn, s->out.data, s->out.len, &s->err);
    envoi_buf_clear(&s->out);
    return rc;
}

static int data_write(void *ctx, const void *data, size_t len)
{
    envoi_smtp *s = ctx;
    if (envoi_dot_feed(&s->dot, data, len, &s->out) < 0)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    return s->out.len >= STAGE ? write_out(s) : 0;
}

int smtp_send_data_body(envoi_smtp *s)
{
    envoi_dot_init(&s->dot, true);
    envoi_buf_clear(&s->out);
    int rc = stream_body(s, s->t.body, data_write, s);
    if (rc == 0 && envoi_dot_finish(&s->dot, &s->out) < 0)
        rc = envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    if (rc == 0)
        rc = write_out(s);
    if (rc == 0 && s->pp.trace)
        s->pp.trace(s->pp.trace_ctx, true, ".");
    return rc == 0 ? envoi_pp_flush(&s->pp) : rc;
}

/* One BDAT chunk of s->out; the reply to a chunk that is not the last is
 * read here, the last one's by the state machine. */
static int send_chunk(envoi_smtp *s, size_t n, bool last)
{
    char cmd[64];
    int len = snprintf(cmd, sizeof cmd, "BDAT %zu%s", n, last ? " LAST" : "");
    int rc = envoi_pp_send(&s->pp, cmd, (size_t)len, (size_t)len);
    if (rc == 0)
        rc = envoi_conn_write(s->conn, s->out.data, n, &s->err);
    if (rc < 0 || last)
        return rc;
    envoi_buf_consume(&s->out, n);
    if ((rc = envoi_pp_flush(&s->pp)) < 0 || (rc = smtp_read_reply(s)) < 0)
        return rc;
    if (s->reply.code / 100 != 2) {
        smtp_txn_fail(s, "message refused (BDAT)");
        return MSG_STOP;
    }
    return 0;
}

static int bdat_write(void *ctx, const void *data, size_t len)
{
    envoi_smtp *s = ctx;
    if (envoi_dot_feed(&s->dot, data, len, &s->out) < 0)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    while (s->out.len >= CHUNK) {
        int rc = send_chunk(s, CHUNK, false);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int smtp_send_bdat_body(envoi_smtp *s)
{
    envoi_dot_init(&s->dot, false);
    envoi_buf_clear(&s->out);
    int rc = stream_body(s, s->t.body, bdat_write, s);
    if (rc == MSG_STOP || (rc < 0 && s->t.txn_rc))
        return smtp_enter(s, SMTP_RSET);
    if (rc == 0 && envoi_dot_finish(&s->dot, &s->out) < 0)
        rc = envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    if (rc == 0)
        rc = send_chunk(s, s->out.len, true);
    envoi_buf_clear(&s->out);
    return rc == 0 ? envoi_pp_flush(&s->pp) : rc;
}

int smtp_send_bdat_inline(envoi_smtp *s)
{
    envoi_dot_init(&s->dot, false);
    envoi_buf_clear(&s->out);
    const smtp_body *b = s->t.body;
    int rc = envoi_dot_feed(&s->dot, b->sig.data ? b->sig.data : "", b->sig.len, &s->out);
    if (rc == 0)
        rc = envoi_dot_feed(&s->dot, b->data, b->len, &s->out);
    if (rc == 0)
        rc = envoi_dot_finish(&s->dot, &s->out);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "out of memory");
    rc = send_chunk(s, s->out.len, true);
    envoi_buf_clear(&s->out);
    return rc;
}
