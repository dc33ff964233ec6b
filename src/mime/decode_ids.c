/* Message-ID, In-Reply-To and References: every <id> in order, or the bare
 * ids (words holding an '@') when no angle brackets are used at all. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "mime/decode.h"
#include "mime/defect.h"
#include "util/charset.h"
#include "util/utf8.h"

struct id_builder {
    mime_id_list *out;
    size_t cap;
    unsigned *defects;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t skip_comment(const char *s, size_t len, size_t i)
{
    int depth = 0;
    for (; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len)
            i++;
        else if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && --depth == 0)
            return i + 1;
    }
    return len;
}

/* Add s[0..len) with blanks and NULs removed, as valid UTF-8. */
static int push_id(struct id_builder *b, const char *s, size_t len)
{
    envoi_buf raw = ENVOI_BUF_INIT, u = ENVOI_BUF_INIT;
    int rc = envoi_buf_reserve(&raw, len);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < len; i++)
        if (!is_blank(s[i]) && s[i])
            raw.data[raw.len++] = s[i];
    raw.data[raw.len] = '\0';
    if (raw.len == 0) {
        envoi_buf_free(&raw);
        return 0;
    }
    if (!envoi_is_ascii(raw.data, raw.len)) {
        rc = envoi_charset_to_utf8("utf-8", raw.data, raw.len, &u);
        if (rc == CHARSET_MISMATCH)
            *b->defects |= MIME_DEFECT_8BIT_HEADER;
        envoi_buf_free(&raw);
        if (rc < 0) {
            envoi_buf_free(&u);
            return rc;
        }
        raw = u;
    }
    mime_id_list *l = b->out;
    if (l->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4;
        char **n = realloc(l->items, cap * sizeof *n);
        if (!n) {
            envoi_buf_free(&raw);
            return ENVOI_ENOMEM;
        }
        l->items = n;
        b->cap = cap;
    }
    l->items[l->len++] = envoi_buf_steal(&raw, NULL);
    return 0;
}

static int parse_bracketed(struct id_builder *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '(') {
            i = skip_comment(s, len, i);
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
            i = skip_comment(s, len, i);
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
            i = skip_comment(s, len, i) - 1;
        else if (s[i] == '<')
            return true;
    }
    return false;
}

int mime_id_list_parse(const char *s, size_t len, mime_id_list *out, unsigned *defects)
{
    unsigned scratch = 0;
    struct id_builder b = {.out = out, .defects = defects ? defects : &scratch};
    memset(out, 0, sizeof *out);
    int rc = has_bracket(s, len) ? parse_bracketed(&b, s, len) : parse_bare(&b, s, len);
    if (rc < 0)
        mime_id_list_free(out);
    return rc;
}

void mime_id_list_free(mime_id_list *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}
