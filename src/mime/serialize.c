/* Serializing a message as a stream: header fields, then the MIME tree
 *
 *   multipart/mixed                 when there are attachments
 *     multipart/alternative         when there are text and HTML
 *       text/plain
 *       multipart/related           when the HTML has inline parts
 *         text/html
 *         inline parts...
 *     attachments...                (inline parts too, when there is no HTML)
 *
 * with each level left out when it would hold a single part. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "envoi/message.h"
#include "mime/headers.h"
#include "mime/message_impl.h"
#include "mime/messageid.h"
#include "mime/out.h"
#include "mime/part.h"
#include "mime/part_write.h"
#include "util/err.h"

enum { BOUNDARY_MIXED, BOUNDARY_ALTERNATIVE, BOUNDARY_RELATED };

typedef struct writer {
    envoi_message *msg;
    mime_out out;
} writer;

static size_t count_parts(const envoi_message *msg, bool is_inline)
{
    size_t n = 0;
    for (size_t i = 0; i < msg->nparts; i++)
        n += msg->parts[i].is_inline == is_inline;
    return n;
}

/* Inline parts go into multipart/related only when there is HTML to refer to them. */
static bool goes_in_related(const envoi_message *msg, const mime_attachment *a)
{
    return a->is_inline && msg->has_html;
}

static bool occurs_in(const char *b, const void *data, size_t len)
{
    return data && len && memmem(data, len, b, strlen(b)) != NULL;
}

/* Only in-memory content can be written 7bit, so only it can hold a boundary. */
static bool boundary_collides(const envoi_message *msg, const char *b)
{
    if (occurs_in(b, msg->text.data, msg->text.len) || occurs_in(b, msg->html.data, msg->html.len))
        return true;
    for (size_t i = 0; i < msg->nparts; i++)
        if (occurs_in(b, msg->parts[i].data, msg->parts[i].len))
            return true;
    return false;
}

static int fix_boundaries(envoi_message *msg)
{
    for (int i = 0; i < 3; i++) {
        bool fresh = !msg->boundaries_set;
        while (fresh || boundary_collides(msg, msg->boundary[i])) {
            int rc = mime_boundary_generate(msg->boundary[i], sizeof msg->boundary[i]);
            if (rc < 0)
                return envoi_err_set(&msg->err, rc, "no random bytes for a MIME boundary");
            fresh = false;
        }
    }
    msg->boundaries_set = true;
    return 0;
}

/* Date, Message-ID and boundaries are chosen once, so a second write gives the same source. */
static int fix_first_write(envoi_message *msg)
{
    if (!msg->date_set) {
        msg->date = time(NULL);
        msg->date_set = true;
    }
    if (!msg->message_id) {
        int rc = mime_messageid_generate(&msg->message_id);
        if (rc < 0)
            return envoi_err_set(&msg->err, rc, "cannot generate a Message-ID");
    }
    return fix_boundaries(msg);
}

static int put_str(writer *w, const char *s)
{
    return mime_out_str(&w->out, s);
}

static int open_multipart(writer *w, const char *subtype, int which, const char *extra)
{
    envoi_buf h = ENVOI_BUF_INIT;
    int rc = envoi_buf_printf(&h, "Content-Type: multipart/%s;%s\r\n boundary=\"%s\"\r\n\r\n",
                              subtype, extra, w->msg->boundary[which]);
    if (rc == 0)
        rc = mime_out_put(&w->out, h.data, h.len);
    envoi_buf_free(&h);
    return rc;
}

static int delimiter(writer *w, int which, bool first)
{
    if (!first)
        put_str(w, "\r\n");
    put_str(w, "--");
    put_str(w, w->msg->boundary[which]);
    return put_str(w, "\r\n");
}

static int close_multipart(writer *w, int which)
{
    put_str(w, "\r\n--");
    put_str(w, w->msg->boundary[which]);
    return put_str(w, "--\r\n");
}

static int write_html_block(writer *w)
{
    envoi_message *msg = w->msg;
    if (count_parts(msg, true) == 0)
        return mime_write_body_part(&w->out, "html", &msg->html);
    int rc = open_multipart(w, "related", BOUNDARY_RELATED, " type=\"text/html\";");
    delimiter(w, BOUNDARY_RELATED, true);
    if (rc == 0)
        rc = mime_write_body_part(&w->out, "html", &msg->html);
    for (size_t i = 0; rc == 0 && i < msg->nparts; i++) {
        if (!goes_in_related(msg, &msg->parts[i]))
            continue;
        delimiter(w, BOUNDARY_RELATED, false);
        rc = mime_write_attachment(&w->out, &msg->parts[i], &msg->err);
    }
    return rc < 0 ? rc : close_multipart(w, BOUNDARY_RELATED);
}

static bool has_main(const envoi_message *msg)
{
    return msg->has_text || msg->has_html;
}

static int write_main(writer *w)
{
    envoi_message *msg = w->msg;
    if (msg->has_text && msg->has_html) {
        int rc = open_multipart(w, "alternative", BOUNDARY_ALTERNATIVE, "");
        delimiter(w, BOUNDARY_ALTERNATIVE, true);
        if (rc == 0)
            rc = mime_write_body_part(&w->out, "plain", &msg->text);
        delimiter(w, BOUNDARY_ALTERNATIVE, false);
        if (rc == 0)
            rc = write_html_block(w);
        return rc < 0 ? rc : close_multipart(w, BOUNDARY_ALTERNATIVE);
    }
    if (msg->has_html)
        return write_html_block(w);
    return mime_write_body_part(&w->out, "plain", &msg->text);
}

static bool needs_mixed(const envoi_message *msg)
{
    for (size_t i = 0; i < msg->nparts; i++)
        if (!goes_in_related(msg, &msg->parts[i]))
            return true;
    return false;
}

static int write_mixed(writer *w)
{
    envoi_message *msg = w->msg;
    int rc = open_multipart(w, "mixed", BOUNDARY_MIXED, "");
    bool first = true;
    if (rc == 0 && has_main(msg)) {
        delimiter(w, BOUNDARY_MIXED, true);
        rc = write_main(w);
        first = false;
    }
    for (size_t i = 0; rc == 0 && i < msg->nparts; i++) {
        if (goes_in_related(msg, &msg->parts[i]))
            continue;
        delimiter(w, BOUNDARY_MIXED, first);
        first = false;
        rc = mime_write_attachment(&w->out, &msg->parts[i], &msg->err);
    }
    return rc < 0 ? rc : close_multipart(w, BOUNDARY_MIXED);
}

static int write_message(writer *w)
{
    envoi_buf head = ENVOI_BUF_INIT;
    int rc = mime_write_message_headers(w->msg, &head);
    if (rc == 0)
        rc = mime_out_put(&w->out, head.data, head.len);
    envoi_buf_free(&head);
    if (rc < 0)
        return rc;
    rc = needs_mixed(w->msg) ? write_mixed(w) : write_main(w);
    if (rc == 0 && w->out.last != '\n')
        rc = put_str(w, "\r\n");
    if (rc == 0)
        rc = mime_out_flush(&w->out);
    return rc < 0 ? rc : w->out.rc;
}

int envoi_message_write(envoi_message *msg, envoi_write_fn write, void *ctx)
{
    if (!msg || !write)
        return ENVOI_EINVAL;
    envoi_err_clear(&msg->err);
    if (msg->parsed)
        return mime_parsed_write(msg, write, ctx);
    int rc = fix_first_write(msg);
    if (rc < 0)
        return rc;
    writer w = {.msg = msg};
    if ((rc = mime_out_init(&w.out, write, ctx)) == 0)
        rc = write_message(&w);
    mime_out_free(&w.out);
    if (rc < 0 && msg->err.code == 0)
        envoi_err_set(&msg->err, rc, "writing the message: %s", envoi_strerror(rc));
    return rc;
}

static int append_to_buf(void *ctx, const void *data, size_t len)
{
    return envoi_buf_append(ctx, data, len);
}

int envoi_message_to_string(envoi_message *msg, char **out, size_t *len)
{
    if (!out)
        return ENVOI_EINVAL;
    *out = NULL;
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = envoi_message_write(msg, append_to_buf, &b);
    if (rc == 0 && !(*out = envoi_buf_steal(&b, len)))
        rc = ENVOI_ENOMEM;
    envoi_buf_free(&b);
    return rc;
}
