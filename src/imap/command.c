/* Building and sending IMAP commands: quoted strings or literals as
 * needed, synchronizing literals that wait for the server's "+" or LITERAL+
 * ones that do not, tags, and the trace with secrets masked. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/session.h"
#include "util/err.h"

enum { CHUNK = 65536, QUOTED_MAX = 1024 };

/* ---- building commands ---------------------------------------------------- */

void imap_cmd_init(imap_cmd *c)
{
    memset(c, 0, sizeof *c);
}

void imap_cmd_free(imap_cmd *c)
{
    envoi_buf_wipe_free(&c->text);
    c->nparts = 0;
}

static imap_part *text_part(imap_cmd *c, bool secret)
{
    if (c->nparts && c->in_text[c->nparts - 1] && c->parts[c->nparts - 1].secret == secret)
        return &c->parts[c->nparts - 1];
    if (c->nparts == sizeof c->parts / sizeof c->parts[0]) {
        c->rc = ENVOI_EINVAL;
        return NULL;
    }
    imap_part *p = &c->parts[c->nparts];
    memset(p, 0, sizeof *p);
    p->secret = secret;
    c->offs[c->nparts] = c->text.len;
    c->in_text[c->nparts++] = true;
    return p;
}

static void add_text(imap_cmd *c, const char *data, size_t len, bool secret)
{
    imap_part *p = text_part(c, secret);
    if (!p)
        return;
    if (envoi_buf_append(&c->text, data, len) < 0) {
        c->rc = ENVOI_ENOMEM;
        return;
    }
    p->len += len;
}

void imap_cmd_add(imap_cmd *c, const char *text)
{
    add_text(c, text, strlen(text), false);
}

void imap_cmd_addf(imap_cmd *c, const char *fmt, ...)
{
    envoi_buf b = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc < 0)
        c->rc = rc;
    else
        add_text(c, b.data, b.len, false);
    envoi_buf_free(&b);
}

void imap_cmd_secret(imap_cmd *c, const char *text, size_t len)
{
    add_text(c, text, len, true);
}

static bool quotable(const char *data, size_t len)
{
    if (len > QUOTED_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)data[i];
        if (ch < 0x20 || ch > 0x7e)
            return false;
    }
    return true;
}

void imap_cmd_string(imap_cmd *c, const char *data, size_t len, bool secret)
{
    if (!quotable(data, len)) {
        size_t before = c->nparts;
        imap_cmd_literal(c, data, len);
        if (c->nparts > before)
            c->parts[before].secret = secret;
        return;
    }
    add_text(c, "\"", 1, false);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '"' || data[i] == '\\') {
            add_text(c, data + start, i - start, secret);
            add_text(c, "\\", 1, secret);
            start = i;
        }
    }
    add_text(c, data + start, len - start, secret);
    add_text(c, "\"", 1, false);
}

void imap_cmd_literal(imap_cmd *c, const void *data, size_t len)
{
    if (c->nparts == sizeof c->parts / sizeof c->parts[0]) {
        c->rc = ENVOI_EINVAL;
        return;
    }
    imap_part *p = &c->parts[c->nparts];
    p->data = data;
    p->len = len;
    p->literal = true;
    p->secret = false;
    c->in_text[c->nparts++] = false;
}

/* ---- tracing -------------------------------------------------------------- */

void imap_trace_add(envoi_imap *s, const char *data, size_t len, bool secret)
{
    if (!s->trace_fn)
        return;
    if (secret)
        envoi_buf_append(&s->trace, "****", 4);
    else
        envoi_pp_quote(&s->trace, data, len, 4096);
}

void imap_trace_end(envoi_imap *s, bool sent)
{
    if (s->trace_fn && s->trace.data)
        s->trace_fn(s->trace_ctx, sent, s->trace.data);
    envoi_buf_clear(&s->trace);
}

static int write_bytes(envoi_imap *s, const void *data, size_t len)
{
    int rc = envoi_conn_write(s->conn, data, len, &s->err);
    return rc < 0 ? imap_broken(s, rc) : 0;
}

int imap_send_line(envoi_imap *s, const char *line, size_t len, bool secret)
{
    if (!s->conn)
        return envoi_err_set(&s->err, ENVOI_ESTATE, "not connected");
    imap_trace_add(s, line, len, secret);
    imap_trace_end(s, true);
    int rc = write_bytes(s, line, len);
    if (rc == 0)
        rc = write_bytes(s, "\r\n", 2);
    if (rc == 0 && (rc = envoi_conn_flush(s->conn, &s->err)) < 0)
        return imap_broken(s, rc);
    return rc;
}

static bool literal_plus(const envoi_imap *s, size_t len)
{
    return imap_has_cap(s, "LITERAL+") || (len <= 4096 && imap_has_cap(s, "LITERAL-"));
}

static int send_literal(envoi_imap *s, unsigned tag, const imap_part *p, bool *ended)
{
    char head[48];
    bool plus = literal_plus(s, p->len);
    int n = snprintf(head, sizeof head, "{%zu%s}", p->len, plus ? "+" : "");
    imap_trace_add(s, head, (size_t)n, false);
    imap_trace_end(s, true);
    int rc = write_bytes(s, head, (size_t)n);
    if (rc == 0)
        rc = write_bytes(s, "\r\n", 2);
    if (rc < 0)
        return rc;
    if (!plus) {
        imap_response cont;
        rc = imap_wait_cont(s, tag, &cont);
        if (rc <= 0) {
            *ended = rc == 0;
            return rc;
        }
        imap_response_free(&cont);
    }
    if (s->trace_fn) {
        char note[64];
        snprintf(note, sizeof note, "(%zu bytes of literal data%s)", p->len,
                 p->secret ? ", masked" : "");
        imap_trace_add(s, note, strlen(note), false);
    }
    for (size_t off = 0; off < p->len; off += CHUNK) {
        size_t k = p->len - off < CHUNK ? p->len - off : CHUNK;
        if ((rc = write_bytes(s, p->data + off, k)) < 0)
            return rc;
    }
    return 0;
}

int imap_send(envoi_imap *s, imap_cmd *c, unsigned *tag)
{
    if (c->rc)
        return envoi_err_set(&s->err, c->rc, "cannot build the command");
    if (!s->conn)
        return envoi_err_set(&s->err, ENVOI_ESTATE, "not connected");
    if (s->npending == sizeof s->pending / sizeof s->pending[0])
        return envoi_err_set(&s->err, ENVOI_ESTATE, "too many commands in flight");
    imap_pending *p = &s->pending[s->npending++];
    memset(p, 0, sizeof *p);
    p->tag = *tag = ++s->next_tag;
    const char *first = c->nparts && c->in_text[0] ? c->text.data + c->offs[0] : "";
    size_t vl = strcspn(first, " ");
    if (vl == 3 && !strncasecmp(first, "UID ", 4)) /* "UID FETCH" */
        vl += 1 + strcspn(first + 4, " ");
    snprintf(p->verb, sizeof p->verb, "%.*s", (int)(vl < sizeof p->verb ? vl : 0), first);
    char t[24];
    int n = snprintf(t, sizeof t, "A%04u ", *tag);
    envoi_buf_clear(&s->trace);
    imap_trace_add(s, t, (size_t)n, false);
    int rc = write_bytes(s, t, (size_t)n);
    for (size_t i = 0; rc == 0 && i < c->nparts; i++) {
        imap_part part = c->parts[i];
        if (c->in_text[i])
            part.data = c->text.data + c->offs[i];
        if (part.literal) {
            bool ended = false;
            rc = send_literal(s, *tag, &part, &ended);
            if (ended) /* refused before the literal: the rest is not sent */
                return 0;
            continue;
        }
        imap_trace_add(s, part.data, part.len, part.secret);
        rc = write_bytes(s, part.data, part.len);
    }
    if (rc == 0)
        rc = write_bytes(s, "\r\n", 2);
    imap_trace_end(s, true);
    return rc;
}
