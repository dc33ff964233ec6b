/* Collecting the stored fields, indexed text and attachments of a parsed
 * message (see extract.h). */
#include "store/extract.h"

#include <string.h>

static const envoi_field field_of[STORE_FIELDS] = {ENVOI_FIELD_FROM, ENVOI_FIELD_TO,
                                                   ENVOI_FIELD_CC};

static int add_address(store_fields *f, int which, const char *name, const char *addr)
{
    envoi_buf *text = &f->text[which], *bare = &f->addr[which];
    int rc = 0;
    if (text->len)
        rc |= envoi_buf_append_str(text, ", ");
    if (bare->len)
        rc |= envoi_buf_append_char(bare, ' ');
    if (name && *name)
        rc |= envoi_buf_printf(text, "%s <%s>", name, addr ? addr : "");
    else
        rc |= envoi_buf_append_str(text, addr ? addr : "");
    rc |= envoi_buf_append_str(bare, addr ? addr : "");
    if (f->addresses.len)
        rc |= envoi_buf_append_char(&f->addresses, ' ');
    if (name && *name)
        rc |= envoi_buf_printf(&f->addresses, "%s ", name);
    rc |= envoi_buf_append_str(&f->addresses, addr ? addr : "");
    return rc ? ENVOI_ENOMEM : 0;
}

static int collect_addresses(const envoi_message *msg, store_fields *f)
{
    for (int which = 0; which < STORE_FIELDS; which++) {
        size_t n = envoi_message_address_count(msg, field_of[which]);
        for (size_t i = 0; i < n; i++) {
            const char *name = NULL, *addr = NULL;
            if (envoi_message_address_at(msg, field_of[which], i, &name, &addr) < 0)
                continue;
            int rc = add_address(f, which, name, addr);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/* HTML reduced to its text for the index: tags dropped, nothing else. */
static int append_without_tags(envoi_buf *out, const char *html, size_t len)
{
    bool in_tag = false;
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (!in_tag && html[i] == '<') {
            if (envoi_buf_append(out, html + start, i - start) < 0 ||
                envoi_buf_append_char(out, ' ') < 0)
                return ENVOI_ENOMEM;
            in_tag = true;
        } else if (in_tag && html[i] == '>') {
            in_tag = false;
            start = i + 1;
        }
    }
    if (!in_tag && envoi_buf_append(out, html + start, len - start) < 0)
        return ENVOI_ENOMEM;
    return 0;
}

static int collect_body(const envoi_message *msg, store_fields *f)
{
    const envoi_part *part = envoi_message_text_part(msg);
    bool html = false;
    if (!part) {
        part = envoi_message_html_part(msg);
        html = part != NULL;
    }
    const char *text;
    size_t len;
    if (!part || envoi_part_text(part, &text, &len) < 0)
        return 0;
    if (html)
        return append_without_tags(&f->body, text, len);
    return envoi_buf_append(&f->body, text, len);
}

int store_fields_collect(const envoi_message *msg, store_fields *f)
{
    int rc = collect_addresses(msg, f);
    if (rc == 0)
        rc = collect_body(msg, f);
    return rc;
}

void store_fields_free(store_fields *f)
{
    for (int i = 0; i < STORE_FIELDS; i++) {
        envoi_buf_free(&f->text[i]);
        envoi_buf_free(&f->addr[i]);
    }
    envoi_buf_free(&f->addresses);
    envoi_buf_free(&f->body);
}

typedef struct counting {
    store_digest *digest;
    uint64_t size;
} counting;

static int count_and_hash(void *ctx, const void *data, size_t len)
{
    counting *c = ctx;
    c->size += len;
    return store_digest_update(c->digest, data, len);
}

static int describe(const envoi_part *part, store_attachment_info *att)
{
    counting c = {store_digest_new(), 0};
    if (!c.digest)
        return ENVOI_ENOMEM;
    int rc = envoi_part_decode(part, count_and_hash, &c);
    if (rc < 0) {
        store_digest_free(c.digest);
        return rc;
    }
    att->path = envoi_part_path(part);
    att->filename = envoi_part_filename(part);
    att->content_type = envoi_part_content_type(part);
    att->size = c.size;
    return store_digest_finish(c.digest, att->sha256);
}

static int walk(const envoi_part *part, int (*fn)(void *, const store_attachment_info *), void *ctx)
{
    size_t n = envoi_part_child_count(part);
    if (n == 0) {
        if (!envoi_part_is_attachment(part))
            return 0;
        store_attachment_info att;
        int rc = describe(part, &att);
        return rc < 0 ? rc : fn(ctx, &att);
    }
    for (size_t i = 0; i < n; i++) {
        int rc = walk(envoi_part_child(part, i), fn, ctx);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int store_attachments_walk(const envoi_message *msg,
                           int (*fn)(void *ctx, const store_attachment_info *att), void *ctx)
{
    const envoi_part *root = envoi_message_root(msg);
    return root ? walk(root, fn, ctx) : 0;
}
