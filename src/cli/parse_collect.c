/* Streaming collector of "envoi parse" (see parse_collect.h). */
#include "cli/parse_collect.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime/defect.h"
#include "util/buf.h"
#include "util/charset.h"

/* What is known of one part while its body streams by. */
typedef struct pending {
    const envoi_part *part;
    char *path;
    uint64_t size;
    EVP_MD_CTX *md; /* NULL once finished */
    unsigned char sha[32];
    envoi_buf kept; /* decoded bytes of a candidate main body */
    bool keep;
    bool cut; /* bytes were dropped from kept */
} pending;

struct cli_collector {
    cli_message_fn fn;
    void *ctx;
    pending *items;
    size_t len;
    size_t cap;
    size_t kept_total;
    size_t count;
    size_t last;     /* index of the part that received data last */
    bool seen_plain; /* a text/plain resp. text/html candidate was met */
    bool seen_html;
};

cli_collector *cli_collector_new(cli_message_fn fn, void *ctx)
{
    cli_collector *c = calloc(1, sizeof *c);
    if (c) {
        c->fn = fn;
        c->ctx = ctx;
    }
    return c;
}

size_t cli_collector_count(const cli_collector *c)
{
    return c->count;
}

static void pending_clear(pending *p)
{
    EVP_MD_CTX_free(p->md);
    free(p->path);
    envoi_buf_free(&p->kept);
}

static void reset(cli_collector *c)
{
    for (size_t i = 0; i < c->len; i++)
        pending_clear(&c->items[i]);
    c->len = 0;
    c->kept_total = 0;
    c->last = 0;
    c->seen_plain = false;
    c->seen_html = false;
}

void cli_collector_free(cli_collector *c)
{
    if (!c)
        return;
    reset(c);
    free(c->items);
    free(c);
}

/* Inside a message/rfc822 that is itself a part: the main bodies are never
 * taken from an attached message. */
static bool in_attached_message(const envoi_part *part)
{
    for (const envoi_part *a = envoi_part_parent(part); a; a = envoi_part_parent(a)) {
        const char *type = envoi_part_content_type(a);
        if (type && strncmp(type, "message/", 8) == 0 && envoi_part_parent(a))
            return true;
    }
    return false;
}

/* A body that may become the message's main text or HTML (see
 * envoi_message_text_part): a text/plain or text/html leaf outside attached
 * messages. Attachments count only as a fallback, so only the first of each
 * type is kept besides the others. */
static bool is_candidate(cli_collector *c, const envoi_part *part)
{
    const char *type = envoi_part_content_type(part);
    bool plain = type && strcmp(type, "text/plain") == 0;
    if (!plain && !(type && strcmp(type, "text/html") == 0))
        return false;
    if (in_attached_message(part))
        return false;
    bool *first = plain ? &c->seen_plain : &c->seen_html;
    bool was_first = !*first;
    *first = true;
    const char *disposition = envoi_part_disposition(part);
    bool attached = (disposition && strcmp(disposition, "attachment") == 0) ||
                    envoi_part_filename(part) != NULL;
    return !attached || was_first;
}

static int on_part_begin(void *ctx, const envoi_part *part)
{
    cli_collector *c = ctx;
    if (c->len == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        pending *grown = realloc(c->items, cap * sizeof *grown);
        if (!grown)
            return ENVOI_ENOMEM;
        c->items = grown;
        c->cap = cap;
    }
    pending *p = &c->items[c->len];
    memset(p, 0, sizeof *p);
    const char *path = envoi_part_path(part);
    p->part = part;
    p->path = strdup(path ? path : "");
    p->md = EVP_MD_CTX_new();
    if (!p->path || !p->md || !EVP_DigestInit_ex(p->md, EVP_sha256(), NULL)) {
        pending_clear(p);
        return ENVOI_ENOMEM;
    }
    p->keep = is_candidate(c, part);
    c->len++;
    return 0;
}

static pending *find(cli_collector *c, const envoi_part *part)
{
    if (c->last < c->len && c->items[c->last].part == part)
        return &c->items[c->last];
    for (size_t i = c->len; i > 0; i--) {
        if (c->items[i - 1].part == part) {
            c->last = i - 1;
            return &c->items[i - 1];
        }
    }
    return NULL;
}

static int keep_bytes(cli_collector *c, pending *p, const void *data, size_t len)
{
    size_t room = CLI_BODY_KEEP_MAX - p->kept.len;
    if (CLI_BODY_KEEP_TOTAL - c->kept_total < room)
        room = CLI_BODY_KEEP_TOTAL - c->kept_total;
    size_t n = len < room ? len : room;
    if (n < len)
        p->cut = true;
    if (n && envoi_buf_append(&p->kept, data, n) < 0)
        return ENVOI_ENOMEM;
    c->kept_total += n;
    return 0;
}

static int on_part_data(void *ctx, const envoi_part *part, const void *data, size_t len)
{
    cli_collector *c = ctx;
    pending *p = find(c, part);
    if (!p || !p->md)
        return 0;
    if (!EVP_DigestUpdate(p->md, data, len))
        return ENVOI_ENOMEM;
    p->size += len;
    return p->keep ? keep_bytes(c, p, data, len) : 0;
}

static void finish_digest(pending *p)
{
    if (!p->md)
        return;
    if (!EVP_DigestFinal_ex(p->md, p->sha, NULL))
        memset(p->sha, 0, sizeof p->sha);
    EVP_MD_CTX_free(p->md);
    p->md = NULL;
}

static int on_part_end(void *ctx, const envoi_part *part)
{
    pending *p = find(ctx, part);
    if (p)
        finish_digest(p);
    return 0;
}

/* A cut body ends at its last complete line, so no character is split
 * (a line feed is never part of a multibyte character in mail charsets). */
static size_t uncut_length(const pending *p)
{
    if (!p->cut)
        return p->kept.len;
    const char *nl = memrchr(p->kept.data, '\n', p->kept.len);
    return nl ? (size_t)(nl - p->kept.data) + 1 : p->kept.len;
}

/* The defect envoi_part_text records when it converts a body, recorded here
 * since the streamed body is converted by the command line. */
static int note_charset(cli_message_view *v, int result, const char *path)
{
    unsigned kind = result == CHARSET_UNKNOWN    ? MIME_DEFECT_UNKNOWN_CHARSET
                    : result == CHARSET_MISMATCH ? MIME_DEFECT_CHARSET_MISMATCH
                                                 : 0;
    if (!kind)
        return 0;
    const char *name = mime_defect_name(kind);
    size_t n = envoi_message_defect_count(v->msg);
    for (size_t i = 0; i < n; i++) {
        const envoi_defect *d = envoi_message_defect_at(v->msg, i);
        if (d && d->name && d->path && path && strcmp(d->name, name) == 0 &&
            strcmp(d->path, path) == 0)
            return 0; /* the parser records one defect of a kind per part */
    }
    return cli_view_add_note(v, name, path, mime_defect_sentence(kind));
}

static int main_body(cli_collector *c, cli_message_view *v, const envoi_part *part,
                     const char *which, char **out, size_t *out_len)
{
    if (!part)
        return 0;
    pending *p = find(c, part);
    const char *path = envoi_part_path(part);
    if (!p || !p->keep || (p->cut && p->kept.len == 0)) {
        char detail[160];
        snprintf(detail, sizeof detail,
                 "the main %s body was not kept: a message keeps at most %zu MiB of bodies", which,
                 CLI_BODY_KEEP_TOTAL >> 20);
        return cli_view_add_note(v, "body-not-kept", path, detail);
    }
    envoi_buf utf8 = ENVOI_BUF_INIT;
    int rc = envoi_charset_to_utf8(envoi_part_charset(part), p->kept.data ? p->kept.data : "",
                                   uncut_length(p), &utf8);
    if (rc < 0) {
        envoi_buf_free(&utf8);
        return rc;
    }
    *out = envoi_buf_steal(&utf8, out_len);
    if (!*out)
        return ENVOI_ENOMEM;
    rc = note_charset(v, rc, path);
    if (rc < 0)
        return rc;
    if (p->cut) {
        char detail[160];
        snprintf(detail, sizeof detail,
                 "the main %s body is larger than %zu MiB: only its first lines are shown", which,
                 CLI_BODY_KEEP_MAX >> 20);
        return cli_view_add_note(v, "body-truncated", path, detail);
    }
    return 0;
}

static int build_view(cli_collector *c, const envoi_message *msg, cli_message_view *v)
{
    memset(v, 0, sizeof *v);
    v->msg = msg;
    for (size_t i = 0; i < c->len; i++) {
        pending *p = &c->items[i];
        finish_digest(p);
        int rc = cli_view_add_digest(v, p->part, p->path, p->size, p->sha);
        if (rc < 0)
            return rc;
    }
    int rc = main_body(c, v, envoi_message_text_part(msg), "text", &v->text, &v->text_len);
    if (rc == 0)
        rc = main_body(c, v, envoi_message_html_part(msg), "HTML", &v->html, &v->html_len);
    return rc;
}

static int on_message_end(void *ctx, envoi_message *msg, bool *keep)
{
    cli_collector *c = ctx;
    cli_message_view v;
    *keep = false;
    int rc = build_view(c, msg, &v);
    if (rc == 0) {
        c->count++;
        rc = c->fn(c->ctx, &v);
    }
    cli_view_free(&v);
    reset(c);
    return rc;
}

static const envoi_parse_callbacks callbacks = {
    on_part_begin,
    on_part_data,
    on_part_end,
    on_message_end,
};

const envoi_parse_callbacks *cli_collector_callbacks(void)
{
    return &callbacks;
}
