/* DKIM signing on the send path: the session's signer (envoi_smtp_set_dkim)
 * applied to the bytes that go out, with their line ends made CRLF. */
#include <stdlib.h>
#include <string.h>

#include "envoi/dkim.h"
#include "smtp/session.h"
#include "util/err.h"

enum { SLICE = 64 * 1024 };

int envoi_smtp_set_dkim(envoi_smtp *s, envoi_dkim_signer *k)
{
    s->dkim = k;
    return 0;
}

envoi_dkim_sign_state *smtp_sign_begin(envoi_smtp *s)
{
    envoi_dkim_sign_state *st = envoi_dkim_sign_begin(s->dkim);
    if (!st)
        envoi_err_set(&s->err, ENVOI_ENOMEM, "cannot start the DKIM signature: out of memory");
    return st;
}

/* A message the signer refuses is the message's fault (ENVOI_EHEADER:
 * retrying cannot help); anything else keeps its code. */
static int sign_failed(envoi_smtp *s, int rc)
{
    if (rc == ENVOI_EINVAL)
        return envoi_err_set(&s->err, ENVOI_EHEADER,
                             "cannot DKIM-sign the message: it needs exactly one From field");
    return envoi_err_set(&s->err, rc, "cannot DKIM-sign the message: %s", envoi_strerror(rc));
}

int smtp_sign_finish(envoi_smtp *s, envoi_dkim_sign_state *st, envoi_buf *sig)
{
    char *field = NULL;
    size_t n = 0;
    int rc = envoi_dkim_sign_finish(st, &field, &n);
    if (rc < 0)
        return sign_failed(s, rc);
    rc = envoi_buf_append(sig, field, n);
    free(field);
    return rc < 0 ? envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory") : 0;
}

int smtp_sign_memory(envoi_smtp *s, const void *data, size_t len, envoi_buf *out)
{
    envoi_buf norm = ENVOI_BUF_INIT;
    envoi_dot dot;
    envoi_dot_init(&dot, false);
    if (envoi_dot_feed(&dot, data, len, &norm) < 0 || envoi_dot_finish(&dot, &norm) < 0) {
        envoi_buf_free(&norm);
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    }
    envoi_dkim_sign_state *st = smtp_sign_begin(s);
    int rc = st ? 0 : s->err.code;
    for (size_t off = 0; st && off < norm.len && rc == 0; off += SLICE) {
        size_t n = norm.len - off < SLICE ? norm.len - off : SLICE;
        rc = envoi_dkim_sign_update(st, norm.data + off, n);
    }
    if (st && rc < 0) {
        envoi_dkim_sign_abort(st);
        rc = sign_failed(s, rc);
    } else if (st) {
        rc = smtp_sign_finish(s, st, out);
    }
    if (rc == 0 && norm.len && envoi_buf_append(out, norm.data, norm.len) < 0)
        rc = envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    envoi_buf_free(&norm);
    return rc;
}
