/* Building the DKIM-Signature field: the h= list with over-signing, the
 * tags in a fixed order, folded at 78 columns with CRLF and a TAB. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dkim/sign.h"
#include "envoi/error.h"

#define FOLD_COLUMN 78
/* The least of a base64 value that goes on the line of its tag. */
#define B64_FIRST_PIECE 16

typedef struct folder {
    envoi_buf *out;
    size_t col;
} folder;

/* The next name of a normalized list (colon-separated, no blanks). */
static bool next_name(const char **p, const char **name, size_t *len)
{
    if (!**p)
        return false;
    const char *colon = strchr(*p, ':');
    *name = *p;
    *len = colon ? (size_t)(colon - *p) : strlen(*p);
    *p = colon ? colon + 1 : *p + *len;
    return true;
}

static size_t count_in_list(const char *list, const char *name, size_t len, const char *stop)
{
    size_t n = 0;
    const char *p = list, *item;
    size_t ilen;
    while ((!stop || p < stop) && next_name(&p, &item, &ilen))
        if (ilen == len && memcmp(item, name, len) == 0)
            n++;
    return n;
}

static size_t count_fields(const dkim_header *h, const char *name, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++)
        if (dkim_field_is(&h->fields[i], name, len))
            n++;
    return n;
}

int dkim_sign_h_list(const envoi_dkim_signer *k, const dkim_header *h, envoi_buf *out)
{
    const char *list = k->headers ? k->headers : ENVOI_DKIM_DEFAULT_HEADERS;
    const char *p = list, *name;
    size_t len;
    while (true) {
        const char *at = p;
        if (!next_name(&p, &name, &len))
            break;
        if (count_in_list(list, name, len, at) > 0)
            continue; /* handled where the name first appears */
        size_t present = count_fields(h, name, len);
        size_t entries = present == 0 ? 0 : present + (count_in_list(list, name, len, NULL) > 1);
        for (size_t i = 0; i < entries; i++) {
            if ((out->len > 0 && envoi_buf_append_char(out, ':') < 0) ||
                envoi_buf_append(out, name, len) < 0)
                return ENVOI_ENOMEM;
        }
    }
    return 0;
}

static int fold_line(folder *f)
{
    f->col = 1;
    return envoi_buf_append(f->out, "\r\n\t", 3);
}

/* Put s; on a new line when it would pass the fold column. space: a blank
 * separates it from what precedes on the same line. reserve: columns that
 * must fit after s on its line. */
static int put(folder *f, const char *s, size_t len, bool space, size_t reserve)
{
    size_t need = len + (space ? 1 : 0) + reserve;
    if (f->col + need > FOLD_COLUMN && f->col > 1) {
        if (fold_line(f) < 0)
            return ENVOI_ENOMEM;
        space = false;
    }
    if (space && envoi_buf_append_char(f->out, ' ') < 0)
        return ENVOI_ENOMEM;
    f->col += space ? 1 : 0;
    if (envoi_buf_append(f->out, s, len) < 0)
        return ENVOI_ENOMEM;
    f->col += len;
    return 0;
}

static int put_tag(folder *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int put_tag(folder *f, const char *fmt, ...)
{
    envoi_buf tag = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&tag, fmt, ap);
    va_end(ap);
    if (rc == 0)
        rc = put(f, tag.data, tag.len, true, 0);
    envoi_buf_free(&tag);
    return rc;
}

/* h=name:name:...; breaking lines after a colon when needed. */
static int put_h(folder *f, const char *h_list)
{
    const char *p = h_list, *name;
    size_t len;
    bool first = true;
    while (next_name(&p, &name, &len)) {
        envoi_buf item = ENVOI_BUF_INIT;
        int rc =
            envoi_buf_printf(&item, "%s%.*s%s", first ? "h=" : "", (int)len, name, *p ? ":" : ";");
        if (rc == 0)
            rc = put(f, item.data, item.len, first, 0);
        envoi_buf_free(&item);
        if (rc < 0)
            return rc;
        first = false;
    }
    return 0;
}

int dkim_sign_field_start(const envoi_dkim_signer *k, const dkim_sign_facts *facts,
                          const char *h_list, envoi_buf *out, size_t *col)
{
    folder f = {out, 0};
    const char *canon[] = {"relaxed", "simple"};
    int rc = put(&f, "DKIM-Signature:", 15, false, 0);
    if (rc == 0)
        rc = put_tag(&f, "v=1;");
    if (rc == 0)
        rc = put_tag(&f, "a=%s;", dkim_alg_name(k->alg));
    if (rc == 0)
        rc = put_tag(&f, "c=%s/%s;", canon[k->header_canon], canon[k->body_canon]);
    if (rc == 0)
        rc = put_tag(&f, "d=%s;", k->domain);
    if (rc == 0)
        rc = put_tag(&f, "s=%s;", k->selector);
    if (rc == 0)
        rc = put_tag(&f, "t=%" PRIdMAX ";", (intmax_t)facts->t);
    if (rc == 0 && k->expiry > 0)
        rc = put_tag(&f, "x=%" PRIdMAX ";", (intmax_t)facts->t + (intmax_t)k->expiry);
    if (rc == 0 && k->identity)
        rc = put_tag(&f, "i=%s;", k->identity);
    if (rc == 0 && k->body_length)
        rc = put_tag(&f, "l=%llu;", facts->body_len);
    if (rc == 0)
        rc = put_h(&f, h_list);
    if (rc == 0)
        rc = put_tag(&f, "bh=%s;", facts->bh);
    if (rc == 0)
        rc = put(&f, "b=", 2, true, B64_FIRST_PIECE);
    *col = f.col;
    return rc;
}

int dkim_sign_field_finish(envoi_buf *out, size_t col, const char *b64, size_t len)
{
    folder f = {out, col};
    while (len > 0) {
        if (f.col >= FOLD_COLUMN && fold_line(&f) < 0)
            return ENVOI_ENOMEM;
        size_t room = FOLD_COLUMN - f.col;
        size_t n = len < room ? len : room;
        if (envoi_buf_append(out, b64, n) < 0)
            return ENVOI_ENOMEM;
        f.col += n;
        b64 += n;
        len -= n;
    }
    return envoi_buf_append(out, "\r\n", 2);
}
