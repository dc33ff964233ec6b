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

#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct id_builder {
    mime_arena *arena; /* where the results go; NULL: malloc */
    mime_id_list *out;
    size_t cap;
    unsigned *defects;
    bool general; /* no fast path for plain ids (tests compare the two) */
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

/* Append id (a string of b's) to the list; dropped when out of memory. */
static int append_id(struct id_builder *b, char *id)
{
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
    return append_id(b, id);
}

/* push_id for s[0..len) known to hold only printable ASCII: copied as it is. */
static int push_plain_id(struct id_builder *b, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    char *id = new_string(b, len);
    if (!id)
        return ENVOI_ENOMEM;
    memcpy(id, s, len);
    id[len] = '\0';
    return append_id(b, id);
}

/* A byte push_id would change or look at twice: a control, space, DEL or
 * 8-bit byte. */
static bool is_odd_byte(unsigned char c)
{
    return c <= ' ' || c >= 0x7f;
}

/* Offset of the first '<' or '>' in s[i..len) (len when none); *plain: the
 * bytes before it hold no odd byte. Sixteen bytes at a time. */
static size_t id_end(const char *s, size_t len, size_t i, bool *plain)
{
    unsigned odd = 0;
#ifdef __SSE2__
    const __m128i lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>');
    for (; i + 16 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned br =
            (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, gt)));
        /* signed: below '!' is a control, space or an 8-bit byte; also DEL */
        unsigned od = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmplt_epi8(x, _mm_set1_epi8('!')), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))));
        if (br) {
            odd |= od & ((1u << __builtin_ctz(br)) - 1);
            *plain = !odd;
            return i + (size_t)__builtin_ctz(br);
        }
        odd |= od;
    }
#endif
    for (; i < len && s[i] != '>' && s[i] != '<'; i++)
        odd |= is_odd_byte((unsigned char)s[i]);
    *plain = !odd;
    return i;
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
        bool plain;
        i = id_end(s, len, i, &plain);
        if (i >= len || s[i] == '<')
            *b->defects |= MIME_DEFECT_BAD_ADDRESS; /* '>' missing */
        int rc =
            plain && !b->general ? push_plain_id(b, s + st, i - st) : push_id(b, s + st, i - st);
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

static int parse_ids(struct id_builder b, const char *s, size_t len)
{
    mime_id_list *out = b.out;
    memset(out, 0, sizeof *out);
    out->arena = b.arena;
    int rc = has_bracket(s, len) ? parse_bracketed(&b, s, len) : parse_bare(&b, s, len);
    if (rc < 0)
        mime_id_list_free(out);
    return rc;
}

int mime_id_list_parse_in(mime_arena *arena, const char *s, size_t len, mime_id_list *out,
                          unsigned *defects)
{
    unsigned scratch = 0;
    struct id_builder b = {.arena = arena, .out = out, .defects = defects ? defects : &scratch};
    return parse_ids(b, s, len);
}

int mime_id_list_parse_general(const char *s, size_t len, mime_id_list *out, unsigned *defects)
{
    unsigned scratch = 0;
    struct id_builder b = {.out = out, .defects = defects ? defects : &scratch, .general = true};
    return parse_ids(b, s, len);
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
