/* Files uuencoded inside a text/plain body ("begin MODE NAME" ... "end"), as
 * mailers attached them before MIME: found and decoded on first use. */
#include <string.h>

#include "envoi/parse.h"
#include "mime/defect.h"
#include "mime/message_impl.h"
#include "mime/part.h"
#include "mime/part_decode.h"

/* "begin" SP 3-4 octal digits SP name, at a line start. */
static bool is_begin_line(const char *s, size_t n, size_t *name_off)
{
    if (n < 10 || memcmp(s, "begin ", 6) != 0)
        return false;
    size_t i = 6;
    while (i < n && s[i] >= '0' && s[i] <= '7')
        i++;
    if (i < 9 || i > 10 || i >= n || s[i] != ' ')
        return false;
    *name_off = i + 1;
    return *name_off < n;
}

static size_t line_len(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    return nl ? (size_t)(nl - s) + 1 : n;
}

static size_t trimmed(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

static int add_block(envoi_part *p, const char *text, size_t len, size_t name_off, size_t name_len)
{
    mime_arena *a = &p->msg->parsed->arena;
    if (p->nuu == p->cap_uu) {
        size_t cap = p->cap_uu ? p->cap_uu * 2 : 4;
        mime_uu_file *n = mime_arena_alloc(a, cap * sizeof *n);
        if (!n)
            return ENVOI_ENOMEM;
        if (p->nuu)
            memcpy(n, p->uu, p->nuu * sizeof *n);
        p->uu = n;
        p->cap_uu = cap;
    }
    mime_uu_file *f = &p->uu[p->nuu];
    f->name = mime_arena_strndup(a, text + name_off, name_len);
    unsigned char *out = mime_arena_alloc_raw(a, mime_decoder_bound(len));
    if (!f->name || !out)
        return ENVOI_ENOMEM;
    mime_decoder d;
    mime_decoder_init(&d, MIME_CTE_UU);
    size_t w = mime_decoder_feed(&d, text, len, out);
    w += mime_decoder_finish(&d, out + w);
    if (d.defects)
        mime_part_report(p, d.defects, p->body_off);
    f->data = out;
    f->len = w;
    p->nuu++;
    return 0;
}

static int find_blocks(envoi_part *p)
{
    const void *body;
    size_t n;
    int rc = envoi_part_body(p, &body, &n);
    if (rc < 0)
        return rc;
    const char *s = body;
    size_t i = 0;
    while (i < n) {
        size_t l = line_len(s + i, n - i), name_off;
        if (!is_begin_line(s + i, trimmed(s + i, l), &name_off)) {
            i += l;
            continue;
        }
        size_t start = i, name_len = trimmed(s + i, l) - name_off;
        i += l;
        while (i < n) {
            size_t k = line_len(s + i, n - i);
            i += k;
            if (trimmed(s + i - k, k) == 3 && memcmp(s + i - k, "end", 3) == 0)
                break;
        }
        if ((rc = add_block(p, s + start, i - start, name_off, name_len)) < 0)
            return rc;
    }
    mime_defects_finish(p->msg);
    return 0;
}

static envoi_part *scanned(const envoi_part *part)
{
    envoi_part *p = (envoi_part *)part;
    if (!p || p->kind != MIME_LEAF || strcmp(envoi_part_content_type(p), "text/plain") != 0 ||
        !p->msg->parsed->has_bodies)
        return NULL;
    if (!p->uu_done && find_blocks(p) == 0)
        p->uu_done = true;
    return p->uu_done ? p : NULL;
}

size_t envoi_part_uu_count(const envoi_part *part)
{
    envoi_part *p = scanned(part);
    return p ? p->nuu : 0;
}

int envoi_part_uu_at(const envoi_part *part, size_t index, const char **name, const void **data,
                     size_t *len)
{
    envoi_part *p = scanned(part);
    if (!p || index >= p->nuu)
        return ENVOI_EINVAL;
    if (name)
        *name = p->uu[index].name;
    if (data)
        *data = p->uu[index].data;
    if (len)
        *len = p->uu[index].len;
    return 0;
}
