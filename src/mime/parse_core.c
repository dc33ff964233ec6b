/* The MIME structure parser (see parse_core.h): a line state machine over
 * chunks, with boundary and header handling shared by every way of parsing. */
#include "mime/parse_core.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime/defect.h"
#include "mime/message_impl.h"

enum { CORE_HEADERS = 0, CORE_BODY };
enum { MODE_NORMAL = 0, MODE_PARTIAL, MODE_FINAL };

#define LONG_HEADER_LINE 998

static void note_memory(mime_core *c)
{
    size_t m =
        c->carry.cap + c->hbuf.cap + (c->scratch ? mime_decoder_bound(MIME_DECODE_SLICE) : 0);
    if (m > c->high_water)
        c->high_water = m;
}

static void fail(mime_core *c, int rc)
{
    if (c->rc == 0)
        c->rc = rc;
}

static const char *source(const mime_core *c)
{
    return c->preset ? c->msg->parsed->src : c->src.data;
}

/* Account for n bytes kept in the message's source. */
static void take(mime_core *c, const char *p, size_t n)
{
    if (c->retain && !c->preset && n && envoi_buf_append(&c->src, p, n) < 0)
        fail(c, ENVOI_ENOMEM);
    c->pos += n;
}

static size_t eol_length(const char *p, size_t n)
{
    if (n && p[n - 1] == '\n')
        return n >= 2 && p[n - 2] == '\r' ? 2 : 1;
    return 0;
}

static bool starts_with(const char *p, size_t n, const char *s, size_t sn)
{
    return n >= sn && memcmp(p, s, sn) == 0;
}

/* "From " after any number of '>' (at least min). */
static bool is_from_line(const char *p, size_t n, size_t min)
{
    size_t q = 0;
    while (q < n && p[q] == '>')
        q++;
    return q >= min && starts_with(p + q, n - q, "From ", 5);
}

/* ---- bodies ------------------------------------------------------------ */

static bool decoding(const mime_core *c)
{
    if (!c->cur || c->state != CORE_BODY)
        return false;
    return c->nested || (c->cb.part_data && c->cur->kind == MIME_LEAF);
}

static void emit_decoded(mime_core *c, size_t w)
{
    if (w == 0 || c->rc)
        return;
    int rc = c->nested ? mime_core_feed(c->nested, (const char *)c->scratch, w)
                       : c->cb.part_data(c->ctx, c->cur, c->scratch, w);
    if (rc < 0)
        fail(c, rc);
}

static bool ensure_scratch(mime_core *c)
{
    if (!c->scratch && !(c->scratch = malloc(mime_decoder_bound(MIME_DECODE_SLICE)))) {
        fail(c, ENVOI_ENOMEM);
        return false;
    }
    note_memory(c);
    return true;
}

static void feed_body(mime_core *c, const char *p, size_t n)
{
    if (!decoding(c) || !ensure_scratch(c))
        return;
    while (n > 0 && c->rc == 0) {
        size_t k = n < MIME_DECODE_SLICE ? n : MIME_DECODE_SLICE;
        emit_decoded(c, mime_decoder_feed(&c->dec, p, k, c->scratch));
        p += k;
        n -= k;
    }
}

/* The current region (a leaf's body, a multipart's preamble or epilogue) now
 * ends at end. */
static void region_end(mime_core *c, size_t end)
{
    envoi_part *p = c->cur;
    if (!p)
        return;
    if (p->kind == MIME_MULTIPART && p->mp_state == MIME_PREAMBLE)
        p->pre_end = end;
    else
        p->body_end = end;
}

static void flush_held(mime_core *c)
{
    if (c->nheld) {
        feed_body(c, c->held, c->nheld);
        region_end(c, c->held_off + c->nheld);
        c->nheld = 0;
    }
    if (c->nblank) {
        feed_body(c, c->blank, c->nblank);
        region_end(c, c->blank_off + c->nblank);
        c->nblank = 0;
    }
}

/* A boundary or "From " line follows: the last held line end belongs to it.
 * Returns where the region ends. */
static size_t drop_last_held(mime_core *c, size_t line_off)
{
    size_t end = line_off;
    if (c->nblank) {
        end -= c->nblank;
        c->nblank = 0;
    } else if (c->nheld) {
        end -= c->nheld;
        c->nheld = 0;
    }
    flush_held(c);
    return end;
}

static void hold(mime_core *c, const char *eol, size_t n, size_t off)
{
    memcpy(c->held, eol, n);
    c->nheld = n;
    c->held_off = off;
}

/* Body content p[0..n) at source offset off followed by a line end (elen
 * bytes, possibly none) that is held back. */
static void body_piece(mime_core *c, const char *p, size_t n, size_t off, size_t elen)
{
    flush_held(c);
    if (n) {
        feed_body(c, p, n);
        region_end(c, off + n);
    }
    if (elen)
        hold(c, p + n, elen, off + n);
    c->prev_blank = false;
}

/* ---- parts ------------------------------------------------------------- */

static void begin_part(mime_core *c, envoi_part *parent, size_t off)
{
    envoi_part *p = mime_part_new(c->msg, parent, off);
    if (!p) {
        fail(c, ENVOI_ENOMEM);
        return;
    }
    c->cur = p;
    c->state = CORE_HEADERS;
    c->hstart = off;
    c->hl_last = MIME_HL_OTHER;
    c->nhl = c->hl_bytes = 0;
    c->hl_bad = false;
    envoi_buf_clear(&c->hbuf);
}

/* A transfer-encoded message/rfc822: its decoded body goes through a
 * parser of its own whose message becomes the part's child. */
static void start_nested(mime_core *c, envoi_part *p)
{
    if (!(c->nested = malloc(sizeof *c->nested))) {
        fail(c, ENVOI_ENOMEM);
        return;
    }
    mime_core_init(c->nested, &c->cb, c->ctx, false, c->retain);
    c->nested->graft = p;
    mime_decoder_init(&c->dec, p->cte);
}

static void finish_nested(mime_core *c)
{
    int rc = mime_core_finish(c->nested);
    if (rc < 0)
        fail(c, rc);
    mime_core_free(c->nested);
    free(c->nested);
    c->nested = NULL;
}

/* The header block of the current part ends at hend; its body starts at body_off. */
static void end_headers(mime_core *c, size_t hend, size_t body_off)
{
    envoi_part *p = c->cur;
    size_t len = c->retain ? hend - c->hstart : c->hbuf.len;
    const char *block = len == 0 ? NULL : c->retain ? source(c) + c->hstart : c->hbuf.data;
    bool lines = !c->hl_bad && c->hl_bytes == len;
    int rc =
        block ? mime_part_read_headers(p, block, len, c->hstart, lines ? c->hl : NULL, c->nhl) : 0;
    if (rc == 0)
        rc = mime_part_settle(p);
    if (rc < 0) {
        fail(c, rc);
        return;
    }
    envoi_buf_clear(&c->hbuf);
    p->body_off = p->body_end = p->pre_end = body_off;
    c->state = CORE_BODY;
    c->nheld = c->nblank = 0;
    if (c->cb.part_begin && c->rc == 0 && (rc = c->cb.part_begin(c->ctx, p)) < 0)
        fail(c, rc);
    if (p->kind == MIME_MULTIPART) {
        p->mp_state = MIME_PREAMBLE;
        c->nlive++;
    } else if (p->encoded_message) {
        start_nested(c, p);
    } else if (p->kind == MIME_MESSAGE) {
        begin_part(c, p, body_off);
        c->first_line = true;
    } else if (c->cb.part_data) {
        mime_decoder_init(&c->dec, p->cte);
    }
}

/* Close the current part at end and make its parent current. */
static void close_part(mime_core *c, size_t end)
{
    envoi_part *p = c->cur;
    if (c->state == CORE_HEADERS) {
        end_headers(c, end, end);
        if (c->cur != p && c->rc == 0)
            close_part(c, end); /* the empty message a message/rfc822 part just began */
    }
    if ((p->kind == MIME_LEAF && c->cb.part_data) || c->nested) {
        if (ensure_scratch(c))
            emit_decoded(c, mime_decoder_finish(&c->dec, c->scratch));
        mime_defect_add_mask(c->msg, p, c->dec.defects, p->body_off);
    }
    if (c->nested)
        finish_nested(c);
    if (p->kind == MIME_MULTIPART && p->mp_state != MIME_EPILOGUE) {
        unsigned kind = p->mp_state == MIME_PREAMBLE ? MIME_DEFECT_BOUNDARY_NOT_FOUND
                                                     : MIME_DEFECT_NO_END_BOUNDARY;
        mime_defect_add(c->msg, p, kind, end);
        if (p->mp_state == MIME_PREAMBLE)
            p->pre_end = end;
        p->epi_off = end;
        c->nlive--;
    }
    p->body_end = end;
    int rc;
    if (c->cb.part_end && c->rc == 0 && (rc = c->cb.part_end(c->ctx, p)) < 0)
        fail(c, rc);
    c->cur = p->parent;
    c->state = CORE_BODY;
}

/* The multipart among the open ones whose boundary the line is, innermost
 * first; *close when it is the close delimiter. After "--boundary" and an
 * optional "--" comes the line end or whitespace, and whatever follows the
 * whitespace is ignored (RFC 2046 compares the beginning of the line); a
 * boundary that is a prefix of a longer one does not match the longer one's
 * lines, since no whitespace follows it there. */
static envoi_part *match_boundary(mime_core *c, const char *p, size_t n, bool *close)
{
    if (n < 3 || p[0] != '-' || p[1] != '-')
        return NULL;
    p += 2;
    n -= 2;
    for (envoi_part *m = c->cur; m && m != c->graft; m = m->parent) {
        if (m->kind != MIME_MULTIPART || m->mp_state == MIME_EPILOGUE)
            continue;
        size_t bl = strlen(m->boundary);
        if (n < bl || memcmp(p, m->boundary, bl) != 0)
            continue;
        size_t i = bl;
        *close = n - i >= 2 && p[i] == '-' && p[i + 1] == '-';
        if (*close)
            i += 2;
        if (i == n || p[i] == ' ' || p[i] == '\t')
            return m;
    }
    return NULL;
}

static void boundary_line(mime_core *c, envoi_part *m, bool close, const char *p, size_t n)
{
    size_t line_off = c->pos;
    size_t end = drop_last_held(c, line_off);
    while (c->cur && c->cur != m && c->rc == 0)
        close_part(c, end);
    take(c, p, n);
    if (eol_length(p, n) == 1)
        mime_defect_add(c->msg, m, MIME_DEFECT_BARE_LF, line_off);
    if (m->mp_state == MIME_PREAMBLE)
        m->pre_end = end;
    c->prev_blank = false;
    c->state = CORE_BODY;
    if (close) {
        m->mp_state = MIME_EPILOGUE;
        m->closed = true;
        m->epi_off = m->body_end = c->pos;
        c->nlive--;
        c->cur = m;
        return;
    }
    m->mp_state = MIME_CHILD;
    begin_part(c, m, c->pos);
    c->first_line = false;
}

/* ---- headers ----------------------------------------------------------- */

static void keep_header_bytes(mime_core *c, const char *p, size_t n)
{
    if (c->retain)
        return;
    if (c->hbuf.len + n > MIME_HEADER_MAX) {
        c->hl_bad = true;
        mime_defect_add(c->msg, c->cur, MIME_DEFECT_LONG_LINE, c->pos);
        return;
    }
    if (envoi_buf_append(&c->hbuf, p, n) < 0)
        fail(c, ENVOI_ENOMEM);
    note_memory(c);
}

static void check_header_line(mime_core *c, const char *p, size_t content, size_t n)
{
    envoi_part *part = c->cur;
    size_t off = c->pos;
    if (eol_length(p, n) == 1)
        mime_defect_add(c->msg, part, MIME_DEFECT_BARE_LF, off);
    if (content > LONG_HEADER_LINE)
        mime_defect_add(c->msg, part, MIME_DEFECT_LONG_LINE, off);
    /* NUL bytes and bare CRs are found when the fields are split (part_headers.c). */
}

static void body_line(mime_core *c, const char *p, size_t n);

/* Note a header line of the block as classified (see mime_hline). */
static void record_line(mime_core *c, size_t n, int cls, size_t colon, size_t nlen)
{
    if (c->hl_bad || n > UINT32_MAX)
        goto bad;
    if (c->nhl == c->cap_hl) {
        size_t cap = c->cap_hl ? c->cap_hl * 2 : 32;
        mime_hline *hl = realloc(c->hl, cap * sizeof *hl);
        if (!hl)
            goto bad;
        c->hl = hl;
        c->cap_hl = cap;
    }
    c->hl[c->nhl++] = (mime_hline){(uint32_t)n, (uint32_t)colon, (uint32_t)nlen, cls};
    c->hl_bytes += n;
    return;
bad:
    c->hl_bad = true;
}

/* A whole header line p[0..n) (line end included, if any). */
static void header_line(mime_core *c, const char *p, size_t n)
{
    size_t elen = eol_length(p, n), content = n - elen;
    bool first = c->first_line;
    c->first_line = false;
    if (content == 0) {
        size_t hend = c->pos;
        take(c, p, n);
        end_headers(c, hend, c->pos);
        c->prev_blank = true;
        return;
    }
    size_t colon = 0, nlen = 0;
    int cls = mime_header_line_split(p, content, &colon, &nlen);
    if (cls == MIME_HL_OTHER && first && is_from_line(p, content, 0)) {
        c->hl_bad = true;
        take(c, p, n); /* an mbox "From " line left on the message */
        return;
    }
    if (cls == MIME_HL_OTHER) {
        mime_defect_add(c->msg, c->cur, MIME_DEFECT_NO_HEADER_SEPARATOR, c->pos);
        end_headers(c, c->pos, c->pos);
        if (c->state == CORE_HEADERS)
            header_line(c, p, n); /* a message/rfc822 part: the line opens its message */
        else
            body_line(c, p, n);
        return;
    }
    if (cls == MIME_HL_CONT && c->hl_last == MIME_HL_OTHER) {
        c->hl_bad = true;
        mime_defect_add(c->msg, c->cur, MIME_DEFECT_BAD_HEADER_LINE, c->pos);
        take(c, p, n);
        return;
    }
    c->hl_last = MIME_HL_FIELD;
    check_header_line(c, p, content, n);
    record_line(c, n, cls, colon, nlen);
    keep_header_bytes(c, p, n);
    take(c, p, n);
}

/* ---- messages ---------------------------------------------------------- */

static void start_message(mime_core *c)
{
    if (!c->preset) {
        c->msg = envoi_message_new();
        if (!c->msg || mime_parsed_attach(c->msg) < 0) {
            envoi_message_free(c->msg);
            c->msg = NULL;
            fail(c, ENVOI_ENOMEM);
            return;
        }
    }
    c->pos = 0;
    c->nlive = 0;
    c->nheld = c->nblank = 0;
    c->prev_blank = false;
    c->mid_line = false;
    begin_part(c, c->graft, 0);
    c->first_line = true;
}

/* A nested message becomes its part's child: kept (and freed) by the outer
 * message, its defects reported there too. */
static void graft_message(mime_core *c, envoi_message *msg)
{
    mime_parsed *outer = c->graft->msg->parsed, *pm = msg->parsed;
    if (mime_append_ptr(&outer->subs, &outer->nsubs, &outer->cap_subs, msg) < 0) {
        /* Unreachable from the tree then: drop the child link before freeing. */
        c->graft->nchildren = 0;
        envoi_message_free(msg);
        fail(c, ENVOI_ENOMEM);
        return;
    }
    for (size_t i = 0; i < pm->ndefects; i++)
        mime_defect_copy(c->graft->msg, &pm->defects[i]);
}

static void end_message(mime_core *c, size_t end)
{
    while (c->cur && c->cur != c->graft && c->rc == 0)
        close_part(c, end);
    envoi_message *msg = c->msg;
    mime_parsed *pm = msg->parsed;
    if (!c->preset) {
        pm->has_bodies = c->retain;
        if (c->retain) {
            pm->src = envoi_buf_steal(&c->src, &pm->src_len);
            if (!pm->src && !(pm->src = calloc(1, 1)))
                fail(c, ENVOI_ENOMEM);
        }
    }
    mime_defects_finish(msg);
    c->msg = NULL;
    c->cur = NULL;
    if (c->preset)
        return;
    if (c->graft) {
        graft_message(c, msg);
        return;
    }
    bool keep = false;
    int rc;
    if (c->rc == 0 && c->cb.message_end && (rc = c->cb.message_end(c->ctx, msg, &keep)) < 0)
        fail(c, rc);
    c->messages++;
    if (!keep)
        envoi_message_free(msg);
}

/* ---- lines ------------------------------------------------------------- */

static void body_line(mime_core *c, const char *p, size_t n)
{
    size_t elen = eol_length(p, n), content = n - elen;
    size_t off = c->pos;
    take(c, p, n);
    if (c->mbox && content == 0 && elen) {
        /* A blank line might be the one before a "From " line. */
        if (c->nblank) {
            size_t boff = c->blank_off;
            char b[2];
            size_t bn = c->nblank;
            memcpy(b, c->blank, bn);
            c->nblank = 0;
            flush_held(c);
            hold(c, b, bn, boff);
        }
        memcpy(c->blank, p, elen);
        c->nblank = elen;
        c->blank_off = off;
        c->prev_blank = true;
        return;
    }
    body_piece(c, p, content, off, elen);
}

/* One whole line (with its line end, or the last line of the input). */
static void line(mime_core *c, const char *p, size_t n)
{
    size_t content = n - eol_length(p, n);
    if (c->mbox && is_from_line(p, content, 0) && p[0] == 'F' && (c->prev_blank || !c->msg)) {
        if (c->msg)
            end_message(c, drop_last_held(c, c->pos));
        if (c->rc == 0)
            start_message(c);
        if (c->msg)
            c->first_line = false; /* the separator itself is not part of the message */
        return;
    }
    if (!c->msg) {
        start_message(c);
        if (!c->msg)
            return;
    }
    if (c->mbox && is_from_line(p, content, 1)) {
        p++; /* mboxrd: one level of '>' quoting removed */
        n--;
        content--;
    }
    bool close;
    envoi_part *m;
    if (c->nlive && content >= 3 && p[0] == '-' && (m = match_boundary(c, p, content, &close))) {
        if (close || c->msg->parsed->nparts < MIME_MAX_PARTS) {
            boundary_line(c, m, close, p, n);
            return;
        }
    }
    if (c->state == CORE_HEADERS)
        header_line(c, p, n);
    else
        body_line(c, p, n);
}

static bool special_start(const mime_core *c, char ch)
{
    if (ch == '-')
        return c->nlive > 0;
    return c->mbox && (ch == 'F' || ch == '>' || ch == '\n' || ch == '\r');
}

/* The first line at or after line start j that starts with "--" (or with
 * "-" at the very end), else len. Looks for '-' with memchr, which skips a
 * base64 body (no '-' in its alphabet) at memory speed; a body full of
 * dashes makes it look at line starts instead. */
static size_t next_dash_line(const char *p, size_t len, size_t j)
{
    size_t misses = 0;
    const char *q, *nl;
    while (j < len) {
        /* j is a line start */
        if (p[j] == '-' && (j + 1 == len || p[j + 1] == '-'))
            return j;
        if (misses < 16) {
            if (!(q = memchr(p + j + 1, '-', len - j - 1)))
                return len;
            if (q[-1] == '\n') {
                j = (size_t)(q - p);
                continue;
            }
            misses++;
            if (!(nl = memchr(q + 1, '\n', len - (size_t)(q + 1 - p))))
                return len;
        } else if (!(nl = memchr(p + j, '\n', len - j))) {
            return len;
        }
        j = (size_t)(nl - p) + 1;
    }
    return len;
}

/* The end of a run of ordinary body lines starting with the complete line
 * p[0..first] (first: its length). */
static size_t span_end(const mime_core *c, const char *p, size_t len, size_t first)
{
    if (c->mbox) {
        size_t j = first;
        while (j < len && !special_start(c, p[j])) {
            const char *nl = memchr(p + j, '\n', len - j);
            if (!nl)
                break;
            j = (size_t)(nl - p) + 1;
        }
        return j;
    }
    if (c->nlive) {
        size_t j = next_dash_line(p, len, first);
        if (j < len)
            return j;
    }
    const char *last = memrchr(p + first - 1, '\n', len - first + 1);
    return (size_t)(last - p) + 1;
}

static void body_span(mime_core *c, const char *p, size_t n)
{
    size_t elen = eol_length(p, n);
    size_t off = c->pos;
    take(c, p, n);
    body_piece(c, p, n - elen, off, elen);
}

/* Part of a line too long to carry: its start was consumed already or is
 * consumed now as plain content (never a boundary or a separator). Returns
 * bytes consumed; a CR at the end waits for a possible LF. */
static size_t long_piece(mime_core *c, const char *p, size_t n, bool final)
{
    const char *nl = memchr(p, '\n', n);
    size_t k = nl ? (size_t)(nl - p) + 1 : n;
    if (!nl && !final && k && p[k - 1] == '\r')
        k--;
    if (k == 0)
        return 0;
    size_t elen = eol_length(p, k);
    c->mid_line = !nl && !final;
    if (c->state == CORE_HEADERS) {
        c->hl_bad = true; /* not a whole line */
        keep_header_bytes(c, p, k);
        take(c, p, k);
        return k;
    }
    size_t off = c->pos;
    take(c, p, k);
    body_piece(c, p, k - elen, off, elen);
    return k;
}

/* The start of a line longer than the carry bound. */
static size_t long_line_start(mime_core *c, const char *p, size_t n)
{
    if (!c->msg) {
        start_message(c);
        if (!c->msg)
            return n;
    }
    size_t skipped = 0;
    if (c->mbox && is_from_line(p, n, 1)) {
        p++; /* mboxrd quoting, as in line() */
        n--;
        skipped = 1;
    }
    /* A header block ended by the line may open a message/rfc822 part's
     * message, whose header block the line starts in turn. */
    while (c->state == CORE_HEADERS && c->rc == 0) {
        bool first = c->first_line;
        c->first_line = false;
        int cls = mime_header_line_class(p, n);
        if (cls == MIME_HL_OTHER && !(first && is_from_line(p, n, 0))) {
            mime_defect_add(c->msg, c->cur, MIME_DEFECT_NO_HEADER_SEPARATOR, c->pos);
            end_headers(c, c->pos, c->pos);
        } else {
            mime_defect_add(c->msg, c->cur, MIME_DEFECT_LONG_LINE, c->pos);
            c->hl_last = cls == MIME_HL_FIELD ? MIME_HL_FIELD : c->hl_last;
            break;
        }
    }
    return long_piece(c, p, n, false) + skipped;
}

static size_t process(mime_core *c, const char *buf, size_t len, int mode)
{
    size_t i = 0;
    while (i < len && c->rc == 0) {
        if (c->mid_line) {
            size_t k = long_piece(c, buf + i, len - i, mode == MODE_FINAL);
            if (k == 0)
                break;
            i += k;
            continue;
        }
        const char *nl = memchr(buf + i, '\n', len - i);
        if (!nl) {
            if (mode == MODE_FINAL) {
                line(c, buf + i, len - i);
                i = len;
            } else if (mode == MODE_PARTIAL) {
                size_t before = i;
                i += long_line_start(c, buf + i, len - i);
                if (i == before)
                    break;
            }
            break;
        }
        size_t first = (size_t)(nl - (buf + i)) + 1;
        if (c->msg && c->state == CORE_BODY && !special_start(c, buf[i])) {
            size_t n = span_end(c, buf + i, len - i, first);
            body_span(c, buf + i, n);
            i += n;
            continue;
        }
        line(c, buf + i, first);
        i += first;
    }
    return i;
}

/* ---- entry points ------------------------------------------------------ */

void mime_core_init(mime_core *c, const envoi_parse_callbacks *cb, void *ctx, bool mbox,
                    bool retain)
{
    memset(c, 0, sizeof *c);
    if (cb)
        c->cb = *cb;
    c->ctx = ctx;
    c->mbox = mbox;
    c->retain = retain;
}

int mime_core_parse_preset(envoi_message *msg)
{
    mime_core c;
    mime_core_init(&c, NULL, NULL, false, true);
    c.preset = true;
    c.msg = msg;
    start_message(&c);
    mime_parsed *pm = msg->parsed;
    process(&c, pm->src, pm->src_len, MODE_FINAL);
    if (c.rc == 0) {
        c.msg = msg;
        end_message(&c, c.pos);
    }
    pm->has_bodies = true;
    mime_core_free(&c);
    return c.rc;
}

/* Finish the carried partial line with the start of data; returns the bytes
 * of data used. */
static size_t complete_carry(mime_core *c, const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    size_t want = nl ? (size_t)(nl - data) + 1 : len;
    size_t room = MIME_CARRY_MAX - c->carry.len;
    if (want > room)
        want = room;
    if (envoi_buf_append(&c->carry, data, want) < 0) {
        fail(c, ENVOI_ENOMEM);
        return len;
    }
    note_memory(c);
    bool full = c->carry.len >= MIME_CARRY_MAX;
    bool line_done = c->carry.data[c->carry.len - 1] == '\n';
    if (line_done || full) {
        size_t used = process(c, c->carry.data, c->carry.len, full ? MODE_PARTIAL : MODE_NORMAL);
        envoi_buf_consume(&c->carry, used);
    }
    return want;
}

int mime_core_feed(mime_core *c, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0 && c->rc == 0) {
        if (c->carry.len > 0) {
            size_t used = complete_carry(c, p, len);
            p += used;
            len -= used;
            continue;
        }
        size_t used = process(c, p, len, MODE_NORMAL);
        p += used;
        len -= used;
        if (len >= MIME_CARRY_MAX) {
            used = process(c, p, len, MODE_PARTIAL);
            p += used;
            len -= used;
        }
        if (len > 0 && envoi_buf_append(&c->carry, p, len) < 0)
            fail(c, ENVOI_ENOMEM);
        note_memory(c);
        break;
    }
    return c->rc;
}

int mime_core_finish(mime_core *c)
{
    if (c->rc == 0 && c->carry.len > 0)
        process(c, c->carry.data, c->carry.len, MODE_FINAL);
    envoi_buf_clear(&c->carry);
    if (c->rc == 0 && !c->msg && !c->mbox && c->messages == 0)
        start_message(c);
    if (c->msg && c->rc == 0) {
        c->mid_line = false;
        /* In an mbox every message is followed by a blank line, the last one too. */
        size_t end = c->pos;
        if (c->mbox && c->nblank) {
            end -= c->nblank;
            c->nblank = 0;
        }
        flush_held(c);
        end_message(c, end);
    }
    return c->rc;
}

void mime_core_free(mime_core *c)
{
    if (c->nested) {
        mime_core_free(c->nested);
        free(c->nested);
        c->nested = NULL;
    }
    if (c->msg && !c->preset)
        envoi_message_free(c->msg);
    c->msg = NULL;
    envoi_buf_free(&c->src);
    envoi_buf_free(&c->hbuf);
    envoi_buf_free(&c->carry);
    free(c->hl);
    c->hl = NULL;
    free(c->scratch);
    c->scratch = NULL;
}

size_t mime_core_high_water(const mime_core *c)
{
    return c->high_water;
}
