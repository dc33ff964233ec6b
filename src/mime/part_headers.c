/* A part's header block: split into fields and unfolded once, then the
 * fields that shape the part (type, encoding, disposition, id) and its path. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"
#include "mime/defect.h"
#include "mime/message_impl.h"
#include "mime/part.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

enum { VAL_CR = 1, VAL_NUL = 2, VAL_SPECIAL = 4 };

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* The flags of byte c followed by next (0 at the end). A NUL is not special:
 * it becomes a space. */
static unsigned byte_flags(unsigned char c, char next)
{
    if (c == '\r')
        return VAL_CR | VAL_SPECIAL;
    if (c == 0)
        return VAL_NUL;
    if ((c < 32 && c != '\t') || c > 126 || (c == '=' && next == '?'))
        return VAL_SPECIAL;
    return 0;
}

/* Per byte of x: 0x80 where the byte is zero, else 0 (exact). */
static uint64_t zero_bytes(uint64_t x)
{
    return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

#ifdef __SSE2__
/* The flags of the sixteen bytes at v; next_q: the byte after them is '?'. */
static unsigned scan_block(const char *v, bool next_q)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)v);
    __m128i odd = _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)), /* also >= 0x80 */
                               _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
    __m128i eq = _mm_cmpeq_epi8(x, _mm_set1_epi8('='));
    if (!_mm_movemask_epi8(_mm_or_si128(odd, eq)))
        return 0;
    unsigned flags = 0;
    unsigned m_odd = (unsigned)_mm_movemask_epi8(odd);
    unsigned m_nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
    unsigned m_tab = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')));
    unsigned m_cr = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
    unsigned m_eq = (unsigned)_mm_movemask_epi8(eq);
    unsigned m_q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('?'))) |
                   (next_q ? 1u << 16 : 0);
    if (m_cr)
        flags |= VAL_CR;
    if (m_nul)
        flags |= VAL_NUL;
    if ((m_odd & ~m_nul & ~m_tab) || (m_eq & (m_q >> 1)))
        flags |= VAL_SPECIAL;
    return flags;
}
#endif

/* What a value holds: VAL_CR, VAL_NUL, and VAL_SPECIAL for anything that
 * makes RFC 2047 decoding differ from the bytes themselves (a control other
 * than tab, an 8-bit byte, "=?"). Eight bytes at a time. */
static unsigned scan_value(const char *v, size_t n)
{
    unsigned flags = 0;
    size_t i = 0;
#ifdef __SSE2__
    /* Sixteen bytes at a time; the last sixteen (overlapping) have no byte after them. */
    if (n >= 16) {
        for (; i + 16 < n; i += 16)
            flags |= scan_block(v + i, v[i + 16] == '?');
        flags |= scan_block(v + n - 16, false);
        return flags;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, v + i, 8);
        uint64_t ctl = ~(((x & ~HIGHS) + ONES * (0x80 - 0x20)) | x) & HIGHS; /* < 0x20 */
        uint64_t high = (x | ((x & ~HIGHS) + ONES)) & HIGHS;                 /* >= 0x7f */
        uint64_t eq = zero_bytes(x ^ (ONES * '='));
        if (!(ctl | high | eq))
            continue;
        uint64_t nul = zero_bytes(x), tab = zero_bytes(x ^ (ONES * '\t'));
        if (zero_bytes(x ^ (ONES * '\r')))
            flags |= VAL_CR;
        if (nul)
            flags |= VAL_NUL;
        if (high || (ctl & ~nul & ~tab))
            flags |= VAL_SPECIAL;
        for (size_t k = i; eq && k < i + 8; k++)
            if (v[k] == '=' && k + 1 < n && v[k + 1] == '?')
                flags |= VAL_SPECIAL;
    }
    for (; i < n; i++)
        flags |= byte_flags((unsigned char)v[i], i + 1 < n ? v[i + 1] : 0);
    return flags;
}

/* Copy a field's raw lines into value with the line breaks removed and the
 * value trimmed; NUL bytes become spaces. *flags gets what scan_value finds. */
static char *unfold(char *v, const char *raw, size_t len, size_t colon, bool folded,
                    unsigned *flags)
{
    size_t w = 0, i = colon + 1;
    if (!folded) {
        w = line_content(raw + i, len - i);
        memcpy(v, raw + i, w);
    } else {
        while (i < len) {
            size_t n = line_length(raw + i, len - i);
            size_t c = line_content(raw + i, n);
            memcpy(v + w, raw + i, c);
            w += c;
            i += n;
        }
    }
    size_t start = 0;
    while (start < w && is_wsp(v[start]))
        start++;
    while (w > start && (is_wsp(v[w - 1]) || v[w - 1] == '\r'))
        w--;
    *flags = scan_value(v + start, w - start);
    if (*flags & VAL_NUL)
        for (size_t k = start; k < w; k++)
            if (v[k] == '\0')
                v[k] = ' ';
    if (start)
        memmove(v, v + start, w - start);
    v[w - start] = '\0';
    return v;
}

/* Per byte of x: 0x80 where the byte ends a field name (a control, space,
 * DEL or ':'), else 0 (exact). */
static uint64_t name_ends(uint64_t x)
{
    uint64_t ctl = ~(((x & ~HIGHS) + ONES * (0x7f - 0x20)) | x) & HIGHS; /* <= 0x20 */
    return ctl | zero_bytes(x ^ (ONES * 0x7f)) | zero_bytes(x ^ (ONES * ':'));
}

/* Length of the field name at the start of s[0..n): bytes other than
 * controls, space, DEL and ':' (8-bit bytes accepted). */
static size_t name_length(const char *s, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i ends =
            _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x20)), x), /* <= 0x20 */
                         _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8(':'))));
        unsigned m = (unsigned)_mm_movemask_epi8(ends);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (name_ends(x))
            break;
    }
    while (i < n && (unsigned char)s[i] > 32 && (unsigned char)s[i] != 127 && s[i] != ':')
        i++;
    return i;
}

/* What a header line s[0..n) (no line end) is; for a field, *colon gets the
 * colon's offset and *nlen the name's length. */
static int classify(const char *s, size_t n, size_t *colon, size_t *nlen)
{
    if (n && is_wsp(s[0]))
        return MIME_HL_CONT;
    size_t i = name_length(s, n);
    if (i == 0)
        return MIME_HL_OTHER;
    *nlen = i;
    while (i < n && is_wsp(s[i]))
        i++;
    *colon = i;
    return i < n && s[i] == ':' ? MIME_HL_FIELD : MIME_HL_OTHER;
}

int mime_header_line_class(const char *s, size_t n)
{
    size_t colon, nlen;
    return classify(s, n, &colon, &nlen);
}

int mime_header_line_split(const char *s, size_t n, size_t *colon, size_t *nlen)
{
    return classify(s, n, colon, nlen);
}

static uint64_t load32(const char *s)
{
    uint32_t x;
    memcpy(&x, s, 4);
    return x;
}

/* The last rem (< 8) bytes of name[0..len), little-endian, each with bit 5
 * set; read with at most three loads, never past the end. */
static uint64_t hash_tail(const char *name, size_t len, size_t rem)
{
    if (rem == 0)
        return 0;
    uint64_t t;
    if (len >= 8) {
        memcpy(&t, name + len - 8, 8);
        t >>= 8 * (8 - rem);
    } else if (len >= 4) {
        t = load32(name) | load32(name + len - 4) << (8 * (len - 4));
    } else {
        t = (uint64_t)(unsigned char)name[0] |
            (uint64_t)(unsigned char)name[len / 2] << (8 * (len / 2)) |
            (uint64_t)(unsigned char)name[len - 1] << (8 * (len - 1));
    }
    return t | (ONES * 0x20) >> (8 * (8 - rem));
}

unsigned mime_field_hash(const char *name, size_t len)
{
    /* Eight bytes at a time, each with bit 5 set: equal names in any case
     * hash alike. */
    uint64_t h = len * 0x9E3779B97F4A7C15ull;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, name + i, 8);
        h = (h ^ (x | ONES * 0x20)) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 29;
    }
    h = (h ^ hash_tail(name, len, len - i)) * 0xFF51AFD7ED558CCDull;
    return (unsigned)(h ^ h >> 32);
}

static int grow_fields(envoi_part *part, mime_arena *a)
{
    size_t cap = part->cap_fields ? part->cap_fields * 2 : 16;
    mime_field *n = mime_arena_alloc_raw(a, cap * sizeof *n);
    if (!n)
        return ENVOI_ENOMEM;
    if (part->nfields)
        memcpy(n, part->fields, part->nfields * sizeof *n);
    part->fields = n;
    part->cap_fields = cap;
    return 0;
}

/* The field raw[0..len) (line ends included; folded: more than one line)
 * whose name is raw[0..nlen) and whose colon is at raw[colon]. Name and
 * value share one arena block; a value that decodes to itself is its own
 * decoded form. */
static int add_field(envoi_part *part, const char *raw, size_t len, size_t nlen, size_t colon,
                     bool folded, size_t off)
{
    mime_arena *a = &part->msg->parsed->arena;
    if (part->nfields == part->cap_fields && grow_fields(part, a) < 0)
        return ENVOI_ENOMEM;
    char *mem = mime_arena_alloc_raw(a, nlen + 1 + len - colon);
    if (!mem)
        return ENVOI_ENOMEM;
    mime_field *f = &part->fields[part->nfields];
    memcpy(mem, raw, nlen);
    mem[nlen] = '\0';
    f->name = mem;
    f->nlen = nlen;
    unsigned flags = 0;
    f->value = unfold(mem + nlen + 1, raw, len, colon, folded, &flags);
    f->off = off;
    f->len = len;
    f->hash = mime_field_hash(raw, nlen);
    unsigned long long bit = 1ull << (f->hash % 64);
    f->maybe_repeated = (part->name_bits & bit) != 0;
    part->name_bits |= bit;
    f->decoded = flags & VAL_SPECIAL ? NULL : f->value;
    part->nfields++;
    unsigned bad =
        (flags & VAL_CR ? MIME_DEFECT_BARE_CR : 0) | (flags & VAL_NUL ? MIME_DEFECT_NUL : 0);
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

/* The class of the k-th line of the block, at offset i: *n gets its length
 * (line end included), *cn and *ln what classify gives. */
static int line_at(const char *block, size_t len, size_t i, const mime_hline *lines, size_t k,
                   size_t *n, size_t *cn, size_t *ln)
{
    if (lines) {
        *n = lines[k].len;
        *cn = lines[k].colon;
        *ln = lines[k].nlen;
        return lines[k].cls;
    }
    *n = line_length(block + i, len - i);
    return classify(block + i, line_content(block + i, *n), cn, ln);
}

int mime_part_read_headers(envoi_part *part, const char *block, size_t len, size_t base,
                           const mime_hline *lines, size_t nlines)
{
    if (len == 0)
        return 0;
    size_t i = 0, start = 0, nlen = 0, colon = 0;
    bool field = false, folded = false; /* the field being gathered */
    for (size_t k = 0; i <= len; k++) {
        size_t n = 0, cn = 0, ln = 0;
        int c = MIME_HL_OTHER;
        if (i < len && (!lines || k < nlines))
            c = line_at(block, len, i, lines, k, &n, &cn, &ln);
        if (c == MIME_HL_CONT) {
            folded = true;
        } else {
            if (field) {
                int rc =
                    add_field(part, block + start, i - start, nlen, colon, folded, base + start);
                if (rc < 0)
                    return rc;
            }
            field = c == MIME_HL_FIELD;
            folded = false;
            start = i;
            nlen = ln;
            colon = cn;
        }
        if (i == len || n == 0)
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

/* The first field whose name matches field k's. */
static const mime_field *first_of(const envoi_part *part, size_t k)
{
    const mime_field *f = &part->fields[k];
    if (!f->maybe_repeated)
        return f;
    for (size_t i = 0; i < k; i++)
        if (part->fields[i].hash == f->hash && strcasecmp(part->fields[i].name, f->name) == 0)
            return &part->fields[i];
    return f;
}

const mime_field *mime_part_field(const envoi_part *part, const char *name)
{
    /* The name of the field envoi_part_header_at last gave out: its index is known. */
    size_t k = part->last_at;
    if (k < part->nfields && part->fields[k].name == name)
        return first_of(part, k);
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

/* index in decimal at the end of buf[0..size); returns where it starts. */
static char *put_decimal(char *buf, size_t size, size_t index)
{
    char *d = buf + size;
    do {
        *--d = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    return d;
}

static int make_path(envoi_part *part)
{
    mime_arena *a = &part->msg->parsed->arena;
    envoi_part *parent = part->parent;
    if (!parent) {
        part->path = part->kind == MIME_MULTIPART ? "" : "1";
        return 0;
    }
    const char *pp = parent->path;
    if (parent->kind == MIME_MESSAGE && part->kind == MIME_MULTIPART) {
        part->path = pp;
        return 0;
    }
    size_t index = parent->kind == MIME_MESSAGE ? 1 : parent->nchildren;
    char buf[24];
    char *d = put_decimal(buf, sizeof buf, index);
    size_t dn = (size_t)(buf + sizeof buf - d), pn = strlen(pp);
    char *path = mime_arena_alloc_raw(a, pn + 1 + dn + 1);
    if (!path)
        return ENVOI_ENOMEM;
    size_t w = 0;
    if (pn) {
        memcpy(path, pp, pn);
        path[pn] = '.';
        w = pn + 1;
    }
    memcpy(path + w, d, dn);
    path[w + dn] = '\0';
    part->path = path;
    return 0;
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
