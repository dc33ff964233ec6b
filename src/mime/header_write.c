/* Header field writing: folding and RFC 2047 encoded-words (see header_write.h). */
#include "mime/header_write.h"

#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "util/base64.h"
#include "util/utf8.h"

#define EW_OVERHEAD 12    /* "=?utf-8?b?" and "?=" */
#define EW_MIN_ROOM 24    /* below this, fold before starting an encoded-word */
#define PLAIN_WORD_MAX 76 /* longer words are encoded so that they can be split */
#define WS_RUN_MAX 8      /* longer runs of whitespace are kept inside encoded-words */

static void append(mime_hdr *h, const char *s, size_t len)
{
    if (h->rc == 0)
        h->rc = envoi_buf_append(h->out, s, len);
    h->col += len;
}

void mime_hdr_begin(mime_hdr *h, envoi_buf *out, const char *name)
{
    h->out = out;
    h->rc = 0;
    h->col = 0;
    append(h, name, strlen(name));
    append(h, ":", 1);
}

void mime_hdr_raw(mime_hdr *h, const char *s, size_t len)
{
    append(h, s, len);
}

static void fold(mime_hdr *h)
{
    append(h, "\r\n", 2);
    h->col = 0;
}

void mime_hdr_word(mime_hdr *h, const char *sep, size_t seplen, const char *word, size_t len)
{
    if (h->col + seplen + len > MIME_LINE_SOFT)
        fold(h);
    append(h, sep, seplen);
    append(h, word, len);
}

int mime_hdr_end(mime_hdr *h)
{
    append(h, "\r\n", 2);
    return h->rc;
}

static bool q_literal(unsigned char c)
{
    /* The characters RFC 2047 allows unencoded in a phrase, minus '=', '?', '_'. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
           c == '*' || c == '+' || c == '-' || c == '/';
}

static size_t q_cost(unsigned char c)
{
    return q_literal(c) || c == ' ' ? 1 : 3;
}

bool mime_ew_prefer_b(const char *s, size_t len)
{
    size_t q = 0;
    for (size_t i = 0; i < len; i++)
        q += q_cost((unsigned char)s[i]);
    return (len + 2) / 3 * 4 < q;
}

/* How many bytes of whole characters from s[pos..len) fit in an encoded-word
 * payload of cap characters. */
static size_t take_chars(const char *s, size_t len, size_t pos, bool use_b, size_t cap)
{
    size_t bytes = 0, cost = 0;
    size_t max_b = cap / 4 * 3;
    while (pos + bytes < len) {
        size_t n = envoi_utf8_char_len(s + pos + bytes, len - pos - bytes);
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
            c += q_cost((unsigned char)s[pos + bytes + i]);
        if (use_b ? bytes + n > max_b : cost + c > cap)
            break;
        bytes += n;
        cost += c;
    }
    return bytes;
}

int mime_ew_next(const char *s, size_t len, size_t *pos, bool use_b, size_t max, envoi_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = take_chars(s, len, *pos, use_b, max - EW_OVERHEAD);
    if (n == 0 && *pos < len)
        n = envoi_utf8_char_len(s + *pos, len - *pos);
    const char *p = s + *pos;
    int rc = envoi_buf_append_str(out, use_b ? "=?utf-8?b?" : "=?utf-8?q?");
    if (rc == 0 && use_b)
        rc = envoi_base64_encode(p, n, out);
    for (size_t i = 0; rc == 0 && !use_b && i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == ' ')
            rc = envoi_buf_append_char(out, '_');
        else if (q_literal(c))
            rc = envoi_buf_append_char(out, (char)c);
        else
            rc = envoi_buf_printf(out, "=%c%c", hex[c >> 4], hex[c & 15]);
    }
    if (rc == 0)
        rc = envoi_buf_append_str(out, "?=");
    *pos += n;
    return rc;
}

/* Write s as encoded-words, filling lines: the first goes after sep, the
 * next ones after a space or a fold. */
static void write_encoded(mime_hdr *h, const char *sep, size_t seplen, const char *s, size_t len)
{
    bool use_b = mime_ew_prefer_b(s, len);
    envoi_buf word = ENVOI_BUF_INIT;
    size_t pos = 0;
    while (pos < len && h->rc == 0) {
        if (h->col + seplen + EW_MIN_ROOM > MIME_LINE_SOFT)
            fold(h);
        size_t room = MIME_LINE_SOFT - h->col - seplen;
        envoi_buf_clear(&word);
        h->rc = mime_ew_next(s, len, &pos, use_b, room < MIME_EW_MAX ? room : MIME_EW_MAX, &word);
        append(h, sep, seplen);
        append(h, word.data ? word.data : "", word.len);
        sep = " ";
        seplen = 1;
    }
    envoi_buf_free(&word);
}

typedef struct text_token {
    size_t ws, ws_len; /* whitespace before the word */
    size_t word, word_len;
    bool encode;
} text_token;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static bool word_needs_encoding(const char *w, size_t len)
{
    if (len > PLAIN_WORD_MAX)
        return true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c < 32 || c >= 127)
            return true;
        if (c == '=' && i + 1 < len && w[i + 1] == '?')
            return true;
    }
    return false;
}

/* Split s into whitespace-separated words; NULL when out of memory. */
static text_token *split_words(const char *s, size_t len, size_t *count, bool *long_ws)
{
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += is_ws(s[i]);
    text_token *t = calloc(cap, sizeof *t);
    if (!t)
        return NULL;
    size_t n = 0, i = 0;
    *long_ws = false;
    while (i < len) {
        size_t ws = i;
        while (i < len && is_ws(s[i]))
            i++;
        if (i == len)
            break;
        size_t word = i;
        while (i < len && !is_ws(s[i]))
            i++;
        t[n] = (text_token){ws, word - ws, word, i - word, word_needs_encoding(s + word, i - word)};
        if (n > 0 && t[n].ws_len > WS_RUN_MAX)
            *long_ws = true;
        n++;
    }
    *count = n;
    return t;
}

void mime_hdr_text(mime_hdr *h, const char *utf8)
{
    size_t len = strlen(utf8), n = 0;
    bool long_ws;
    text_token *t = split_words(utf8, len, &n, &long_ws);
    if (!t) {
        h->rc = ENVOI_ENOMEM;
        return;
    }
    if (long_ws && n > 0) {
        size_t start = t[0].word, end = t[n - 1].word + t[n - 1].word_len;
        write_encoded(h, " ", 1, utf8 + start, end - start);
        free(t);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? " " : utf8 + t[i].ws;
        size_t seplen = i == 0 ? 1 : t[i].ws_len;
        if (!t[i].encode) {
            mime_hdr_word(h, sep, seplen, utf8 + t[i].word, t[i].word_len);
            continue;
        }
        size_t j = i;
        while (j + 1 < n && t[j + 1].encode)
            j++;
        size_t start = t[i].word, end = t[j].word + t[j].word_len;
        write_encoded(h, sep, seplen, utf8 + start, end - start);
        i = j;
    }
    free(t);
}

static bool is_atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool is_plain_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 32 || c >= 127 || (c == '=' && i + 1 < len && s[i + 1] == '?'))
            return false;
    }
    return true;
}

static bool is_atom(const char *s, size_t len)
{
    if (len == 0 || len > PLAIN_WORD_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_atext((unsigned char)s[i]))
            return false;
    return true;
}

/* s as a quoted-string, when that fits on a line and s is plain ASCII. */
static bool quote(const char *s, size_t len, envoi_buf *q)
{
    if (!is_plain_ascii(s, len))
        return false;
    int rc = envoi_buf_append_char(q, '"');
    for (size_t i = 0; rc == 0 && i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            rc = envoi_buf_append_char(q, '\\');
        if (rc == 0)
            rc = envoi_buf_append_char(q, s[i]);
    }
    if (rc == 0)
        rc = envoi_buf_append_char(q, '"');
    return rc == 0 && q->len <= PLAIN_WORD_MAX;
}

/* Words one by one: atoms as they are, other ASCII words quoted, and runs of
 * words that are not ASCII as encoded-words. Keeping ASCII words out of
 * encoded-words keeps those short, so that they are rarely split: readers
 * disagree on the space between two encoded-words of a phrase. */
static void write_phrase_words(mime_hdr *h, const char *s, const text_token *t, size_t n)
{
    envoi_buf q = ENVOI_BUF_INIT;
    for (size_t i = 0; i < n && h->rc == 0; i++) {
        const char *w = s + t[i].word;
        size_t wl = t[i].word_len;
        envoi_buf_clear(&q);
        if (is_atom(w, wl)) {
            mime_hdr_word(h, " ", 1, w, wl);
        } else if (quote(w, wl, &q)) {
            mime_hdr_word(h, " ", 1, q.data, q.len);
        } else {
            size_t j = i;
            while (j + 1 < n && !is_plain_ascii(s + t[j + 1].word, t[j + 1].word_len))
                j++;
            write_encoded(h, " ", 1, w, t[j].word + t[j].word_len - t[i].word);
            i = j;
        }
    }
    envoi_buf_free(&q);
}

void mime_hdr_phrase(mime_hdr *h, const char *utf8)
{
    size_t len = strlen(utf8), n = 0;
    bool long_ws;
    envoi_buf q = ENVOI_BUF_INIT;
    text_token *t = split_words(utf8, len, &n, &long_ws);
    if (!t) {
        h->rc = ENVOI_ENOMEM;
        return;
    }
    bool single_spaces = n > 0 && t[0].ws_len == 0 && t[n - 1].word + t[n - 1].word_len == len;
    for (size_t i = 1; i < n && single_spaces; i++)
        single_spaces = t[i].ws_len == 1 && utf8[t[i].ws] == ' ';
    bool atoms = single_spaces;
    for (size_t i = 0; i < n && atoms; i++)
        atoms = is_atom(utf8 + t[i].word, t[i].word_len);
    if (atoms)
        write_phrase_words(h, utf8, t, n);
    else if (quote(utf8, len, &q))
        mime_hdr_word(h, " ", 1, q.data, q.len);
    else if (single_spaces)
        write_phrase_words(h, utf8, t, n);
    else
        write_encoded(h, " ", 1, utf8, len);
    envoi_buf_free(&q);
    free(t);
}

void mime_hdr_mailbox(mime_hdr *h, const char *name, const char *addr, const char *trail)
{
    envoi_buf w = ENVOI_BUF_INIT;
    int rc;
    if (name && *name) {
        mime_hdr_phrase(h, name);
        rc = envoi_buf_printf(&w, "<%s>%s", addr, trail);
    } else {
        rc = envoi_buf_printf(&w, "%s%s", addr, trail);
    }
    if (rc == 0)
        mime_hdr_word(h, " ", 1, w.data, w.len);
    else
        h->rc = rc;
    envoi_buf_free(&w);
}
