/* The SMTP session's asynchronous mode: instead of connecting, each message
 * goes whole to a submitter (a spool), which returns its id; DKIM-signed
 * first when the session signs. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "smtp/session.h"
#include "util/err.h"
#include "util/fdio.h"

int envoi_smtp_set_submitter(envoi_smtp *s, envoi_smtp_submit_fn fn, void *ctx)
{
    s->submit = fn;
    s->submit_ctx = fn ? ctx : NULL;
    s->last_id[0] = '\0';
    return 0;
}

const char *envoi_smtp_last_id(const envoi_smtp *s)
{
    return s->last_id;
}

static int append_out(void *ctx, const void *data, size_t len)
{
    return envoi_buf_append(ctx, data, len);
}

static int read_file(envoi_smtp *s, const char *path, envoi_buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
    int rc = 0;
    for (;;) {
        if (envoi_buf_reserve(out, 65536) < 0) {
            rc = envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
            break;
        }
        ssize_t n = envoi_read_some(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0)
            rc = envoi_err_set(&s->err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
        if (n <= 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
    }
    close(fd);
    return rc;
}

/* The whole source of the body: in memory already, or gathered into held. */
static int gather(envoi_smtp *s, smtp_body *b, const void **data, size_t *len)
{
    int rc = 0;
    if (b->kind == SMTP_BODY_MSG) {
        rc = envoi_message_write(b->msg, append_out, &b->held);
        if (rc < 0)
            return envoi_err_set(&s->err, rc, "cannot write the message: %s",
                                 envoi_message_error(b->msg)->text[0]
                                     ? envoi_message_error(b->msg)->text
                                     : envoi_strerror(rc));
    } else if (b->kind == SMTP_BODY_FILE) {
        rc = read_file(s, b->path, &b->held);
    }
    *data = b->kind == SMTP_BODY_MEM ? (const void *)b->data : (const void *)b->held.data;
    *len = b->kind == SMTP_BODY_MEM ? b->len : b->held.len;
    if (!*data)
        *data = "";
    return rc;
}

int smtp_async_send(envoi_smtp *s, smtp_body *body, const char *from, const char *const *rcpts,
                    size_t nrcpts)
{
    envoi_err_clear(&s->err);
    const void *data = NULL;
    size_t len = 0;
    int rc = gather(s, body, &data, &len);
    if (rc == 0 && s->dkim && (rc = smtp_sign_memory(s, data, len, &body->sig)) == 0) {
        data = body->sig.data;
        len = body->sig.len;
    }
    if (rc == 0) {
        char id[ENVOI_SMTP_ID_SIZE] = "";
        rc = s->submit(s->submit_ctx, data, len, from, rcpts, nrcpts, id, &s->err);
        if (rc == 0) {
            id[sizeof id - 1] = '\0';
            memcpy(s->last_id, id, sizeof id);
        } else if (s->err.code != rc) {
            envoi_err_set(&s->err, rc, "the message was not queued: %s", envoi_strerror(rc));
        }
    }
    envoi_buf_free(&body->held);
    envoi_buf_free(&body->sig);
    return rc;
}
