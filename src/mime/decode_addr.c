/* Address lists as real mail writes them (From, To, Cc, Reply-To...): RFC
 * 5322 mailboxes and groups, comments, quoted local parts, obsolete routes,
 * and repairs for missing commas, brackets and quotes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "mime/decode.h"
#include "mime/defect.h"
#include "util/charset.h"

enum tok_kind { T_ATOM, T_QSTR, T_LIT, T_COMMENT, T_AT, T_LT, T_GT, T_COMMA, T_COLON, T_SEMI };

struct tok {
    enum tok_kind kind;
    size_t start, len; /* raw text, quotes and parentheses included */
    bool space;        /* whitespace or a comment before it */
};

#define LOCAL_WORDS 16

struct parser {
    const char *s;
    size_t len, pos;
    unsigned *defects;
    mime_arena *arena; /* where the results go; NULL: malloc */
    mime_addr_list *out;
    size_t cap;
    /* The entry being read: its words outside <>, the <> content, a comment. */
    struct tok *words; /* local_words until there are more */
    size_t nwords, words_cap;
    struct tok local_words[LOCAL_WORDS];
    envoi_buf angle;
    bool has_angle, angle_open, angle_closed;
    struct tok comment;
    bool has_comment;
    bool in_group;
    bool continued;     /* the entry began after a '>' without a comma */
    bool words_at;      /* an '@' among the words */
    bool unclosed[3];   /* '"', '(', '[' seen never closed: later ones are blanks */
    envoi_buf raw, dec; /* scratch for display names, reused */
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Characters that end an atom (besides blanks). */
static bool is_special(char c)
{
    switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '"':
    case '[':
        return true;
    default:
        return false;
    }
}

/* End of a bracketed run: a quoted string ("..."), a comment ((...), nested)
 * or a domain literal ([...]), backslash escapes honoured; 0 when it is never
 * closed. */
static size_t skip_run(struct parser *p, size_t i, char open, char close)
{
    int depth = 0;
    for (; i < p->len; i++) {
        char c = p->s[i];
        if (c == '\\' && i + 1 < p->len) {
            i++;
            continue;
        }
        if (c == open && (depth == 0 || open == '(')) {
            depth++;
            continue;
        }
        if (c == close && --depth == 0)
            return i + 1;
    }
    return 0;
}

/* The next token; false at the end of the input. */
static bool next_tok(struct parser *p, struct tok *t)
{
    bool space = false;
    for (;;) {
        while (p->pos < p->len && is_blank(p->s[p->pos])) {
            p->pos++;
            space = true;
        }
        if (p->pos >= p->len)
            return false;
        size_t i = p->pos;
        char c = p->s[i];
        int kind = c == '"' ? 0 : c == '(' ? 1 : c == '[' ? 2 : -1;
        if (c == ')' || (kind >= 0 && p->unclosed[kind])) {
            /* A stray ')' or an opener known to be never closed: a blank. */
            *p->defects |= MIME_DEFECT_BAD_ADDRESS;
            p->pos++;
            space = true;
            continue;
        }
        t->start = i;
        t->space = space;
        if (kind >= 0) {
            t->kind = kind == 0 ? T_QSTR : kind == 1 ? T_COMMENT : T_LIT;
            size_t e = skip_run(p, i, c, kind == 0 ? '"' : kind == 1 ? ')' : ']');
            if (e == 0) {
                p->unclosed[kind] = true;
                continue;
            }
            t->len = e - i;
            p->pos = e;
            return true;
        }
        break;
    }
    size_t i = p->pos;
    char c = p->s[i];
    switch (c) {
    case '@':
    case '<':
    case '>':
    case ',':
    case ':':
    case ';':
        t->kind = c == '@'   ? T_AT
                  : c == '<' ? T_LT
                  : c == '>' ? T_GT
                  : c == ',' ? T_COMMA
                  : c == ':' ? T_COLON
                             : T_SEMI;
        i++;
        break;
    default:
        t->kind = T_ATOM;
        while (i < p->len && !is_blank(p->s[i]) && !is_special(p->s[i]))
            i += (p->s[i] == '\\' && i + 1 < p->len) ? 2 : 1;
        break;
    }
    t->len = i - t->start;
    p->pos = i;
    return true;
}

/* The content of a quoted string or comment, outer delimiters and
 * backslashes removed. */
static int append_unquoted(const char *s, size_t len, envoi_buf *b)
{
    size_t i = 1, end = len;
    if (len >= 2 && (s[len - 1] == '"' || s[len - 1] == ')'))
        end = len - 1;
    if (envoi_buf_reserve(b, len) < 0)
        return ENVOI_ENOMEM;
    for (; i < end; i++) {
        if (s[i] == '\\' && i + 1 < end)
            i++;
        b->data[b->len++] = s[i];
    }
    b->data[b->len] = '\0';
    return 0;
}

/* True when s[0..len) is ASCII, eight bytes at a time. */
static bool all_ascii(const char *s, size_t len)
{
    size_t i = 0;
    uint64_t acc = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < len; i++)
        acc |= (unsigned char)s[i];
    return (acc & 0x8080808080808080ull) == 0;
}

/* Release a result string (nothing to do when it lives in the arena). */
static void drop(mime_arena *arena, char *s)
{
    if (!arena)
        free(s);
}

/* s[0..len) without its NUL bytes, as a new string (in arena when set). */
static char *dup_without_nuls(mime_arena *arena, const char *s, size_t len)
{
    char *d = arena ? mime_arena_alloc_raw(arena, len + 1) : malloc(len + 1);
    if (!d)
        return NULL;
    size_t w = 0;
    if (!memchr(s, '\0', len)) {
        memcpy(d, s, len);
        w = len;
    } else {
        for (size_t r = 0; r < len; r++)
            if (s[r])
                d[w++] = s[r];
    }
    d[w] = '\0';
    return d;
}

/* Trim blanks, drop NULs, make valid UTF-8: s[0..len) as a new string. */
static int finish_string(mime_arena *arena, const char *s, size_t len, unsigned *defects,
                         char **out)
{
    size_t a = 0, e = len;
    while (a < e && is_blank(s[a]))
        a++;
    while (e > a && is_blank(s[e - 1]))
        e--;
    if (all_ascii(s + a, e - a)) {
        *out = dup_without_nuls(arena, s + a, e - a);
        return *out ? 0 : ENVOI_ENOMEM;
    }
    envoi_buf t = ENVOI_BUF_INIT;
    int rc = envoi_charset_to_utf8("utf-8", s + a, e - a, &t);
    if (rc == CHARSET_MISMATCH)
        *defects |= MIME_DEFECT_8BIT_HEADER;
    if (rc >= 0)
        *out = dup_without_nuls(arena, t.data ? t.data : "", t.len);
    envoi_buf_free(&t);
    if (rc < 0)
        return rc;
    return *out ? 0 : ENVOI_ENOMEM;
}

/* True when s[0..len) is ASCII without NUL or "=?": it decodes to itself. */
static bool is_plain(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0 || c >= 0x80 || (c == '=' && i + 1 < len && s[i + 1] == '?'))
            return false;
    }
    return true;
}

/* A display name from phrase words (quoted strings unquoted) or a comment,
 * in p->raw: encoded-words decoded; NULL when it comes out empty. */
static int decode_name_from(struct parser *p, const char *raw, size_t len, char **out)
{
    *out = NULL;
    int rc = 0;
    if (is_plain(raw, len)) {
        /* Printable ASCII without encoded-words decodes to itself. */
        rc = finish_string(p->arena, raw, len, p->defects, out);
    } else {
        envoi_buf_clear(&p->dec);
        rc = mime_decode_unstructured(raw, len, &p->dec, p->defects);
        if (rc == 0 && p->dec.len)
            rc = finish_string(p->arena, p->dec.data, p->dec.len, p->defects, out);
    }
    if (rc == 0 && *out && !**out) {
        drop(p->arena, *out);
        *out = NULL;
    }
    return rc;
}

static int decode_name(struct parser *p, char **out)
{
    return decode_name_from(p, p->raw.data, p->raw.len, out);
}

static int phrase_name(struct parser *p, const struct tok *w, size_t n, char **out)
{
    envoi_buf *raw = &p->raw;
    int rc = 0;
    envoi_buf_clear(raw);
    for (size_t k = 0; k < n && rc == 0; k++) {
        if (w[k].space && raw->len)
            rc = envoi_buf_append_char(raw, ' ');
        if (rc == 0)
            rc = w[k].kind == T_QSTR ? append_unquoted(p->s + w[k].start, w[k].len, raw)
                                     : envoi_buf_append(raw, p->s + w[k].start, w[k].len);
    }
    *out = NULL;
    if (rc == 0 && raw->len)
        rc = decode_name(p, out);
    return rc;
}

static int comment_name(struct parser *p, char **out)
{
    *out = NULL;
    envoi_buf_clear(&p->raw);
    int rc = append_unquoted(p->s + p->comment.start, p->comment.len, &p->raw);
    if (rc == 0 && p->raw.len)
        rc = decode_name(p, out);
    return rc;
}

/* The items array grown to cap entries. */
static mime_addr *grow_items(struct parser *p, size_t cap)
{
    mime_addr_list *l = p->out;
    if (!p->arena)
        return realloc(l->items, cap * sizeof *l->items);
    mime_addr *n = mime_arena_alloc_raw(p->arena, cap * sizeof *n);
    if (n && l->len)
        memcpy(n, l->items, l->len * sizeof *n);
    return n;
}

/* Add one address; name and addr are taken over (freed on failure). */
static int push_addr(struct parser *p, char *name, char *addr)
{
    mime_addr_list *l = p->out;
    if (l->len == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        mime_addr *n = grow_items(p, cap);
        if (!n) {
            drop(p->arena, name);
            drop(p->arena, addr);
            return ENVOI_ENOMEM;
        }
        l->items = n;
        p->cap = cap;
    }
    l->items[l->len].name = name;
    l->items[l->len].addr = addr;
    l->len++;
    return 0;
}

static int push_raw_addr(struct parser *p, char *name, envoi_buf *addr)
{
    char *a = NULL;
    int rc = finish_string(p->arena, addr->data ? addr->data : "", addr->len, p->defects, &a);
    if (rc < 0) {
        drop(p->arena, name);
        return rc;
    }
    return push_addr(p, name, a);
}

/* True when w[k] and w[k+1] belong to one addr-spec: nothing between them,
 * or an '@' or '.' joins them ("a . b @ c" in the obsolete syntax). */
static bool joined(struct parser *p, const struct tok *w, size_t k)
{
    const struct tok *a = &w[k], *b = &w[k + 1];
    if (!b->space)
        return true;
    if (a->kind == T_AT || b->kind == T_AT)
        return true;
    return (a->kind == T_ATOM && p->s[a->start + a->len - 1] == '.') ||
           (b->kind == T_ATOM && p->s[b->start] == '.');
}

/* An entry without <>: each run of words holding an '@' is an address
 * (several when commas are missing); words before one are its name. */
static int finish_bare(struct parser *p)
{
    const struct tok *w = p->words;
    size_t n = p->nwords, k = 0, name_from = 0, found = 0;
    bool used_comment = false;
    int rc = 0;
    while (k < n && rc == 0) {
        size_t e = k;
        bool at = false;
        while (e + 1 < n && joined(p, w, e))
            at |= w[e++].kind == T_AT;
        at |= w[e].kind == T_AT;
        e++;
        if (!at) {
            k = e;
            continue;
        }
        char *name = NULL;
        if (k > name_from) {
            *p->defects |= MIME_DEFECT_BAD_ADDRESS; /* a name without <> */
            rc = phrase_name(p, w + name_from, k - name_from, &name);
        } else if (!used_comment && p->has_comment) {
            rc = comment_name(p, &name);
            used_comment = true;
        }
        envoi_buf a = ENVOI_BUF_INIT;
        for (size_t i = k; i < e && rc == 0; i++)
            rc = envoi_buf_append(&a, p->s + w[i].start, w[i].len);
        if (rc == 0)
            rc = push_raw_addr(p, name, &a);
        else
            drop(p->arena, name);
        envoi_buf_free(&a);
        if (++found > 1)
            *p->defects |= MIME_DEFECT_BAD_ADDRESS; /* a comma is missing */
        name_from = k = e;
    }
    if (rc < 0 || name_from == n)
        return rc;
    if (found || p->continued) {
        *p->defects |= MIME_DEFECT_BAD_ADDRESS; /* words after the last address */
        return 0;
    }
    /* No '@': a local mailbox ("root") when the words form one run, else a
     * name without an address. */
    bool one_run = true;
    for (size_t i = 0; i + 1 < n; i++)
        one_run &= joined(p, w, i);
    envoi_buf a = ENVOI_BUF_INIT;
    char *name = NULL;
    if (one_run) {
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = envoi_buf_append(&a, p->s + w[i].start, w[i].len);
        if (rc == 0 && p->has_comment)
            rc = comment_name(p, &name);
    } else {
        *p->defects |= MIME_DEFECT_BAD_ADDRESS;
        rc = phrase_name(p, w, n, &name);
    }
    if (rc == 0)
        rc = push_raw_addr(p, name, &a);
    else
        drop(p->arena, name);
    envoi_buf_free(&a);
    return rc;
}

static void reset_entry(struct parser *p)
{
    p->nwords = 0;
    envoi_buf_clear(&p->angle);
    p->has_angle = p->angle_open = p->angle_closed = false;
    p->has_comment = false;
    p->continued = false;
    p->words_at = false;
}

static int finish_entry(struct parser *p)
{
    int rc = 0;
    if (p->angle_open) {
        *p->defects |= MIME_DEFECT_BAD_ADDRESS; /* '<' never closed */
        p->angle_open = false;
    }
    if (p->has_angle) {
        char *name = NULL;
        rc = phrase_name(p, p->words, p->nwords, &name);
        if (rc == 0 && !name && p->has_comment)
            rc = comment_name(p, &name);
        if (rc == 0)
            rc = push_raw_addr(p, name, &p->angle);
    } else if (p->nwords) {
        rc = finish_bare(p);
    }
    reset_entry(p);
    return rc;
}

static int add_word(struct parser *p, const struct tok *t)
{
    if (p->nwords == p->words_cap) {
        size_t cap = p->words_cap * 2;
        struct tok *n = p->words == p->local_words ? malloc(cap * sizeof *n)
                                                   : realloc(p->words, cap * sizeof *n);
        if (!n)
            return ENVOI_ENOMEM;
        if (p->words == p->local_words)
            memcpy(n, p->local_words, sizeof p->local_words);
        p->words = n;
        p->words_cap = cap;
    }
    p->words[p->nwords++] = *t;
    p->words_at |= t->kind == T_AT;
    return 0;
}

/* A token inside <...>: the addr-spec collected, a route "@a,@b:" dropped. */
static int angle_tok(struct parser *p, const struct tok *t)
{
    switch (t->kind) {
    case T_GT:
        p->angle_open = false;
        p->angle_closed = true;
        return 0;
    case T_COMMENT:
        return 0;
    case T_COLON:
        if (p->angle.len && p->angle.data[0] == '@') {
            envoi_buf_clear(&p->angle); /* obsolete route */
            return 0;
        }
        break;
    case T_COMMA:
        if (p->angle.len && p->angle.data[0] == '@')
            return 0; /* between route domains */
        break;
    case T_LT:
        *p->defects |= MIME_DEFECT_BAD_ADDRESS;
        return 0;
    default:
        break;
    }
    if (t->kind == T_COMMA || t->kind == T_SEMI) {
        *p->defects |= MIME_DEFECT_BAD_ADDRESS; /* '>' missing */
        return 1;                               /* the caller handles it */
    }
    return envoi_buf_append(&p->angle, p->s + t->start, t->len);
}

static int outside_tok(struct parser *p, const struct tok *t)
{
    switch (t->kind) {
    case T_COMMA:
        return finish_entry(p);
    case T_SEMI:
        if (!p->in_group)
            *p->defects |= MIME_DEFECT_BAD_ADDRESS;
        p->in_group = false;
        return finish_entry(p);
    case T_COLON:
        if (!p->in_group && !p->has_angle && !p->words_at) {
            p->in_group = true; /* the group name is dropped, members flattened */
            reset_entry(p);
        } else {
            *p->defects |= MIME_DEFECT_BAD_ADDRESS;
        }
        return 0;
    case T_LT:
        if (p->has_angle) {
            *p->defects |= MIME_DEFECT_BAD_ADDRESS; /* a second <> without a comma */
            int rc = finish_entry(p);
            if (rc < 0)
                return rc;
        }
        p->has_angle = p->angle_open = true;
        return 0;
    case T_GT:
        *p->defects |= MIME_DEFECT_BAD_ADDRESS;
        return 0;
    case T_COMMENT:
        if (!p->has_comment) {
            p->comment = *t;
            p->has_comment = true;
        }
        return 0;
    default:
        if (p->angle_closed) {
            /* "<a@b> c@d": a comma is missing. */
            *p->defects |= MIME_DEFECT_BAD_ADDRESS;
            int rc = finish_entry(p);
            if (rc < 0)
                return rc;
            p->continued = true;
        }
        return add_word(p, t);
    }
}

/* ---- the common forms, without tokens ---------------------------------- */

/* The bytes the fast path takes inside an atom: what next_tok puts in one,
 * less the backslash and the closers it treats specially. */
#define NOT_ATOM(c) [(unsigned char)(c)] = 1
static const unsigned char not_atom[256] = {
    NOT_ATOM(' '), NOT_ATOM('\t'), NOT_ATOM('\r'), NOT_ATOM('\n'), NOT_ATOM('('), NOT_ATOM(')'),
    NOT_ATOM('<'), NOT_ATOM('>'),  NOT_ATOM('@'),  NOT_ATOM(','),  NOT_ATOM(';'), NOT_ATOM(':'),
    NOT_ATOM('"'), NOT_ATOM('['),  NOT_ATOM(']'),  NOT_ATOM('\\'),
};

static bool fast_atom_byte(char c)
{
    return !not_atom[(unsigned char)c];
}

static size_t fast_atom_end(const char *s, size_t len, size_t i)
{
    while (i < len && fast_atom_byte(s[i]))
        i++;
    return i;
}

static size_t skip_blanks(const char *s, size_t len, size_t i)
{
    while (i < len && is_blank(s[i]))
        i++;
    return i;
}

/* "local@domain" at i, both atoms, nothing between them: its end, else 0. */
static size_t fast_addr_spec(const char *s, size_t len, size_t i)
{
    size_t e = fast_atom_end(s, len, i);
    if (e == i || e >= len || s[e] != '@')
        return 0;
    size_t d = fast_atom_end(s, len, e + 1);
    return d == e + 1 ? 0 : d;
}

/* The display name of phrase s[a..b) (atoms and quoted strings without
 * backslashes), built as phrase_name builds it, then decoded. */
static int fast_name(struct parser *p, size_t a, size_t b, char **out)
{
    char local[256];
    char *raw = b - a < sizeof local ? local : malloc(b - a + 1);
    if (!raw)
        return ENVOI_ENOMEM;
    size_t w = 0, i = a;
    while (i < b) {
        size_t t = skip_blanks(p->s, b, i);
        if (t == b)
            break;
        if (t > i && w)
            raw[w++] = ' ';
        if (p->s[t] == '"') {
            const char *q = memchr(p->s + t + 1, '"', b - t - 1);
            size_t n = (size_t)(q - (p->s + t + 1));
            memcpy(raw + w, p->s + t + 1, n);
            w += n;
            i = t + n + 2;
        } else {
            size_t e = fast_atom_end(p->s, b, t);
            memcpy(raw + w, p->s + t, e - t);
            w += e - t;
            i = e;
        }
    }
    *out = NULL;
    int rc = w ? decode_name_from(p, raw, w, out) : 0;
    if (raw != local)
        free(raw);
    return rc;
}

/* The entry at i in the common forms "local@domain" and "phrase
 * <local@domain>" followed by a comma or the end: its end (after the comma)
 * with *kind 1 (bare) or 2 (angle) and the phrase and address spans; 0 when
 * it is anything else. */
static size_t fast_entry(const char *s, size_t len, size_t i, int *kind, size_t *pe, size_t *aa,
                         size_t *ae)
{
    size_t e = fast_addr_spec(s, len, i);
    if (e) {
        *kind = 1;
        *aa = i;
        *ae = e;
    } else {
        size_t t = i;
        for (;;) { /* the phrase: atoms and plain quoted strings */
            t = skip_blanks(s, len, t);
            if (t < len && s[t] == '"') {
                size_t q = t + 1;
                while (q < len && s[q] != '"' && s[q] != '\\')
                    q++;
                if (q >= len || s[q] != '"')
                    return 0;
                t = q + 1;
            } else if (t < len && fast_atom_byte(s[t])) {
                t = fast_atom_end(s, len, t);
            } else {
                break;
            }
        }
        if (t >= len || s[t] != '<')
            return 0;
        *pe = t;
        *aa = t + 1;
        e = fast_addr_spec(s, len, t + 1);
        if (!e || e >= len || s[e] != '>')
            return 0;
        *ae = e++;
        *kind = 2;
    }
    e = skip_blanks(s, len, e);
    if (e < len && s[e] != ',')
        return 0;
    return e < len ? e + 1 : e;
}

/* The whole list in the common forms, checked before anything is made:
 * 1 when it is something else (the tokenizer reads it then), else 0 or
 * ENVOI_ENOMEM with the same results the tokenizer gives. */
static int fast_list(struct parser *p)
{
    const char *s = p->s;
    size_t len = p->len;
    for (int pass = 0; pass < 2; pass++) {
        size_t i = 0;
        for (;;) {
            i = skip_blanks(s, len, i);
            if (i == len)
                break;
            if (s[i] == ',') {
                i++;
                continue;
            }
            int kind = 0;
            size_t pe = 0, aa = 0, ae = 0;
            size_t e = fast_entry(s, len, i, &kind, &pe, &aa, &ae);
            if (e == 0)
                return 1;
            if (pass == 1) {
                char *name = NULL, *addr = NULL;
                int rc = kind == 2 ? fast_name(p, i, pe, &name) : 0;
                if (rc == 0)
                    rc = finish_string(p->arena, s + aa, ae - aa, p->defects, &addr);
                if (rc == 0)
                    rc = push_addr(p, name, addr);
                else
                    drop(p->arena, name);
                if (rc < 0)
                    return rc;
            }
            i = e;
        }
    }
    return 0;
}

/* The list through the tokenizer (after the fast path, when fast). */
static int parse_list(mime_arena *arena, const char *s, size_t len, mime_addr_list *out,
                      unsigned *defects, bool fast)
{
    unsigned scratch = 0;
    struct parser p = {
        .s = s, .len = len, .defects = defects ? defects : &scratch, .arena = arena, .out = out};
    p.words = p.local_words;
    p.words_cap = LOCAL_WORDS;
    struct tok t;
    int rc = 0;
    memset(out, 0, sizeof *out);
    out->arena = arena;
    if (fast && (rc = fast_list(&p)) != 1) {
        envoi_buf_free(&p.dec);
        if (rc < 0)
            mime_addr_list_free(out);
        return rc;
    }
    rc = 0;
    while (rc == 0 && next_tok(&p, &t)) {
        if (p.angle_open) {
            rc = angle_tok(&p, &t);
            if (rc != 1)
                continue;
            p.angle_open = false;
            p.angle_closed = true;
        }
        rc = outside_tok(&p, &t);
    }
    if (rc == 0)
        rc = finish_entry(&p);
    if (p.in_group)
        *p.defects |= MIME_DEFECT_BAD_ADDRESS;
    if (p.words != p.local_words)
        free(p.words);
    envoi_buf_free(&p.angle);
    envoi_buf_free(&p.raw);
    envoi_buf_free(&p.dec);
    if (rc < 0)
        mime_addr_list_free(out);
    return rc;
}

int mime_addr_list_parse_in(mime_arena *arena, const char *s, size_t len, mime_addr_list *out,
                            unsigned *defects)
{
    return parse_list(arena, s, len, out, defects, true);
}

int mime_addr_list_parse_general(const char *s, size_t len, mime_addr_list *out, unsigned *defects)
{
    return parse_list(NULL, s, len, out, defects, false);
}

int mime_addr_list_parse(const char *s, size_t len, mime_addr_list *out, unsigned *defects)
{
    return mime_addr_list_parse_in(NULL, s, len, out, defects);
}

void mime_addr_list_free(mime_addr_list *l)
{
    for (size_t i = 0; i < l->len && !l->arena; i++) {
        free(l->items[i].name);
        free(l->items[i].addr);
    }
    if (!l->arena)
        free(l->items);
    l->items = NULL;
    l->len = 0;
}
