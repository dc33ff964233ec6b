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

int spool_queue_submit(spool_queue *q, const spool_submission *m, char id[SPOOL_ID_SIZE],
                       envoi_error *err)
{
    envoi_error local;
    if (!err)
        err = &local;
    envoi_err_clear(err);
    if (id)
        id[0] = '\0';
    if (!q)
        return envoi_err_set(err, ENVOI_EINVAL, "no spool queue");
    int rc = check_submission(q, m, err);
    if (rc < 0)
        return rc;
    queue_pending p = {.m = m, .err = err, .now_ms = queue_now_ms(q)};
    envoi_buf search = ENVOI_BUF_INIT;
    char *subject = queue_subject(m->source, m->source_len);
    if (!subject || build_search(m, subject, &search) < 0)
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    else if (queue_id_new(p.id, p.now_ms) < 0)
        rc = envoi_err_set(err, ENVOI_EINVAL, "the random generator failed");
    if (rc == 0) {
        p.subject = subject;
        p.search = search.data ? search.data : "";
        rc = queue_commit_wait(q, &p);
    }
    free(subject);
    envoi_buf_free(&search);
    if (rc == 0 && id)
        memcpy(id, p.id, SPOOL_ID_SIZE);
    return rc;
}
