/* Serializing a parsed message: its source byte for byte, or, when the
 * caller changed top-level fields through the setters, the header block
 * rewritten (unchanged fields as their original lines, changed ones as the
 * composition writer writes them) and the body kept exactly. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envoi/parse.h"
#include "mime/headers.h"
#include "mime/message_impl.h"
#include "mime/part.h"
#include "util/err.h"

static const struct {
    const char *name;
    unsigned bit;
} field_bits[] = {
    {"From", MIME_CHANGED_FROM},
    {"Sender", MIME_CHANGED_SENDER},
    {"Reply-To", MIME_CHANGED_REPLY_TO},
    {"To", MIME_CHANGED_TO},
    {"Cc", MIME_CHANGED_CC},
    {"Bcc", MIME_CHANGED_BCC},
    {"Subject", MIME_CHANGED_SUBJECT},
    {"Date", MIME_CHANGED_DATE},
    {"Message-ID", MIME_CHANGED_MESSAGE_ID},
    {"In-Reply-To", MIME_CHANGED_IN_REPLY_TO},
    {"References", MIME_CHANGED_REFERENCES},
    {"X-Priority", MIME_CHANGED_PRIORITY},
    {"Importance", MIME_CHANGED_PRIORITY},
    {"Sensitivity", MIME_CHANGED_SENSITIVITY},
    {"Disposition-Notification-To", MIME_CHANGED_RECEIPT},
};

static unsigned bit_of(const char *name)
{
    for (size_t i = 0; i < sizeof field_bits / sizeof field_bits[0]; i++)
        if (strcasecmp(name, field_bits[i].name) == 0)
            return field_bits[i].bit;
    return 0;
}

/* The new field(s) of one bit, with the source's line ends. */
static int new_fields(const envoi_message *msg, unsigned bit, bool bare_lf, envoi_buf *out)
{
    envoi_buf tmp = ENVOI_BUF_INIT;
    int rc = mime_write_message_field(msg, bit, &tmp);
    for (size_t i = 0; rc == 0 && i < tmp.len; i++) {
        if (bare_lf && tmp.data[i] == '\r' && i + 1 < tmp.len && tmp.data[i + 1] == '\n')
            continue;
        rc = envoi_buf_append_char(out, tmp.data[i]);
    }
    envoi_buf_free(&tmp);
    return rc;
}

static int rewrite_headers(const envoi_message *msg, envoi_buf *out, size_t *rest)
{
    const mime_parsed *pm = msg->parsed;
    const envoi_part *root = pm->root;
    const char *src = pm->src;
    unsigned done = 0, changed = msg->changed;
    size_t pos = 0;
    bool bare_lf = false;
    if (root->nfields) {
        const mime_field *f = &root->fields[0];
        bare_lf = f->len < 2 || src[f->off + f->len - 2] != '\r';
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < root->nfields; i++) {
        const mime_field *f = &root->fields[i];
        rc = envoi_buf_append(out, src + pos, f->off - pos);
        pos = f->off + f->len;
        unsigned bit = bit_of(f->name);
        if (rc < 0 || !(bit & changed)) {
            if (rc == 0)
                rc = envoi_buf_append(out, src + f->off, f->len);
            continue;
        }
        if (!(done & bit))
            rc = new_fields(msg, bit, bare_lf, out);
        done |= bit;
    }
    if (rc == 0 && out->len && out->data[out->len - 1] != '\n')
        rc = envoi_buf_append_str(out, bare_lf ? "\n" : "\r\n");
    for (unsigned bit = 1; rc == 0 && bit <= MIME_CHANGED_HEADERS; bit <<= 1)
        if ((changed & bit) && !(done & bit))
            rc = new_fields(msg, bit, bare_lf, out);
    *rest = pos;
    return rc;
}

int mime_parsed_write(envoi_message *msg, envoi_write_fn write, void *ctx)
{
    mime_parsed *pm = msg->parsed;
    if (!pm->has_bodies)
        return envoi_err_set(&msg->err, ENVOI_ESTATE,
                             "a message read by the streaming parser has no source to write");
    if (msg->changed & MIME_CHANGED_BODY)
        return envoi_err_set(&msg->err, ENVOI_EUNSUPPORTED,
                             "the bodies and attachments of a parsed message cannot be changed; "
                             "compose a new message instead");
    if (!msg->changed || !pm->root)
        return pm->src_len ? write(ctx, pm->src, pm->src_len) : 0;
    envoi_buf head = ENVOI_BUF_INIT;
    size_t rest = 0;
    int rc = rewrite_headers(msg, &head, &rest);
    if (rc == 0 && head.len)
        rc = write(ctx, head.data, head.len);
    envoi_buf_free(&head);
    if (rc == 0 && rest < pm->src_len)
        rc = write(ctx, pm->src + rest, pm->src_len - rest);
    if (rc < 0 && msg->err.code == 0)
        envoi_err_set(&msg->err, rc, "writing the message: %s", envoi_strerror(rc));
    return rc;
}

/* ---- seeding the model's lists from the source ------------------------- */

static int seed_mboxes(mime_mbox_list *l, const mime_field *f)
{
    mime_addr_list al = {0};
    unsigned defects = 0;
    int rc = mime_addr_list_parse(f->value, strlen(f->value), &al, &defects);
    for (size_t i = 0; rc == 0 && i < al.len; i++) {
        if (!al.items[i].addr || !*al.items[i].addr)
            continue;
        if (l->len == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 4;
            mime_mbox *n = realloc(l->items, cap * sizeof *n);
            if (!n) {
                rc = ENVOI_ENOMEM;
                break;
            }
            l->items = n;
            l->cap = cap;
        }
        mime_mbox *m = &l->items[l->len];
        memset(m, 0, sizeof *m);
        m->mb.name = al.items[i].name ? strdup(al.items[i].name) : NULL;
        m->mb.addr = strdup(al.items[i].addr);
        m->header_addr = strdup(al.items[i].addr);
        if ((al.items[i].name && !m->mb.name) || !m->mb.addr || !m->header_addr) {
            mime_mbox_clear(m);
            rc = ENVOI_ENOMEM;
            break;
        }
        l->len++;
    }
    mime_addr_list_free(&al);
    return rc;
}

static int seed_ids(mime_str_list *l, const mime_field *f)
{
    mime_id_list ids = {0};
    unsigned defects = 0;
    int rc = mime_id_list_parse(f->value, strlen(f->value), &ids, &defects);
    for (size_t i = 0; rc == 0 && i < ids.len; i++) {
        if (l->len == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 4;
            char **n = realloc(l->items, cap * sizeof *n);
            if (!n) {
                rc = ENVOI_ENOMEM;
                break;
            }
            l->items = n;
            l->cap = cap;
        }
        if (!(l->items[l->len] = strdup(ids.items[i])))
            rc = ENVOI_ENOMEM;
        else
            l->len++;
    }
    mime_id_list_free(&ids);
    return rc;
}

int mime_parsed_seed(envoi_message *msg, unsigned bit)
{
    const envoi_part *root = msg->parsed ? msg->parsed->root : NULL;
    if (!root)
        return 0;
    const char *name = NULL;
    mime_mbox_list *l = NULL;
    switch (bit) {
    case MIME_CHANGED_REPLY_TO:
        name = "Reply-To", l = &msg->reply_to;
        break;
    case MIME_CHANGED_TO:
        name = "To", l = &msg->to;
        break;
    case MIME_CHANGED_CC:
        name = "Cc", l = &msg->cc;
        break;
    case MIME_CHANGED_BCC:
        name = "Bcc", l = &msg->bcc;
        break;
    case MIME_CHANGED_REFERENCES: {
        const mime_field *f = mime_part_field(root, "References");
        return f ? seed_ids(&msg->references, f) : 0;
    }
    default:
        return 0;
    }
    const mime_field *f = mime_part_field(root, name);
    return f ? seed_mboxes(l, f) : 0;
}
