/* Leaf parts: Content-* header fields and streamed, encoded bodies (see part_write.h). */
#include "mime/part_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mime/encoding_choice.h"
#include "mime/header_write.h"
#include "mime/rfc2231.h"
#include "util/base64.h"
#include "util/err.h"
#include "util/fdio.h"
#include "util/qp.h"

#define ENCODE_SLICE (8 * 1024) /* input encoded at once: its output fits the out buffer */
#define BASE64_LINE 76

typedef struct body_encoder {
    mime_cte cte;
    envoi_b64_enc b64;
    envoi_qp_enc qp;
} body_encoder;

static void encoder_init(body_encoder *e, mime_cte cte)
{
    e->cte = cte;
    envoi_b64_enc_init(&e->b64, BASE64_LINE);
    envoi_qp_enc_init(&e->qp);
}

static int encode_slice(mime_out *o, body_encoder *e, const char *p, size_t n)
{
    size_t bound =
        e->cte == MIME_CTE_QP ? envoi_qp_enc_bound(n) : envoi_b64_enc_bound(n, BASE64_LINE);
    char *dst = mime_out_space(o, bound);
    if (!dst)
        return o->rc;
    if (e->cte == MIME_CTE_QP)
        mime_out_commit(o, envoi_qp_enc_update(&e->qp, p, n, dst));
    else
        mime_out_commit(o, envoi_b64_enc_update(&e->b64, p, n, dst));
    return 0;
}

static int encoder_update(mime_out *o, body_encoder *e, const void *data, size_t len)
{
    if (e->cte == MIME_CTE_7BIT)
        return mime_out_put(o, data, len);
    const char *p = data;
    while (len > 0 && o->rc == 0) {
        size_t n = len < ENCODE_SLICE ? len : ENCODE_SLICE;
        encode_slice(o, e, p, n);
        p += n;
        len -= n;
    }
    return o->rc;
}

static int encoder_final(mime_out *o, body_encoder *e)
{
    if (e->cte == MIME_CTE_7BIT)
        return o->rc;
    char *dst = mime_out_space(o, 64);
    if (!dst)
        return o->rc;
    if (e->cte == MIME_CTE_QP)
        mime_out_commit(o, envoi_qp_enc_final(&e->qp, dst));
    else
        mime_out_commit(o, envoi_b64_enc_final(&e->b64, dst));
    return o->rc;
}

static int put_headers(mime_out *o, envoi_buf *h, int rc)
{
    if (rc == 0)
        rc = envoi_buf_append(h, "\r\n", 2);
    if (rc == 0)
        rc = mime_out_put(o, h->data, h->len);
    envoi_buf_free(h);
    return rc;
}

int mime_write_body_part(mime_out *o, const char *subtype, const envoi_buf *body)
{
    const char *data = body->data ? body->data : "";
    mime_scan scan;
    mime_scan_init(&scan);
    mime_scan_update(&scan, data, body->len);
    mime_scan_final(&scan);
    mime_cte cte = mime_cte_for_body(&scan);
    envoi_buf h = ENVOI_BUF_INIT;
    int rc = envoi_buf_printf(&h,
                              "Content-Type: text/%s; charset=%s\r\n"
                              "Content-Transfer-Encoding: %s\r\n",
                              subtype, scan.nonascii ? "utf-8" : "us-ascii", mime_cte_name(cte));
    if ((rc = put_headers(o, &h, rc)) < 0)
        return rc;
    body_encoder e;
    encoder_init(&e, cte);
    encoder_update(o, &e, data, body->len);
    return encoder_final(o, &e);
}

static int write_attachment_headers(mime_out *o, const mime_attachment *a, mime_cte cte)
{
    envoi_buf out = ENVOI_BUF_INIT;
    mime_hdr h;
    mime_hdr_begin(&h, &out, "Content-Type");
    mime_hdr_word(&h, " ", 1, a->type, strlen(a->type));
    if (a->name)
        mime_hdr_param_2047(&h, "name", a->name);
    int rc = mime_hdr_end(&h);
    if (rc == 0)
        rc = envoi_buf_printf(&out, "Content-Transfer-Encoding: %s\r\n", mime_cte_name(cte));
    if (rc == 0) {
        mime_hdr_begin(&h, &out, "Content-Disposition");
        const char *disp = a->is_inline ? "inline" : "attachment";
        mime_hdr_word(&h, " ", 1, disp, strlen(disp));
        if (a->name)
            mime_hdr_param_2231(&h, "filename", a->name);
        rc = mime_hdr_end(&h);
    }
    if (rc == 0 && a->cid)
        rc = envoi_buf_printf(&out, "Content-ID: <%s>\r\n", a->cid);
    return put_headers(o, &out, rc);
}

static int write_data_attachment(mime_out *o, const mime_attachment *a)
{
    mime_scan scan;
    mime_scan_init(&scan);
    mime_scan_update(&scan, a->data, a->len);
    mime_scan_final(&scan);
    mime_cte cte = mime_cte_for_data(&scan, a->type);
    int rc = write_attachment_headers(o, a, cte);
    if (rc < 0)
        return rc;
    body_encoder e;
    encoder_init(&e, cte);
    encoder_update(o, &e, a->data, a->len);
    return encoder_final(o, &e);
}

/* Read up to len bytes, fewer only at the end of the file. */
static int file_error(envoi_error *err, const char *path, int errnum)
{
    return envoi_err_set(err, ENVOI_EFILE, "%s: %s", path, strerror(errnum));
}

static int stream_file(mime_out *o, const mime_attachment *a, int fd, char *buf, envoi_error *err)
{
    ssize_t n = envoi_read_full(fd, buf, MIME_FILE_CHUNK);
    if (n < 0)
        return file_error(err, a->path, errno);
    mime_scan scan;
    mime_scan_init(&scan);
    mime_scan_update(&scan, buf, (size_t)n);
    mime_cte cte = mime_cte_for_file(&scan, a->type);
    int rc = write_attachment_headers(o, a, cte);
    if (rc < 0)
        return rc;
    body_encoder e;
    encoder_init(&e, cte);
    while (n > 0) {
        if ((rc = encoder_update(o, &e, buf, (size_t)n)) < 0)
            return rc;
        if (n < MIME_FILE_CHUNK)
            break;
        if ((n = envoi_read_full(fd, buf, MIME_FILE_CHUNK)) < 0)
            return file_error(err, a->path, errno);
    }
    return encoder_final(o, &e);
}

static int write_file_attachment(mime_out *o, const mime_attachment *a, envoi_error *err)
{
    int fd = open(a->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return file_error(err, a->path, errno);
    char *buf = malloc(MIME_FILE_CHUNK);
    int rc = buf ? stream_file(o, a, fd, buf, err) : ENVOI_ENOMEM;
    free(buf);
    close(fd);
    return rc;
}

int mime_write_attachment(mime_out *o, const mime_attachment *a, envoi_error *err)
{
    return a->path ? write_file_attachment(o, a, err) : write_data_attachment(o, a);
}
