/* The Subject shown for a queued message: taken from the source's header
 * at submission, unfolded, RFC 2047 decoded, bounded in length. */
#include "spool/queue_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime/decode.h"
#include "util/buf.h"

#define SUBJECT_RAW_MAX 4096 /* bytes of the folded field read */
#define SUBJECT_MAX 256      /* bytes of the decoded text kept */

/* The end of the line starting at p (its LF, or end). */
static const char *line_end(const char *p, const char *end)
{
    const char *lf = memchr(p, '\n', (size_t)(end - p));
    return lf ? lf : end;
}

static bool is_blank_line(const char *p, const char *eol)
{
    return p == eol || (eol - p == 1 && *p == '\r');
}

/* Append the field body starting at p (after "Subject:") with its
 * continuation lines, line ends removed. */
static int unfold(const char *p, const char *end, envoi_buf *raw)
{
    for (;;) {
        const char *eol = line_end(p, end);
        const char *stop = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
        size_t room = SUBJECT_RAW_MAX - raw->len;
        size_t n = (size_t)(stop - p) < room ? (size_t)(stop - p) : room;
        if (envoi_buf_append(raw, p, n) < 0)
            return ENVOI_ENOMEM;
        if (eol == end || raw->len >= SUBJECT_RAW_MAX)
            return 0;
        p = eol + 1;
        if (p == end || (*p != ' ' && *p != '\t'))
            return 0;
    }
}

static int find_subject(const char *s, size_t len, envoi_buf *raw)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *eol = line_end(p, end);
        if (is_blank_line(p, eol))
            return 0;
        if (eol - p >= 8 && strncasecmp(p, "subject:", 8) == 0)
            return unfold(p + 8, end, raw);
        p = eol + 1;
    }
    return 0;
}

/* Cut at most SUBJECT_MAX bytes, never inside a UTF-8 sequence. */
static void bound(envoi_buf *b)
{
    if (b->len <= SUBJECT_MAX)
        return;
    size_t n = SUBJECT_MAX;
    while (n > 0 && ((unsigned char)b->data[n] & 0xc0) == 0x80)
        n--;
    envoi_buf_truncate(b, n);
}

static void trim(envoi_buf *b)
{
    size_t start = 0;
    while (start < b->len && (b->data[start] == ' ' || b->data[start] == '\t'))
        start++;
    envoi_buf_consume(b, start);
    while (b->len > 0 && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t'))
        envoi_buf_truncate(b, b->len - 1);
}

char *queue_subject(const void *source, size_t len)
{
    envoi_buf raw = ENVOI_BUF_INIT, out = ENVOI_BUF_INIT;
    unsigned defects = 0;
    int rc = find_subject(source, len, &raw);
    if (rc == 0 && raw.len > 0)
        rc = mime_decode_unstructured(raw.data, raw.len, &out, &defects);
    envoi_buf_free(&raw);
    if (rc == 0 && envoi_buf_append(&out, "", 0) < 0)
        rc = ENVOI_ENOMEM;
    if (rc < 0) {
        envoi_buf_free(&out);
        return NULL;
    }
    trim(&out);
    bound(&out);
    char *s = envoi_buf_steal(&out, NULL);
    return s ? s : strdup("");
}
