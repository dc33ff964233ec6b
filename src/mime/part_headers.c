/* A part's header block: split into fields and unfolded once, then the
 * fields that shape the part (type, encoding, disposition, id) and its path. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"
#include "mime/defect.h"
#include "mime/message_impl.h"
#include "mime/part.h"

/* Length of the line starting at s (its line end included). */
static size_t line_length(const char *s, size_t len)
{
    const char *nl = memchr(s, '\n', len);
    return nl ? (size_t)(nl - s) + 1 : len;
}

/* The line without its line end. */
static size_t line_content(const char *s, size_t n)
{
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    return n;
}

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

/* Copy a field's raw lines into value with the line breaks removed and the
 * value trimmed; NUL bytes become spaces. *bad gets MIME_DEFECT_NUL and
 * MIME_DEFECT_BARE_CR for what the value held. */
static char *unfold(mime_arena *a, const char *raw, size_t len, size_t colon, unsigned *bad)
{
    char *v = mime_arena_alloc_raw(a, len + 1);
    if (!v)
        return NULL;
    size_t w = 0, i = colon + 1;
    while (i < len) {
        size_t n = line_length(raw + i, len - i);
        size_t c = line_content(raw + i, n);
        memcpy(v + w, raw + i, c);
        w += c;
        i += n;
    }
    size_t start = 0;
    while (start < w && is_wsp(v[start]))
        start++;
    while (w > start && (is_wsp(v[w - 1]) || v[w - 1] == '\r'))
        w--;
    if (memchr(v + start, '\r', w - start))
        *bad |= MIME_DEFECT_BARE_CR;
    if (memchr(v + start, '\0', w - start)) {
        *bad |= MIME_DEFECT_NUL;
        for (size_t k = start; k < w; k++)
            if (v[k] == '\0')
                v[k] = ' ';
    }
    memmove(v, v + start, w - start);
    v[w - start] = '\0';
    return v;
}

int mime_header_line_class(const char *s, size_t n)
{
    if (n && is_wsp(s[0]))
        return MIME_HL_CONT;
    size_t i = 0;
    while (i < n && (unsigned char)s[i] > 32 && (unsigned char)s[i] != 127 && s[i] != ':')
        i++;
    if (i == 0)
        return MIME_HL_OTHER;
    while (i < n && is_wsp(s[i]))
        i++;
    return i < n && s[i] == ':' ? MIME_HL_FIELD : MIME_HL_OTHER;
}

unsigned mime_field_hash(const char *name, size_t len)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)(name[i] | 0x20)) * 16777619u;
    return h;
}

static int add_field(envoi_part *part, const char *raw, size_t len, size_t off)
{
    mime_arena *a = &part->msg->parsed->arena;
    if (part->nfields == part->cap_fields) {
        size_t cap = part->cap_fields ? part->cap_fields * 2 : 16;
        mime_field *n = mime_arena_alloc(a, cap * sizeof *n);
        if (!n)
            return ENVOI_ENOMEM;
        if (part->nfields)
            memcpy(n, part->fields, part->nfields * sizeof *n);
        part->fields = n;
        part->cap_fields = cap;
    }
    const char *colon = memchr(raw, ':', len);
    size_t nlen = (size_t)(colon - raw);
    while (nlen > 0 && is_wsp(raw[nlen - 1]))
        nlen--;
    mime_field *f = &part->fields[part->nfields];
    unsigned bad = 0;
    f->name = mime_arena_strndup(a, raw, nlen);
    f->value = unfold(a, raw, len, (size_t)(colon - raw), &bad);
    if (!f->name || !f->value)
        return ENVOI_ENOMEM;
    f->off = off;
    f->len = len;
    f->hash = mime_field_hash(f->name, nlen);
    f->decoded = NULL;
    part->nfields++;
    if (bad)
        mime_defect_add_mask(part->msg, part, bad, off);
    return 0;
}

static char *lower_copy(mime_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *c = mime_arena_strndup(a, s, n);
    if (c)
        for (size_t i = 0; i < n; i++)
            if (c[i] >= 'A' && c[i] <= 'Z')
                c[i] = (char)(c[i] + 32);
    return c;
}

static bool valid_type(const char *t)
{
    const char *slash = t ? strchr(t, '/') : NULL;
    return slash && slash > t && slash[1] && !strchr(slash + 1, '/') && !strpbrk(t, " \t\"");
}

static int read_content_type(envoi_part *part, const mime_field *f)
{
    unsigned defects = 0;
    int rc = mime_params_parse(f->value, strlen(f->value), &part->ct, &defects);
    if (rc < 0)
        return rc;
    mime_defect_add_mask(part->msg, part, defects, f->off);
    if (valid_type(part->ct.value))
        part->type = part->ct.value;
    else
        mime_defect_add(part->msg, part, MIME_DEFECT_BAD_PARAM, f->off);
    const char *cs = mime_params_get(&part->ct, "charset");
    if (cs && *cs && !(part->charset = lower_copy(&part->msg->parsed->arena, cs)))
        return ENVOI_ENOMEM;
    part->boundary = mime_params_get(&part->ct, "boundary");
    return 0;
}

static int read_disposition(envoi_part *part, const mime_field *f)
{
    unsigned defects = 0;
    int rc = mime_params_parse(f->value, strlen(f->value), &part->cd, &defects);
    if (rc < 0)
        return rc;
    mime_defect_add_mask(part->msg, part, defects, f->off);
    if (part->cd.value && *part->cd.value)
        part->disposition = part->cd.value;
    return 0;
}

static const struct {
    const char *name;
    int cte;
} encodings[] = {
    {"7bit", MIME_CTE_IDENTITY},
    {"8bit", MIME_CTE_IDENTITY},
    {"binary", MIME_CTE_IDENTITY},
    {"base64", MIME_CTE_BASE64},
    {"quoted-printable", MIME_CTE_QP},
    {"x-uuencode", MIME_CTE_UU},
    {"uuencode", MIME_CTE_UU},
    {"x-uue", MIME_CTE_UU},
    {"uue", MIME_CTE_UU},
    {"7-bit", MIME_CTE_IDENTITY},
    {"8-bit", MIME_CTE_IDENTITY},
};

static int read_encoding(envoi_part *part, const mime_field *f)
{
    const char *v = f->value;
    size_t n = strcspn(v, " \t;(");
    char *name = mime_arena_strndup(&part->msg->parsed->arena, v, n);
    if (!name)
        return ENVOI_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (name[i] >= 'A' && name[i] <= 'Z')
            name[i] = (char)(name[i] + 32);
    if (n == 0)
        return 0;
    part->cte_name = name;
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
        if (strcmp(name, encodings[i].name) == 0) {
            part->cte = encodings[i].cte;
            return 0;
        }
    part->cte = MIME_CTE_UNKNOWN;
    mime_defect_add(part->msg, part, MIME_DEFECT_BAD_ENCODING, f->off);
    return 0;
}

static int read_content_id(envoi_part *part, const mime_field *f)
{
    const char *v = f->value;
    while (*v == ' ' || *v == '<')
        v++;
    size_t n = strcspn(v, ">");
    while (n > 0 && is_wsp(v[n - 1]))
        n--;
    if (n == 0)
        return 0;
    part->cid = mime_arena_strndup(&part->msg->parsed->arena, v, n);
    return part->cid ? 0 : ENVOI_ENOMEM;
}

/* Disposition filename, else type name; encoded-words decoded. */
static int read_filename(envoi_part *part)
{
    const char *name = part->cd.value ? mime_params_get(&part->cd, "filename") : NULL;
    if (!name && part->ct.value)
        name = mime_params_get(&part->ct, "name");
    if (!name || !*name)
        return 0;
    if (!strstr(name, "=?")) {
        part->filename = name;
        return 0;
    }
    envoi_buf b = ENVOI_BUF_INIT;
    unsigned defects = 0;
    int rc = mime_decode_unstructured(name, strlen(name), &b, &defects);
    if (rc == 0)
        part->filename = mime_arena_strndup(&part->msg->parsed->arena, b.data ? b.data : "", b.len);
    envoi_buf_free(&b);
    if (rc < 0)
        return rc;
    return part->filename ? 0 : ENVOI_ENOMEM;
}

/* Field names are compared without case; all four start "Content-". */
static int shape_field(envoi_part *part, const mime_field *f, unsigned *seen)
{
    const char *n = f->name;
    if ((n[0] | 0x20) != 'c' || strncasecmp(n, "content-", 8) != 0)
        return 0;
    n += 8;
    if (!(*seen & 1) && strcasecmp(n, "type") == 0) {
        *seen |= 1;
        return read_content_type(part, f);
    }
    if (!(*seen & 2) && strcasecmp(n, "transfer-encoding") == 0) {
        *seen |= 2;
        return read_encoding(part, f);
    }
    if (!(*seen & 4) && strcasecmp(n, "disposition") == 0) {
        *seen |= 4;
        return read_disposition(part, f);
    }
    if (!(*seen & 8) && strcasecmp(n, "id") == 0) {
        *seen |= 8;
        return read_content_id(part, f);
    }
    return 0;
}

int mime_part_read_headers(envoi_part *part, const char *block, size_t len, size_t base)
{
    if (len == 0)
        return 0;
    size_t i = 0, start = 0;
    int cls = MIME_HL_OTHER; /* of the field being gathered */
    while (i <= len) {
        size_t n = i < len ? line_length(block + i, len - i) : 0;
        int c =
            i < len ? mime_header_line_class(block + i, line_content(block + i, n)) : MIME_HL_OTHER;
        if (c != MIME_HL_CONT) {
            if (cls == MIME_HL_FIELD) {
                int rc = add_field(part, block + start, i - start, base + start);
                if (rc < 0)
                    return rc;
            }
            cls = c;
            start = i;
        }
        if (i == len)
            break;
        i += n;
    }
    unsigned seen = 0;
    for (size_t k = 0; k < part->nfields; k++) {
        int rc = shape_field(part, &part->fields[k], &seen);
        if (rc < 0)
            return rc;
    }
    return read_filename(part);
}

const mime_field *mime_part_field(const envoi_part *part, const char *name)
{
    unsigned h = mime_field_hash(name, strlen(name));
    for (size_t i = 0; i < part->nfields; i++)
        if (part->fields[i].hash == h && strcasecmp(part->fields[i].name, name) == 0)
            return &part->fields[i];
    return NULL;
}

static bool is_message_type(const char *t)
{
    return strcmp(t, "message/rfc822") == 0 || strcmp(t, "message/global") == 0;
}

static int make_path(envoi_part *part)
{
    mime_arena *a = &part->msg->parsed->arena;
    envoi_part *parent = part->parent;
    char buf[32];
    if (!parent) {
        part->path = part->kind == MIME_MULTIPART ? "" : "1";
        return 0;
    }
    const char *pp = parent->path;
    envoi_buf b = ENVOI_BUF_INIT;
    int rc;
    if (parent->kind == MIME_MESSAGE && part->kind == MIME_MULTIPART) {
        part->path = pp;
        return 0;
    }
    size_t index = parent->kind == MIME_MESSAGE ? 1 : parent->nchildren;
    snprintf(buf, sizeof buf, "%zu", index);
    rc = *pp ? envoi_buf_printf(&b, "%s.%s", pp, buf) : envoi_buf_append_str(&b, buf);
    if (rc == 0)
        part->path = mime_arena_strndup(a, b.data, b.len);
    envoi_buf_free(&b);
    return part->path ? 0 : ENVOI_ENOMEM;
}

int mime_part_settle(envoi_part *part)
{
    envoi_part *parent = part->parent;
    part->depth = parent ? parent->depth + 1 : 0;
    if (!part->type)
        part->type = parent && parent->type && strcmp(parent->type, "multipart/digest") == 0
                         ? "message/rfc822"
                         : "text/plain";
    part->kind = MIME_LEAF;
    bool multi = strncmp(part->type, "multipart/", 10) == 0;
    bool message = is_message_type(part->type);
    if ((multi || message) && part->depth >= MIME_MAX_DEPTH) {
        mime_defect_add(part->msg, part, MIME_DEFECT_DEPTH, part->off);
        part->type = "text/plain";
    } else if (multi && (!part->boundary || !*part->boundary)) {
        mime_defect_add(part->msg, part, MIME_DEFECT_NO_BOUNDARY, part->off);
        part->type = "text/plain";
    } else if (multi) {
        part->kind = MIME_MULTIPART;
    } else if (message && part->cte == MIME_CTE_IDENTITY) {
        part->kind = MIME_MESSAGE;
    } else if (message && part->cte != MIME_CTE_UNKNOWN) {
        part->kind = MIME_MESSAGE;
        part->encoded_message = true;
    }
    return make_path(part);
}
