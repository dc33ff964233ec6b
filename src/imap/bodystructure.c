/* BODYSTRUCTURE (and BODY) flattened into an array of parts in depth-first
 * order, each with the section number FETCH BODY[...] takes, its media type,
 * parameters (RFC 2231 and RFC 2047 decoded), disposition, encoding, size
 * and lines. */
#include "imap/response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime/decode.h"
#include "util/err.h"

enum { STR_CHARSET, STR_NAME, STR_ID, STR_DESC, STR_ENC, STR_DISP, STR_COUNT };

/* A part while the array is built: its strings are offsets (plus one; 0 for
 * none) into the string buffer until everything is moved into one block. */
struct part {
    imap_body b;
    size_t off[STR_COUNT];
};

struct builder {
    struct part *parts;
    size_t n, cap;
    envoi_buf strings;
    envoi_buf header; /* parameters rebuilt as a header value for the MIME decoder */
    envoi_error *err;
};

static int fail(struct builder *bd, const char *what)
{
    return envoi_err_set(bd->err, ENVOI_EPROTOCOL, "IMAP BODYSTRUCTURE: %s", what);
}

static int nomem(struct builder *bd)
{
    return envoi_err_set(bd->err, ENVOI_ENOMEM, "out of memory reading an IMAP BODYSTRUCTURE");
}

static bool is_text(const imap_value *v)
{
    return v->kind == IMAP_STRING || v->kind == IMAP_ATOM || v->kind == IMAP_NUMBER;
}

/* Store s[0..len) (lower-cased when asked) as string k of part i. */
static int set_string(struct builder *bd, size_t i, int k, const char *s, size_t len, bool lower)
{
    size_t off = bd->strings.len;
    if (envoi_buf_append(&bd->strings, s, len) < 0 || envoi_buf_append_char(&bd->strings, 0) < 0)
        return nomem(bd);
    if (lower)
        for (size_t j = off; j < off + len; j++)
            if (bd->strings.data[j] >= 'A' && bd->strings.data[j] <= 'Z')
                bd->strings.data[j] = (char)(bd->strings.data[j] - 'A' + 'a');
    bd->parts[i].off[k] = off + 1;
    return 0;
}

/* A media type or subtype into out[64], lower-cased. */
static int set_type(struct builder *bd, char *out, const imap_value *v, const char *what)
{
    if (!is_text(v))
        return fail(bd, what);
    if (v->len >= 64)
        return fail(bd, "media type longer than 63 bytes");
    for (size_t i = 0; i < v->len; i++)
        out[i] =
            v->data[i] >= 'A' && v->data[i] <= 'Z' ? (char)(v->data[i] - 'A' + 'a') : v->data[i];
    out[v->len] = '\0';
    return 0;
}

/* An nstring field (id, description, encoding) of part i. */
static int set_nstring(struct builder *bd, size_t i, int k, const imap_value *v, bool lower,
                       const char *what)
{
    if (v->kind == IMAP_NIL)
        return 0;
    if (!is_text(v))
        return fail(bd, what);
    return set_string(bd, i, k, v->data, v->len, lower);
}

static bool is_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* Do the parameters need the MIME decoder (RFC 2231 names, encoded words,
 * 8-bit bytes)? */
static bool params_need_decoder(const imap_value *p)
{
    for (size_t i = 0; i + 1 < p->count; i += 2) {
        const imap_value *n = &p->items[i], *v = &p->items[i + 1];
        if (memchr(n->data, '*', n->len))
            return true;
        for (size_t j = 0; j < v->len; j++)
            if ((unsigned char)v->data[j] >= 0x80 ||
                (v->data[j] == '=' && j + 1 < v->len && v->data[j + 1] == '?'))
                return true;
    }
    return false;
}

/* "x/x; name=value; ..." from the list, for mime_params_parse. */
static int rebuild_header(envoi_buf *h, const imap_value *p)
{
    envoi_buf_clear(h);
    int rc = envoi_buf_append_str(h, "x/x");
    for (size_t i = 0; rc == 0 && i + 1 < p->count; i += 2) {
        const imap_value *n = &p->items[i], *v = &p->items[i + 1];
        bool name_ok = n->len > 0;
        for (size_t j = 0; j < n->len; j++)
            name_ok = name_ok && (is_token_char((unsigned char)n->data[j]) || n->data[j] == '*');
        if (!name_ok)
            continue;
        rc = envoi_buf_append(h, "; ", 2);
        if (rc == 0)
            rc = envoi_buf_append(h, n->data, n->len);
        if (rc == 0)
            rc = envoi_buf_append(h, "=\"", 2);
        for (size_t j = 0; rc == 0 && j < v->len; j++) {
            char c = v->data[j];
            if (c == '\r' || c == '\n' || c == '\0')
                c = ' ';
            if (c == '"' || c == '\\')
                rc = envoi_buf_append_char(h, '\\');
            if (rc == 0)
                rc = envoi_buf_append_char(h, c);
        }
        if (rc == 0)
            rc = envoi_buf_append_char(h, '"');
    }
    return rc;
}

/* The parameter name (lower-case, without RFC 2231 marks) of the list p as
 * string k of part i, when it is there. Malformed parameters are skipped. */
static int take_param(struct builder *bd, size_t i, int k, const imap_value *p, const char *name)
{
    if (p->kind != IMAP_LIST)
        return 0;
    for (size_t j = 0; j < p->count; j++)
        if (!is_text(&p->items[j]))
            return 0; /* malformed parameters: skipped */
    if (!params_need_decoder(p)) {
        for (size_t j = 0; j + 1 < p->count; j += 2)
            if (strcasecmp(p->items[j].data, name) == 0)
                return set_string(bd, i, k, p->items[j + 1].data, p->items[j + 1].len, false);
        return 0;
    }
    if (rebuild_header(&bd->header, p) < 0)
        return nomem(bd);
    mime_params mp;
    unsigned defects = 0;
    if (mime_params_parse(bd->header.data, bd->header.len, &mp, &defects) < 0)
        return nomem(bd);
    const char *v = mime_params_get(&mp, name);
    int rc = v ? set_string(bd, i, k, v, strlen(v), false) : 0;
    mime_params_free(&mp);
    return rc;
}

/* The disposition of the extension data, with its filename parameter;
 * skipped when malformed. */
static int read_disposition(struct builder *bd, size_t i, const imap_value *v)
{
    if (v->kind != IMAP_LIST || v->count < 1 || !is_text(&v->items[0]))
        return 0;
    int rc = set_string(bd, i, STR_DISP, v->items[0].data, v->items[0].len, true);
    if (rc == 0 && v->count >= 2)
        rc = take_param(bd, i, STR_NAME, &v->items[1], "filename");
    return rc;
}

static int new_part(struct builder *bd, const char *section, size_t parent, size_t *index)
{
    if (strlen(section) >= sizeof bd->parts[0].b.section)
        return fail(bd, "section number longer than 63 bytes");
    if (bd->n == bd->cap) {
        size_t cap = bd->cap ? bd->cap * 2 : 8;
        struct part *p = realloc(bd->parts, cap * sizeof *p);
        if (!p)
            return nomem(bd);
        bd->parts = p;
        bd->cap = cap;
    }
    struct part *p = &bd->parts[bd->n];
    memset(p, 0, sizeof *p);
    snprintf(p->b.section, sizeof p->b.section, "%s", section);
    p->b.parent = parent;
    *index = bd->n++;
    return 0;
}

static int read_body(struct builder *bd, const imap_value *v, const char *section, size_t parent,
                     unsigned depth);

/* The section of child number k of a multipart whose own section is s. */
static int child_section(struct builder *bd, char *out, size_t size, const char *s, size_t k)
{
    size_t len = strlen(s);
    if (len >= 5 && strcmp(s + len - 5, ".TEXT") == 0)
        len -= 5; /* the body of a message/rfc822 at N: its parts are N.1, N.2... */
    int w = len ? snprintf(out, size, "%.*s.%zu", (int)len, s, k) : snprintf(out, size, "%zu", k);
    if (w < 0 || (size_t)w >= size)
        return fail(bd, "section number longer than 63 bytes");
    return 0;
}

static int read_multipart(struct builder *bd, const imap_value *v, size_t i, unsigned depth)
{
    size_t k = 0;
    while (k < v->count && v->items[k].kind == IMAP_LIST)
        k++;
    if (k == v->count)
        return fail(bd, "multipart without a subtype");
    memcpy(bd->parts[i].b.type, "multipart", sizeof "multipart");
    int rc =
        set_type(bd, bd->parts[i].b.subtype, &v->items[k], "multipart subtype is not a string");
    char section[64], child[64];
    snprintf(section, sizeof section, "%s", bd->parts[i].b.section);
    for (size_t c = 0; rc == 0 && c < k; c++) {
        rc = child_section(bd, child, sizeof child, section, c + 1);
        if (rc == 0)
            rc = read_body(bd, &v->items[c], child, i, depth + 1);
    }
    if (rc == 0 && k + 2 < v->count)
        rc = read_disposition(bd, i, &v->items[k + 2]);
    return rc;
}

static bool type_is(const imap_body *b, const char *type, const char *subtype)
{
    return strcmp(b->type, type) == 0 && (!subtype || strcmp(b->subtype, subtype) == 0);
}

static int read_single(struct builder *bd, const imap_value *v, size_t i, unsigned depth)
{
    if (v->count < 7)
        return fail(bd, "a body part has fewer than seven fields");
    const imap_value *f = v->items;
    imap_body *b = &bd->parts[i].b;
    int rc = set_type(bd, b->type, &f[0], "media type is not a string");
    if (rc == 0)
        rc = set_type(bd, b->subtype, &f[1], "media subtype is not a string");
    if (rc == 0 && f[2].kind != IMAP_NIL && f[2].kind != IMAP_LIST)
        rc = fail(bd, "body parameters are neither NIL nor a list");
    if (rc == 0)
        rc = set_nstring(bd, i, STR_ID, &f[3], false, "content id is not a string");
    if (rc == 0)
        rc = set_nstring(bd, i, STR_DESC, &f[4], false, "description is not a string");
    if (rc == 0)
        rc = set_nstring(bd, i, STR_ENC, &f[5], true, "encoding is not a string");
    if (rc == 0 && f[6].kind != IMAP_NUMBER)
        rc = fail(bd, "body size is not a number");
    if (rc < 0)
        return rc;
    b->size = f[6].number;
    size_t ext = 7;
    bool message = type_is(b, "message", "rfc822") || type_is(b, "message", "global");
    if (message && v->count >= 10 && f[8].kind == IMAP_LIST && f[8].count > 0) {
        char inner[64];
        const char *suffix = f[8].items[0].kind == IMAP_LIST ? "TEXT" : "1";
        int w = snprintf(inner, sizeof inner, "%s.%s", b->section, suffix);
        if (w < 0 || (size_t)w >= sizeof inner)
            return fail(bd, "section number longer than 63 bytes");
        rc = read_body(bd, &f[8], inner, i, depth + 1);
        if (rc < 0)
            return rc;
        b = &bd->parts[i].b;
        if (f[9].kind == IMAP_NUMBER)
            b->lines = f[9].number;
        ext = 10;
    } else if (type_is(b, "text", NULL) && v->count >= 8 && f[7].kind == IMAP_NUMBER) {
        b->lines = f[7].number;
        ext = 8;
    }
    rc = take_param(bd, i, STR_CHARSET, &f[2], "charset");
    if (rc == 0 && ext + 1 < v->count)
        rc = read_disposition(bd, i, &f[ext + 1]);
    if (rc == 0 && !bd->parts[i].off[STR_NAME])
        rc = take_param(bd, i, STR_NAME, &f[2], "name");
    return rc;
}

static int read_body(struct builder *bd, const imap_value *v, const char *section, size_t parent,
                     unsigned depth)
{
    if (depth > IMAP_MAX_DEPTH)
        return fail(bd, "body parts nested too deeply");
    if (v->kind != IMAP_LIST || v->count == 0)
        return fail(bd, "a body part is not a list");
    size_t i = 0;
    int rc = new_part(bd, section, parent, &i);
    if (rc < 0)
        return rc;
    if (v->items[0].kind == IMAP_LIST)
        return read_multipart(bd, v, i, depth);
    return read_single(bd, v, i, depth);
}

/* Everything into one block: the parts, then their strings. */
static int pack(struct builder *bd, imap_body **out)
{
    size_t head = bd->n * sizeof(imap_body);
    imap_body *all = malloc(head + bd->strings.len + 1);
    if (!all)
        return nomem(bd);
    char *strings = (char *)all + head;
    if (bd->strings.len)
        memcpy(strings, bd->strings.data, bd->strings.len);
    for (size_t i = 0; i < bd->n; i++) {
        const size_t *off = bd->parts[i].off;
        imap_body *b = &all[i];
        *b = bd->parts[i].b;
        const char **fields[STR_COUNT] = {&b->charset,     &b->name,     &b->id,
                                          &b->description, &b->encoding, &b->disposition};
        for (int k = 0; k < STR_COUNT; k++)
            *fields[k] = off[k] ? strings + off[k] - 1 : NULL;
    }
    *out = all;
    return 0;
}

int imap_bodystructure_read(const imap_value *v, imap_body **out, size_t *count, envoi_error *err)
{
    *out = NULL;
    *count = 0;
    if (!v)
        return envoi_err_set(err, ENVOI_EINVAL, "IMAP BODYSTRUCTURE: no value");
    struct builder bd = {NULL, 0, 0, ENVOI_BUF_INIT, ENVOI_BUF_INIT, err};
    bool multipart = v->kind == IMAP_LIST && v->count > 0 && v->items[0].kind == IMAP_LIST;
    int rc = read_body(&bd, v, multipart ? "" : "1", SIZE_MAX, 0);
    if (rc == 0)
        rc = pack(&bd, out);
    if (rc == 0)
        *count = bd.n;
    free(bd.parts);
    envoi_buf_free(&bd.strings);
    envoi_buf_free(&bd.header);
    return rc;
}
