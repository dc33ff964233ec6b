/* Message-ID, In-Reply-To and References: every <id> in order, or the bare
 * ids (words holding an '@') when no angle brackets are used at all. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "mime/decode.h"
#include "mime/defect.h"
#include "mime/lex.h"
#include "util/charset.h"
#include "util/utf8.h"

struct id_builder {
    mime_arena *arena; /* where the results go; NULL: malloc */
    mime_id_list *out;
    size_t cap;
    unsigned *defects;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A new string for n bytes and a NUL (in the arena when set). */
static char *new_string(const struct id_builder *b, size_t n)
{
    return b->arena ? mime_arena_alloc_raw(b->arena, n + 1) : malloc(n + 1);
}

static void drop(const struct id_builder *b, char *s)
{
    if (!b->arena)
        free(s);
}

/* The items array grown to cap entries. */
static char **grow_items(struct id_builder *b, size_t cap)
{
    mime_id_list *l = b->out;
    if (!b->arena)
        return realloc(l->items, cap * sizeof *l->items);
    char **n = mime_arena_alloc_raw(b->arena, cap * sizeof *n);
    if (n && l->len)
        memcpy(n, l->items, l->len * sizeof *n);
    return n;
}

/* s[0..n) as valid UTF-8 in a new string; the 8-bit case of push_id. */
static int utf8_string(struct id_builder *b, const char *s, size_t n, char **out)
{
    envoi_buf u = ENVOI_BUF_INIT;
    int rc = envoi_charset_to_utf8("utf-8", s, n, &u);
    if (rc == CHARSET_MISMATCH)
        *b->defects |= MIME_DEFECT_8BIT_HEADER;
    if (rc >= 0) {
        rc = 0;
        *out = new_string(b, u.len);
        if (*out) {
            if (u.len)
                memcpy(*out, u.data, u.len);
            (*out)[u.len] = '\0';
        } else {
            rc = ENVOI_ENOMEM;
        }
    }
    envoi_buf_free(&u);
    return rc;
}

/* Add s[0..len) with blanks and NULs removed, as valid UTF-8. */
static int push_id(struct id_builder *b, const char *s, size_t len)
{
    char *id = new_string(b, len);
    if (!id)
        return ENVOI_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!is_blank(s[i]) && s[i])
            id[n++] = s[i];
    id[n] = '\0';
    if (n == 0) {
        drop(b, id);
        return 0;
    }
    if (!envoi_is_ascii(id, n)) {
        char *u = NULL;
        int rc = utf8_string(b, id, n, &u);
        drop(b, id);
        if (rc < 0)
            return rc;
        id = u;
    }
    mime_id_list *l = b->out;
    if (l->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4;
        char **items = grow_items(b, cap);
        if (!items) {
            drop(b, id);
            return ENVOI_ENOMEM;
        }
        l->items = items;
        b->cap = cap;
    }
    l->items[l->len++] = id;
    return 0;
}

static int parse_bracketed(struct id_builder *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '(') {
            i = mime_skip_comment(s, len, i);
            continue;
        }
        if (c != '<') {
            i++;
            continue;
        }
        size_t st = ++i;
        while (i < len && s[i] != '>' && s[i] != '<')
            i++;
        if (i >= len || s[i] == '<')
            *b->defects |= MIME_DEFECT_BAD_ADDRESS; /* '>' missing */
        int rc = push_id(b, s + st, i - st);
        if (rc < 0)
            return rc;
        if (i < len && s[i] == '>')
            i++;
    }
    return 0;
}

static int parse_bare(struct id_builder *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] == '(') {
            i = mime_skip_comment(s, len, i);
            continue;
        }
        if (s[i] == '>')
            *b->defects |= MIME_DEFECT_BAD_ADDRESS; /* a '>' without its '<' */
        if (is_blank(s[i]) || s[i] == ',' || s[i] == '>') {
            i++;
            continue;
        }
        size_t st = i;
        while (i < len && !is_blank(s[i]) && s[i] != ',' && s[i] != '(' && s[i] != '>')
            i++;
        if (memchr(s + st, '@', i - st)) {
            int rc = push_id(b, s + st, i - st);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

static bool has_bracket(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '(')
            i = mime_skip_comment(s, len, i) - 1;
        else if (s[i] == '<')
            return true;
    }
    return false;
}

int mime_id_list_parse_in(mime_arena *arena, const char *s, size_t len, mime_id_list *out,
                          unsigned *defects)
{
    unsigned scratch = 0;
    struct id_builder b = {.arena = arena, .out = out, .defects = defects ? defects : &scratch};
    memset(out, 0, sizeof *out);
    out->arena = arena;
    int rc = has_bracket(s, len) ? parse_bracketed(&b, s, len) : parse_bare(&b, s, len);
    if (rc < 0)
        mime_id_list_free(out);
    return rc;
}

int mime_id_list_parse(const char *s, size_t len, mime_id_list *out, unsigned *defects)
{
    return mime_id_list_parse_in(NULL, s, len, out, defects);
}

void mime_id_list_free(mime_id_list *l)
{
    for (size_t i = 0; i < l->len && !l->arena; i++)
        free(l->items[i]);
    if (!l->arena)
        free(l->items);
    l->items = NULL;
    l->len = 0;
}
