/* Submission: the message is checked before it joins the group commit (so
 * one bad message never fails the others), then acknowledged only once the
 * transaction holding it is durable. */
#include "spool/queue_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

static bool has_line_break(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

static int check_recipients(const spool_submission *m, envoi_error *err)
{
    if (!m->recipients || m->recipient_count == 0)
        return envoi_err_set(err, ENVOI_EINVAL, "the message has no recipient");
    for (size_t i = 0; i < m->recipient_count; i++) {
        const char *r = m->recipients[i];
        if (!r || !*r)
            return envoi_err_set(err, ENVOI_EADDRESS, "recipient %zu is empty", i + 1);
        if (has_line_break(r))
            return envoi_err_set(err, ENVOI_EHEADER,
                                 "recipient %zu contains a line break (CR or LF)", i + 1);
    }
    return 0;
}

static int check_submission(const spool_queue *q, const spool_submission *m, envoi_error *err)
{
    if (!m)
        return envoi_err_set(err, ENVOI_EINVAL, "no message to submit");
    if (m->from && has_line_break(m->from))
        return envoi_err_set(err, ENVOI_EHEADER, "the sender contains a line break (CR or LF)");
    if (m->relay && (!*m->relay || has_line_break(m->relay)))
        return envoi_err_set(err, ENVOI_EINVAL, "the relay name is empty or has a line break");
    int rc = check_recipients(m, err);
    if (rc < 0)
        return rc;
    if (!m->source || m->source_len == 0)
        return envoi_err_set(err, ENVOI_EINVAL, "the message is empty");
    if (m->source_len > q->policy.max_message)
        return envoi_err_set(err, ENVOI_ETOOBIG,
                             "the message is %zu bytes, over the spool's limit of %zu bytes",
                             m->source_len, q->policy.max_message);
    return 0;
}

static int append_lower(envoi_buf *b, const char *s)
{
    int rc = envoi_buf_append_char(b, '\n');
    for (; rc == 0 && *s; s++)
        rc = envoi_buf_append_char(b, (char)tolower((unsigned char)*s));
    return rc;
}

/* The text the list's search looks in: sender, recipients, subject. */
static int build_search(const spool_submission *m, const char *subject, envoi_buf *b)
{
    int rc = append_lower(b, m->from ? m->from : "");
    for (size_t i = 0; rc == 0 && i < m->recipient_count; i++)
        rc = append_lower(b, m->recipients[i]);
    if (rc == 0)
        rc = append_lower(b, subject);
    return rc;
}

/* Check m and fill p for the committer: id, time, subject, search text. */
static int prepare(spool_queue *q, const spool_submission *m, queue_pending *p, envoi_error *err)
{
    if (!q)
        return envoi_err_set(err, ENVOI_EINVAL, "no spool queue");
    int rc = check_submission(q, m, err);
    if (rc < 0)
        return rc;
    p->m = m;
    p->err = err;
    p->now_ms = queue_now_ms(q);
    envoi_buf search = ENVOI_BUF_INIT;
    p->subject = queue_subject(m->source, m->source_len);
    if (!p->subject || build_search(m, p->subject, &search) < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else if (queue_id_new(p->id, p->now_ms) < 0)
        rc = envoi_err_set(err, ENVOI_EINVAL, "the random generator failed");
    p->search = search.data ? envoi_buf_steal(&search, NULL) : strdup("");
    if (rc == 0 && !p->search)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    envoi_buf_free(&search);
    return rc;
}

int spool_queue_submit(spool_queue *q, const spool_submission *m, char id[SPOOL_ID_SIZE],
                       envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (id)
        id[0] = '\0';
    queue_pending p = {0};
    int rc = prepare(q, m, &p, err);
    if (rc == 0)
        rc = queue_commit_wait(q, &p);
    free(p.subject);
    free(p.search);
    if (rc == 0 && id)
        memcpy(id, p.id, SPOOL_ID_SIZE);
    return rc;
}

int spool_queue_submit_async(spool_queue *q, const spool_submission *m, spool_submit_done done,
                             void *ctx, envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (!done)
        return envoi_err_set(err, ENVOI_EINVAL, "no function to report the submission to");
    queue_pending *p = calloc(1, sizeof *p);
    if (!p)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int rc = prepare(q, m, p, err);
    p->err = &p->own_err;
    p->on_done = done;
    p->done_ctx = ctx;
    if (rc == 0 && (rc = queue_commit_enqueue(q, p)) < 0)
        *err = p->own_err;
    if (rc < 0)
        queue_pending_free(p);
    return rc;
}
