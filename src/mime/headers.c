/* Writing the message's header fields from the model (see headers.h). */
#include "mime/headers.h"

#include <string.h>

#include "envoi/error.h"
#include "mime/header_write.h"
#include "util/time.h"

static int write_plain(envoi_buf *out, const char *name, const char *value)
{
    mime_hdr h;
    mime_hdr_begin(&h, out, name);
    mime_hdr_word(&h, " ", 1, value, strlen(value));
    return mime_hdr_end(&h);
}

static int write_mbox(envoi_buf *out, const char *name, const mime_mbox *m)
{
    if (!m->mb.addr)
        return 0;
    mime_hdr h;
    mime_hdr_begin(&h, out, name);
    mime_hdr_mailbox(&h, m->mb.name, m->header_addr, "");
    return mime_hdr_end(&h);
}

static int write_list(envoi_buf *out, const char *name, const mime_mbox_list *l)
{
    if (l->len == 0)
        return 0;
    mime_hdr h;
    mime_hdr_begin(&h, out, name);
    for (size_t i = 0; i < l->len; i++)
        mime_hdr_mailbox(&h, l->items[i].mb.name, l->items[i].header_addr,
                         i + 1 < l->len ? "," : "");
    return mime_hdr_end(&h);
}

static int write_ids(envoi_buf *out, const char *name, char *const *ids, size_t n)
{
    if (n == 0)
        return 0;
    mime_hdr h;
    envoi_buf w = ENVOI_BUF_INIT;
    mime_hdr_begin(&h, out, name);
    for (size_t i = 0; i < n && h.rc == 0; i++) {
        envoi_buf_clear(&w);
        h.rc = envoi_buf_printf(&w, "<%s>", ids[i]);
        if (h.rc == 0)
            mime_hdr_word(&h, " ", 1, w.data, w.len);
    }
    envoi_buf_free(&w);
    return mime_hdr_end(&h);
}

static int write_text(envoi_buf *out, const char *name, const char *value)
{
    mime_hdr h;
    mime_hdr_begin(&h, out, name);
    mime_hdr_text(&h, value);
    return mime_hdr_end(&h);
}

static int write_priority(envoi_buf *out, envoi_priority p)
{
    if (p == ENVOI_PRIORITY_HIGH)
        return envoi_buf_append_str(out, "X-Priority: 1 (Highest)\r\nImportance: high\r\n");
    if (p == ENVOI_PRIORITY_LOW)
        return envoi_buf_append_str(out, "X-Priority: 5 (Lowest)\r\nImportance: low\r\n");
    return 0;
}

static int write_sensitivity(envoi_buf *out, envoi_sensitivity s)
{
    static const char *const names[] = {NULL, "Personal", "Private", "Company-Confidential"};
    if (s == ENVOI_SENSITIVITY_NONE)
        return 0;
    return envoi_buf_printf(out, "Sensitivity: %s\r\n", names[s]);
}

int mime_write_message_headers(const envoi_message *msg, envoi_buf *out)
{
    char date[ENVOI_RFC5322_DATE_SIZE];
    int rc = envoi_time_rfc5322(msg->date, date, sizeof date);
    if (rc == 0)
        rc = write_plain(out, "Date", date);
    if (rc == 0)
        rc = write_mbox(out, "From", &msg->from);
    if (rc == 0)
        rc = write_mbox(out, "Sender", &msg->sender);
    if (rc == 0)
        rc = write_list(out, "Reply-To", &msg->reply_to);
    if (rc == 0)
        rc = write_list(out, "To", &msg->to);
    if (rc == 0)
        rc = write_list(out, "Cc", &msg->cc);
    if (rc == 0 && msg->write_bcc)
        rc = write_list(out, "Bcc", &msg->bcc);
    if (rc == 0 && msg->subject)
        rc = write_text(out, "Subject", msg->subject);
    if (rc == 0)
        rc = write_ids(out, "Message-ID", &msg->message_id, 1);
    if (rc == 0 && msg->in_reply_to)
        rc = write_ids(out, "In-Reply-To", &msg->in_reply_to, 1);
    if (rc == 0)
        rc = write_ids(out, "References", msg->references.items, msg->references.len);
    if (rc == 0)
        rc = write_priority(out, msg->priority);
    if (rc == 0)
        rc = write_sensitivity(out, msg->sensitivity);
    if (rc == 0)
        rc = write_mbox(out, "Disposition-Notification-To", &msg->receipt);
    for (size_t i = 0; rc == 0 && i < msg->nheaders; i++)
        rc = write_text(out, msg->headers[i].name, msg->headers[i].value);
    if (rc == 0)
        rc = envoi_buf_append_str(out, "MIME-Version: 1.0\r\n");
    return rc;
}

int mime_write_message_field(const envoi_message *msg, unsigned bit, envoi_buf *out)
{
    char date[ENVOI_RFC5322_DATE_SIZE];
    int rc = 0;
    switch (bit) {
    case MIME_CHANGED_DATE:
        if (msg->date_set && (rc = envoi_time_rfc5322(msg->date, date, sizeof date)) == 0)
            rc = write_plain(out, "Date", date);
        return rc;
    case MIME_CHANGED_FROM:
        return write_mbox(out, "From", &msg->from);
    case MIME_CHANGED_SENDER:
        return write_mbox(out, "Sender", &msg->sender);
    case MIME_CHANGED_REPLY_TO:
        return write_list(out, "Reply-To", &msg->reply_to);
    case MIME_CHANGED_TO:
        return write_list(out, "To", &msg->to);
    case MIME_CHANGED_CC:
        return write_list(out, "Cc", &msg->cc);
    case MIME_CHANGED_BCC:
        return msg->write_bcc ? write_list(out, "Bcc", &msg->bcc) : 0;
    case MIME_CHANGED_SUBJECT:
        return msg->subject ? write_text(out, "Subject", msg->subject) : 0;
    case MIME_CHANGED_MESSAGE_ID:
        return msg->message_id ? write_ids(out, "Message-ID", &msg->message_id, 1) : 0;
    case MIME_CHANGED_IN_REPLY_TO:
        return msg->in_reply_to ? write_ids(out, "In-Reply-To", &msg->in_reply_to, 1) : 0;
    case MIME_CHANGED_REFERENCES:
        return write_ids(out, "References", msg->references.items, msg->references.len);
    case MIME_CHANGED_PRIORITY:
        return write_priority(out, msg->priority);
    case MIME_CHANGED_SENSITIVITY:
        return write_sensitivity(out, msg->sensitivity);
    case MIME_CHANGED_RECEIPT:
        return write_mbox(out, "Disposition-Notification-To", &msg->receipt);
    case MIME_CHANGED_HEADERS:
        for (size_t i = 0; rc == 0 && i < msg->nheaders; i++)
            rc = write_text(out, msg->headers[i].name, msg->headers[i].value);
        return rc;
    default:
        return 0;
    }
}
