/* The public spool handle: opening a directory or a URL, the token, the
 * last error, closing. */
#include <stdlib.h>
#include <string.h>

#include "spool/spool_impl.h"
#include "util/err.h"
#include "util/secret.h"

static envoi_spool *fail_open(envoi_spool *sp, envoi_error *err, const envoi_error *why)
{
    if (err)
        *err = *why;
    envoi_spool_close(sp);
    return NULL;
}

envoi_spool *envoi_spool_open(const char *where, envoi_error *err)
{
    envoi_error e;
    envoi_err_clear(&e);
    if (!where || !*where) {
        envoi_err_set(&e, ENVOI_EINVAL, "no spool directory or URL given");
        return fail_open(NULL, err, &e);
    }
    envoi_spool *sp = calloc(1, sizeof *sp);
    if (!sp) {
        envoi_err_set(&e, ENVOI_ENOMEM, "out of memory");
        return fail_open(NULL, err, &e);
    }
    pthread_mutex_init(&sp->lock, NULL);
    int rc;
    if (spool_is_url(where)) {
        rc = spool_url_parse(where, &sp->url, &e);
    } else {
        spool_policy policy;
        spool_policy_default(&policy);
        rc = spool_queue_open(&sp->queue, where, &policy, &e);
    }
    if (rc < 0)
        return fail_open(sp, err, &e);
    if (err)
        envoi_err_clear(err);
    return sp;
}

void envoi_spool_close(envoi_spool *sp)
{
    if (!sp)
        return;
    if (sp->queue)
        spool_queue_close(sp->queue);
    spool_url_free(&sp->url);
    envoi_secret_free(sp->token);
    pthread_mutex_destroy(&sp->lock);
    free(sp);
}

int envoi_spool_set_token(envoi_spool *sp, const char *token)
{
    if (token && strpbrk(token, "\r\n")) {
        envoi_error e;
        envoi_err_set(&e, ENVOI_EHEADER, "the token has a line break");
        return spool_keep_error(sp, e.code, &e);
    }
    char *copy = NULL;
    if (token && !(copy = strdup(token))) {
        envoi_error e;
        envoi_err_set(&e, ENVOI_ENOMEM, "out of memory");
        return spool_keep_error(sp, e.code, &e);
    }
    envoi_secret_free(sp->token);
    sp->token = copy;
    return 0;
}

const envoi_error *envoi_spool_error(const envoi_spool *sp)
{
    return &sp->err;
}

int spool_keep_error(envoi_spool *sp, int rc, const envoi_error *err)
{
    if (rc >= 0)
        return rc;
    pthread_mutex_lock(&sp->lock);
    sp->err = *err;
    if (sp->err.code != rc) {
        sp->err.code = rc;
        if (!sp->err.text[0])
            spool_copy_text(sp->err.text, sizeof sp->err.text, envoi_strerror(rc),
                            strlen(envoi_strerror(rc)));
    }
    pthread_mutex_unlock(&sp->lock);
    return rc;
}

const char *envoi_spool_status_name(envoi_spool_msg_status status)
{
    switch (status) {
    case ENVOI_SPOOL_PENDING:
        return "pending";
    case ENVOI_SPOOL_SENT:
        return "sent";
    case ENVOI_SPOOL_ERROR:
        return "error";
    case ENVOI_SPOOL_CANCELLED:
        return "cancelled";
    }
    return "unknown";
}

void spool_copy_text(char *dst, size_t size, const char *src, size_t len)
{
    if (size == 0)
        return;
    if (len >= size) {
        len = size - 1;
        /* Back off the continuation bytes of a character that would be cut. */
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    if (len)
        memcpy(dst, src, len);
    dst[len] = '\0';
}
