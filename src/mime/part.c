/* The part tree of a parsed message: getters, and bodies decoded on first
 * use and cached. */
#include <string.h>
#include <strings.h>

#include "envoi/parse.h"
#include "mime/defect.h"
#include "mime/message_impl.h"
#include "mime/part.h"
#include "mime/part_decode.h"
#include "util/charset.h"

size_t envoi_part_child_count(const envoi_part *part)
{
    return part ? part->nchildren : 0;
}

const envoi_part *envoi_part_child(const envoi_part *part, size_t index)
{
    return part && index < part->nchildren ? part->children[index] : NULL;
}

const envoi_part *envoi_part_parent(const envoi_part *part)
{
    return part ? part->parent : NULL;
}

const char *envoi_part_path(const envoi_part *part)
{
    return part && part->path ? part->path : "";
}

const char *envoi_part_content_type(const envoi_part *part)
{
    return part && part->type ? part->type : "text/plain";
}

const char *envoi_part_param(const envoi_part *part, const char *name)
{
    return part && name && part->ct.value ? mime_params_get(&part->ct, name) : NULL;
}

const char *envoi_part_charset(const envoi_part *part)
{
    return part ? part->charset : NULL;
}

const char *envoi_part_disposition(const envoi_part *part)
{
    return part ? part->disposition : NULL;
}

const char *envoi_part_filename(const envoi_part *part)
{
    return part ? part->filename : NULL;
}

const char *envoi_part_content_id(const envoi_part *part)
{
    return part ? part->cid : NULL;
}

const char *envoi_part_transfer_encoding(const envoi_part *part)
{
    return part ? part->cte_name : NULL;
}

static bool is_text(const envoi_part *part)
{
    return strncmp(envoi_part_content_type(part), "text/", 5) == 0;
}

bool envoi_part_is_attachment(const envoi_part *part)
{
    if (!part || part->kind != MIME_LEAF)
        return false;
    const char *d = part->disposition;
    if (d && strcmp(d, "attachment") == 0)
        return true;
    bool is_inline = d && strcmp(d, "inline") == 0;
    if (is_text(part))
        return part->filename && !is_inline;
    if (part->cid && (is_inline || !d))
        return false;
    return true;
}

size_t envoi_part_header_count(const envoi_part *part)
{
    return part ? part->nfields : 0;
}

int envoi_part_header_at(const envoi_part *part, size_t index, const char **name,
                         const char **value)
{
    if (!part || index >= part->nfields)
        return ENVOI_EINVAL;
    /* A hint for mime_part_field: the name is often looked up next. The part
     * lives in its message's arena, never in read-only memory. */
    ((envoi_part *)part)->last_at = index;
    if (name)
        *name = part->fields[index].name;
    if (value)
        *value = part->fields[index].value;
    return 0;
}

const char *envoi_part_header(const envoi_part *part, const char *name)
{
    const mime_field *f = part && name ? mime_part_field(part, name) : NULL;
    return f ? f->value : NULL;
}

/* Printable ASCII (and tabs) without "=?": decoding gives the same text. */
static bool is_plain_ascii(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 32 && c != '\t') || c > 126 || (c == '=' && s[1] == '?'))
            return false;
    }
    return true;
}

const char *envoi_part_header_decoded(const envoi_part *part, const char *name)
{
    const mime_field *f = part && name ? mime_part_field(part, name) : NULL;
    return f ? mime_field_decoded(part, f) : NULL;
}

const char *mime_field_decoded(const envoi_part *part, const mime_field *field)
{
    /* Fields live in the message's arena, never in read-only memory. */
    mime_field *f = (mime_field *)field;
    if (f->decoded)
        return f->decoded;
    if (is_plain_ascii(f->value)) {
        f->decoded = f->value; /* no encoded-word, nothing to convert */
        return f->decoded;
    }
    envoi_buf b = ENVOI_BUF_INIT;
    unsigned defects = 0;
    if (mime_decode_unstructured(f->value, strlen(f->value), &b, &defects) == 0)
        f->decoded = mime_arena_strndup(&part->msg->parsed->arena, b.data ? b.data : "", b.len);
    envoi_buf_free(&b);
    return f->decoded;
}

int mime_part_decode_body(envoi_part *part)
{
    mime_parsed *pm = part->msg->parsed;
    if (part->body_done)
        return 0;
    const char *in = pm->src + part->body_off;
    size_t len = part->body_end - part->body_off;
    if (part->kind != MIME_LEAF || part->cte == MIME_CTE_IDENTITY ||
        part->cte == MIME_CTE_UNKNOWN) {
        /* Nothing to decode: the body is the source itself. */
        if (part->kind == MIME_LEAF)
            mime_part_report(part, mime_body_controls(in, len), part->body_off);
        part->body = (unsigned char *)in;
        part->body_len = len;
        part->body_done = true;
        return 0;
    }
    unsigned char *out = mime_arena_alloc_raw(&pm->arena, mime_decoder_bound(len));
    if (!out)
        return ENVOI_ENOMEM;
    mime_decoder d;
    mime_decoder_init(&d, part->cte);
    size_t w = mime_decoder_feed(&d, in, len, out);
    w += mime_decoder_finish(&d, out + w);
    mime_part_report(part, d.defects, part->body_off);
    part->body = out;
    part->body_len = w;
    part->body_done = true;
    return 0;
}

int envoi_part_body(const envoi_part *part, const void **data, size_t *len)
{
    if (!part || !data || !len)
        return ENVOI_EINVAL;
    if (!part->msg->parsed->has_bodies)
        return ENVOI_ESTATE;
    int rc = mime_part_decode_body((envoi_part *)part);
    if (rc < 0)
        return rc;
    *data = part->body;
    *len = part->body_len;
    return 0;
}

int envoi_part_text(const envoi_part *part, const char **utf8, size_t *len)
{
    if (!part || !utf8 || !len)
        return ENVOI_EINVAL;
    envoi_part *p = (envoi_part *)part;
    if (!is_text(part))
        return ENVOI_EINVAL;
    if (!p->text_done) {
        const void *data;
        size_t n;
        int rc = envoi_part_body(part, &data, &n);
        if (rc < 0)
            return rc;
        envoi_buf b = ENVOI_BUF_INIT;
        rc = envoi_charset_to_utf8(p->charset, data, n, &b);
        if (rc < 0) {
            envoi_buf_free(&b);
            return rc;
        }
        if (rc == CHARSET_UNKNOWN)
            mime_part_report(p, MIME_DEFECT_UNKNOWN_CHARSET, p->body_off);
        else if (rc == CHARSET_MISMATCH)
            mime_part_report(p, MIME_DEFECT_CHARSET_MISMATCH, p->body_off);
        if (!b.data && envoi_buf_reserve(&b, 0) < 0)
            return ENVOI_ENOMEM;
        p->text = envoi_buf_steal(&b, &p->text_len);
        p->text_done = true;
    }
    *utf8 = p->text;
    *len = p->text_len;
    return 0;
}

int envoi_part_raw(const envoi_part *part, const void **data, size_t *len)
{
    if (!part || !data || !len)
        return ENVOI_EINVAL;
    mime_parsed *pm = part->msg->parsed;
    if (!pm->has_bodies)
        return ENVOI_ESTATE;
    *data = pm->src + part->off;
    *len = part->body_end - part->off;
    return 0;
}
