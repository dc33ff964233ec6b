/* A directory spool: submission and status on the queue opened in this
 * process (the same database envoid delivers from). */
#include <string.h>

#include "spool/spool_impl.h"

int spool_local_submit(envoi_spool *sp, const spool_msg *m, char id[SPOOL_ID_SIZE],
                       envoi_error *err)
{
    spool_submission sub = {
        .from = m->from,
        .recipients = m->rcpts,
        .recipient_count = m->nrcpts,
        .source = m->data,
        .source_len = m->len,
        .relay = NULL,
    };
    return spool_queue_submit(sp->queue, &sub, id, err);
}

static envoi_spool_msg_status public_status(spool_status st)
{
    switch (st) {
    case SPOOL_SENT:
        return ENVOI_SPOOL_SENT;
    case SPOOL_ERROR:
        return ENVOI_SPOOL_ERROR;
    case SPOOL_CANCELLED:
        return ENVOI_SPOOL_CANCELLED;
    default:
        return ENVOI_SPOOL_PENDING;
    }
}

int spool_local_status(envoi_spool *sp, const char *id, envoi_spool_state *out, envoi_error *err)
{
    spool_info info;
    memset(&info, 0, sizeof info);
    int rc = spool_queue_info(sp->queue, id, &info, err);
    if (rc == 0) {
        out->status = public_status(info.status);
        out->attempts = info.attempts;
        out->submitted_ms = info.submitted_ms;
        out->next_try_ms = info.status == SPOOL_PENDING ? info.next_try_ms : 0;
        out->done_ms = info.done_ms;
        const char *reason = info.reason ? info.reason : "";
        spool_copy_text(out->reason, sizeof out->reason, reason, strlen(reason));
    }
    spool_info_free(&info);
    return rc;
}
