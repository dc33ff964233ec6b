/* Submitting to a spool: the envelope taken from a composed message or given,
 * the source serialized once, checked, then queued in the directory or sent
 * to envoid; and the SMTP session's asynchronous mode built on it. */
#include <stdlib.h>
#include <string.h>

#include "mime/address.h"
#include "spool/spool_impl.h"
#include "util/buf.h"
#include "util/err.h"

_Static_assert(ENVOI_SPOOL_ID_SIZE == SPOOL_ID_SIZE, "one id size for the spool");
_Static_assert(ENVOI_SPOOL_ID_SIZE <= ENVOI_SMTP_ID_SIZE, "a spool id fits a session's");

/* The addr-spec of one envelope address ("Name <a@b>" gives "a@b"), as
 * envoid reads them, so both kinds of spool take the same addresses. */
static int parse_address(const char *text, const char *what, char **out, envoi_error *err)
{
    if (!text)
        return envoi_err_set(err, ENVOI_EADDRESS, "%s: missing address", what);
    envoi_mailbox mb = {0};
    int rc = envoi_mailbox_parse(text, &mb);
    if (rc == ENVOI_EHEADER)
        return envoi_err_set(err, rc, "%s: CR or LF in the address", what);
    if (rc == ENVOI_ENOMEM)
        return envoi_err_set(err, rc, "out of memory");
    if (rc < 0)
        return envoi_err_set(err, ENVOI_EADDRESS, "%s: '%.200s' is not an email address", what,
                             text);
    *out = mb.addr;
    mb.addr = NULL;
    envoi_mailbox_clear(&mb);
    return 0;
}

/* An envelope checked and reduced to addr-specs ("" or "<>": the null
 * sender). */
typedef struct envelope {
    char *from;
    char **rcpts;
    size_t n;
} envelope;

static void envelope_free(envelope *e)
{
    free(e->from);
    for (size_t i = 0; e->rcpts && i < e->n; i++)
        free(e->rcpts[i]);
    free(e->rcpts);
}

static int make_envelope(const spool_msg *m, envelope *e, envoi_error *err)
{
    memset(e, 0, sizeof *e);
    if (m->nrcpts == 0 || !m->rcpts)
        return envoi_err_set(err, ENVOI_EINVAL, "no recipient");
    if (!m->data || m->len == 0)
        return envoi_err_set(err, ENVOI_EINVAL, "the message is empty");
    int rc;
    if (m->from && (!*m->from || strcmp(m->from, "<>") == 0))
        rc = (e->from = strdup("")) ? 0 : envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else
        rc = parse_address(m->from, "sender", &e->from, err);
    if (rc == 0 && !(e->rcpts = calloc(m->nrcpts, sizeof *e->rcpts)))
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < m->nrcpts; i++, e->n++)
        rc = parse_address(m->rcpts[i], "recipient", &e->rcpts[i], err);
    return rc;
}

static int submit_msg(envoi_spool *sp, const spool_msg *m, char id[ENVOI_SPOOL_ID_SIZE],
                      envoi_error *err)
{
    id[0] = '\0';
    envelope e;
    int rc = make_envelope(m, &e, err);
    if (rc == 0) {
        spool_msg checked = *m;
        checked.from = e.from;
        checked.rcpts = (const char *const *)e.rcpts;
        rc = sp->queue ? spool_local_submit(sp, &checked, id, err)
                       : spool_remote_submit(sp, &checked, id, err);
    }
    envelope_free(&e);
    if (rc < 0)
        id[0] = '\0';
    return rc;
}

int envoi_spool_submit_raw(envoi_spool *sp, const char *from, const char *const *rcpts,
                           size_t nrcpts, const void *data, size_t len,
                           char id[ENVOI_SPOOL_ID_SIZE])
{
    envoi_error err;
    envoi_err_clear(&err);
    spool_msg m = {.from = from, .rcpts = rcpts, .nrcpts = nrcpts, .data = data, .len = len};
    return spool_keep_error(sp, submit_msg(sp, &m, id, &err), &err);
}

static int append_source(void *ctx, const void *data, size_t len)
{
    return envoi_buf_append(ctx, data, len);
}

int envoi_spool_submit_envelope(envoi_spool *sp, envoi_message *msg, const char *from,
                                const char *const *rcpts, size_t nrcpts,
                                char id[ENVOI_SPOOL_ID_SIZE])
{
    envoi_error err;
    envoi_err_clear(&err);
    id[0] = '\0';
    if (!msg)
        return spool_keep_error(sp, envoi_err_set(&err, ENVOI_EINVAL, "no message"), &err);
    envoi_buf source = ENVOI_BUF_INIT;
    int rc = envoi_message_write(msg, append_source, &source);
    if (rc < 0) {
        const char *why = envoi_message_error(msg)->text;
        envoi_err_set(&err, rc, "cannot write the message: %s", *why ? why : envoi_strerror(rc));
    } else {
        spool_msg m = {
            .from = from, .rcpts = rcpts, .nrcpts = nrcpts, .data = source.data, .len = source.len};
        rc = submit_msg(sp, &m, id, &err);
    }
    envoi_buf_free(&source);
    return spool_keep_error(sp, rc, &err);
}

int envoi_spool_submit(envoi_spool *sp, envoi_message *msg, char id[ENVOI_SPOOL_ID_SIZE])
{
    envoi_error err;
    envoi_err_clear(&err);
    id[0] = '\0';
    if (!msg)
        return spool_keep_error(sp, envoi_err_set(&err, ENVOI_EINVAL, "no message"), &err);
    const char *from = envoi_message_envelope_from(msg);
    if (!from)
        return spool_keep_error(
            sp, envoi_err_set(&err, ENVOI_EADDRESS, "the message has no From address"), &err);
    size_t n = envoi_message_recipient_count(msg);
    if (n == 0)
        return spool_keep_error(sp, envoi_err_set(&err, ENVOI_EINVAL, "no recipient"), &err);
    const char **rcpts = calloc(n, sizeof *rcpts);
    if (!rcpts)
        return spool_keep_error(sp, envoi_err_set(&err, ENVOI_ENOMEM, "out of memory"), &err);
    for (size_t i = 0; i < n; i++)
        rcpts[i] = envoi_message_recipient(msg, i);
    int rc = envoi_spool_submit_envelope(sp, msg, from, rcpts, n, id);
    free(rcpts);
    return rc;
}

static int submit_for_session(void *ctx, const void *data, size_t len, const char *from,
                              const char *const *rcpts, size_t nrcpts, char id[ENVOI_SMTP_ID_SIZE],
                              envoi_error *err)
{
    envoi_spool *sp = ctx;
    spool_msg m = {.from = from, .rcpts = rcpts, .nrcpts = nrcpts, .data = data, .len = len};
    envoi_err_clear(err);
    return spool_keep_error(sp, submit_msg(sp, &m, id, err), err);
}

int envoi_spool_attach(envoi_spool *sp, envoi_smtp *s)
{
    if (!sp || !s)
        return ENVOI_EINVAL;
    return envoi_smtp_set_submitter(s, submit_for_session, sp);
}
