/* Reading a message's header section for DKIM (line ends made CRLF, fields
 * located) and building the header hash input from an h= list. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkim/canon.h"
#include "envoi/error.h"

/* Copy the header section into h->text with CRLF line ends; set body_offset. */
static int copy_header_lines(dkim_header *h, const unsigned char *s, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        const unsigned char *lf = memchr(s + pos, '\n', len - pos);
        size_t end = lf ? (size_t)(lf - s) : len;
        size_t content = end;
        if (lf && content > pos && s[content - 1] == '\r')
            content--;
        if (lf && content == pos) {
            h->body_offset = end + 1;
            return 0;
        }
        if (envoi_buf_append(&h->text, s + pos, content - pos) < 0 ||
            envoi_buf_append(&h->text, "\r\n", 2) < 0)
            return ENVOI_ENOMEM;
        pos = lf ? end + 1 : len;
    }
    h->body_offset = len;
    return 0;
}

/* Length of a field name at the start of line (through the colon excluded,
 * trailing blanks dropped), or 0 when the line does not start a field. */
static size_t field_name_len(const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return 0;
    size_t n = (size_t)(colon - line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c < 33 || c > 126)
            return 0;
    }
    return n;
}

static int add_field(dkim_header *h, size_t *cap, const char *raw, size_t len, size_t name_len)
{
    if (h->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        dkim_field *nf = realloc(h->fields, ncap * sizeof *nf);
        if (!nf)
            return ENVOI_ENOMEM;
        h->fields = nf;
        *cap = ncap;
    }
    h->fields[h->count++] = (dkim_field){raw, len, name_len};
    return 0;
}

/* Split h->text (CRLF lines) into fields and their continuation lines. */
static int find_fields(dkim_header *h)
{
    size_t cap = 0;
    bool in_field = false;
    const char *t = h->text.data;
    size_t pos = 0;
    while (pos < h->text.len) {
        const char *lf = memchr(t + pos, '\n', h->text.len - pos);
        size_t next = (size_t)(lf - t) + 1;
        if (t[pos] == ' ' || t[pos] == '\t') {
            if (in_field)
                h->fields[h->count - 1].len += next - pos;
        } else {
            size_t n = field_name_len(t + pos, next - pos);
            in_field = n > 0;
            if (in_field && add_field(h, &cap, t + pos, next - pos, n) < 0)
                return ENVOI_ENOMEM;
        }
        pos = next;
    }
    return 0;
}

int dkim_header_read(dkim_header *h, const void *source, size_t len)
{
    memset(h, 0, sizeof *h);
    int rc = copy_header_lines(h, source, len);
    if (rc == 0 && h->text.len > 0)
        rc = find_fields(h);
    if (rc < 0)
        dkim_header_free(h);
    return rc;
}

void dkim_header_free(dkim_header *h)
{
    envoi_buf_free(&h->text);
    free(h->fields);
    h->fields = NULL;
    h->count = 0;
}

bool dkim_field_is(const dkim_field *f, const char *name, size_t name_len)
{
    return f->name_len == name_len && strncasecmp(f->raw, name, name_len) == 0;
}

/* The next name of an h= list at *pos (blanks and folding around it
 * skipped); false at the end of the list. */
static bool next_name(const char *names, size_t *pos, const char **name, size_t *len)
{
    const char *p = names + *pos;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        const char *start = p;
        while (*p && *p != ':' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
        const char *stop = p;
        while (*p && *p != ':')
            p++;
        if (*p == ':')
            p++;
        if (stop > start) {
            *name = start;
            *len = (size_t)(stop - start);
            *pos = (size_t)(p - names);
            return true;
        }
    }
    *pos = (size_t)(p - names);
    return false;
}

int dkim_header_input(const dkim_header *h, const char *names, envoi_dkim_canon c,
                      const char *signature, size_t signature_len, envoi_buf *out)
{
    bool *used = calloc(h->count ? h->count : 1, sizeof *used);
    if (!used)
        return ENVOI_ENOMEM;
    size_t pos = 0;
    const char *name;
    size_t nlen;
    int rc = 0;
    while (rc == 0 && names && next_name(names, &pos, &name, &nlen)) {
        for (size_t i = h->count; i-- > 0;) {
            if (used[i] || !dkim_field_is(&h->fields[i], name, nlen))
                continue;
            used[i] = true;
            rc = dkim_canon_field(c, h->fields[i].raw, h->fields[i].len, false, out);
            break;
        }
    }
    free(used);
    if (rc == 0 && signature)
        rc = dkim_canon_field(c, signature, signature_len, true, out);
    return rc;
}
