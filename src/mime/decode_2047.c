/* Unstructured header text to UTF-8: RFC 2047 encoded-words (B and Q, also in
 * the broken forms real mail has) and raw 8-bit bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"
#include "mime/decode.h"
#include "mime/defect.h"
#include "util/charset.h"
#include "util/hex.h"

#define CHARSET_MAX 64

/* One encoded-word found in the input. */
struct eword {
    char charset[CHARSET_MAX]; /* as written, language suffix removed */
    char enc;                  /* 'B' or 'Q' */
    const char *text;
    size_t text_len;
    size_t end; /* offset just past "?=" */
};

/* Raw bytes of consecutive encoded-words in one charset, converted together
 * so a character split across words comes out whole. */
struct pending {
    char charset[CHARSET_MAX];
    envoi_buf raw;
    bool active;
};

const char *mime_find_pair(const char *s, size_t len, char a, char b)
{
    while (len >= 2) {
        const char *p = memchr(s, a, len - 1);
        if (!p)
            return NULL;
        if (p[1] == b)
            return p;
        len -= (size_t)(p + 1 - s);
        s = p + 1;
    }
    return NULL;
}

static const signed char b64_value[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,  ['H'] = 8,
    ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* True when the 8 bytes hold '=', NUL or an 8-bit byte: what the plain copy
 * cannot handle. */
static bool word_needs_care(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t eq = w ^ (ones * '=');
    uint64_t has_eq = (eq - ones) & ~eq & highs;
    uint64_t has_nul = (w - ones) & ~w & highs;
    return (w & highs) | has_eq | has_nul;
}

/* True when s holds nothing but printable ASCII without "=?" or NUL. */
static bool is_plain(const char *s, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (word_needs_care(w))
                break;
            i += 8;
        }
        size_t stop = i + 8 < len ? i + 8 : len;
        if (i >= len)
            return true;
        for (; i < stop; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 0x80 || c == 0)
                return false;
            if (c == '=' && i + 1 < len && s[i + 1] == '?')
                return false;
        }
    }
}

/* Recognise "=?charset[*lang]?B|Q?text?=" at s[at]. Returns false (and sets
 * *attempt when it looked like one) for anything else. */
static bool parse_eword(const char *s, size_t len, size_t at, struct eword *w, bool *attempt,
                        size_t *close)
{
    size_t i = at + 2, cs = i;
    *attempt = false;
    while (i < len && s[i] != '?' && !is_blank(s[i]) && s[i] != '=' && i - cs < CHARSET_MAX - 1)
        i++;
    if (i >= len || s[i] != '?' || i == cs)
        return false;
    *attempt = true;
    size_t cs_len = i - cs;
    if (i + 2 >= len || s[i + 2] != '?')
        return false;
    char e = s[i + 1];
    if (e == 'b' || e == 'q')
        e = (char)(e - 32);
    if (e != 'B' && e != 'Q')
        return false;
    size_t t = i + 3;
    /* *close caches the next "?=" (len: none), keeping the scan linear. */
    if (*close < t) {
        const char *f = t < len ? mime_find_pair(s + t, len - t, '?', '=') : NULL;
        *close = f ? (size_t)(f - s) : len;
    }
    if (*close >= len)
        return false;
    const char *q = s + *close;
    const char *star = memchr(s + cs, '*', cs_len);
    if (star)
        cs_len = (size_t)(star - (s + cs));
    memcpy(w->charset, s + cs, cs_len);
    w->charset[cs_len] = '\0';
    w->enc = e;
    w->text = s + t;
    w->text_len = (size_t)(q - (s + t));
    w->end = (size_t)(q - s) + 2;
    return true;
}

/* Decode B text leniently: characters outside the alphabet skipped, missing
 * padding accepted. */
static int decode_b(const char *t, size_t len, envoi_buf *raw, unsigned *defects)
{
    if (envoi_buf_reserve(raw, len / 4 * 3 + 3) != 0)
        return ENVOI_ENOMEM;
    unsigned char *o = (unsigned char *)raw->data + raw->len;
    uint32_t acc = 0;
    int n = 0;
    bool bad = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        int v = b64_value[c];
        if (!v) {
            if (c == '=')
                break;
            bad = true;
            continue;
        }
        acc = acc << 6 | (uint32_t)(v - 1);
        if (++n == 4) {
            *o++ = (unsigned char)(acc >> 16);
            *o++ = (unsigned char)(acc >> 8);
            *o++ = (unsigned char)acc;
            acc = 0;
            n = 0;
        }
    }
    if (n == 2) {
        *o++ = (unsigned char)(acc >> 4);
    } else if (n == 3) {
        *o++ = (unsigned char)(acc >> 10);
        *o++ = (unsigned char)(acc >> 2);
    } else if (n == 1) {
        bad = true;
    }
    if (bad)
        *defects |= MIME_DEFECT_BAD_ENCODED_WORD;
    raw->len = (size_t)((char *)o - raw->data);
    raw->data[raw->len] = '\0';
    return 0;
}

/* Decode Q text: '_' is a space, =XX a byte, a malformed '=' kept. */
static int decode_q(const char *t, size_t len, envoi_buf *raw, unsigned *defects)
{
    if (envoi_buf_reserve(raw, len) != 0)
        return ENVOI_ENOMEM;
    char *o = raw->data + raw->len;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (c == '_') {
            *o++ = ' ';
        } else if (c == '=') {
            int hi = i + 2 < len ? envoi_hex_value((unsigned char)t[i + 1]) : -1;
            int lo = hi >= 0 ? envoi_hex_value((unsigned char)t[i + 2]) : -1;
            if (lo >= 0) {
                *o++ = (char)(hi << 4 | lo);
                i += 2;
                continue;
            }
            *defects |= MIME_DEFECT_BAD_ENCODED_WORD;
            *o++ = c;
        } else {
            *o++ = c;
        }
    }
    raw->len = (size_t)(o - raw->data);
    raw->data[raw->len] = '\0';
    return 0;
}

/* Remove NUL bytes from out->data[from..len). */
static void drop_nuls(envoi_buf *out, size_t from, unsigned *defects)
{
    char *p = memchr(out->data + from, '\0', out->len - from);
    if (!p)
        return;
    *defects |= MIME_DEFECT_NUL;
    char *w = p, *end = out->data + out->len;
    for (; p < end; p++)
        if (*p)
            *w++ = *p;
    out->len = (size_t)(w - out->data);
    out->data[out->len] = '\0';
}

static void note_charset_result(int rc, unsigned *defects, unsigned mismatch_defect)
{
    if (rc == CHARSET_UNKNOWN)
        *defects |= MIME_DEFECT_UNKNOWN_CHARSET;
    else if (rc == CHARSET_MISMATCH)
        *defects |= mismatch_defect;
}

/* Raw text between encoded-words: UTF-8 when valid, else windows-1252. */
static int emit_text(const char *s, size_t len, envoi_buf *out, unsigned *defects)
{
    size_t from = out->len;
    int rc = envoi_charset_to_utf8("utf-8", s, len, out);
    if (rc < 0)
        return rc;
    note_charset_result(rc, defects, MIME_DEFECT_8BIT_HEADER);
    drop_nuls(out, from, defects);
    return 0;
}

static int flush_pending(struct pending *pd, envoi_buf *out, unsigned *defects)
{
    if (!pd->active)
        return 0;
    pd->active = false;
    size_t from = out->len;
    int rc = envoi_charset_to_utf8(pd->charset, pd->raw.data ? pd->raw.data : "", pd->raw.len, out);
    envoi_buf_clear(&pd->raw);
    if (rc < 0)
        return rc;
    note_charset_result(rc, defects, MIME_DEFECT_CHARSET_MISMATCH);
    drop_nuls(out, from, defects);
    return 0;
}

static bool same_charset(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0 ||
           strcmp(envoi_charset_canonical(a), envoi_charset_canonical(b)) == 0;
}

static int add_word(struct pending *pd, const struct eword *w, envoi_buf *out, unsigned *defects)
{
    if (pd->active && !same_charset(pd->charset, w->charset)) {
        int rc = flush_pending(pd, out, defects);
        if (rc < 0)
            return rc;
    }
    if (!pd->active) {
        memcpy(pd->charset, w->charset, sizeof pd->charset);
        pd->active = true;
    }
    return w->enc == 'B' ? decode_b(w->text, w->text_len, &pd->raw, defects)
                         : decode_q(w->text, w->text_len, &pd->raw, defects);
}

static bool all_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank(s[i]))
            return false;
    return true;
}

static int decode_words(const char *s, size_t len, envoi_buf *out, unsigned *defects)
{
    struct pending pd = {.active = false, .raw = ENVOI_BUF_INIT};
    size_t tstart = 0, pos = 0, close = 0;
    bool after_word = false;
    int rc = 0;
    while (pos + 1 < len) {
        const char *eq = memchr(s + pos, '=', len - pos - 1);
        if (!eq)
            break;
        size_t j = (size_t)(eq - s);
        if (s[j + 1] != '?') {
            pos = j + 1;
            continue;
        }
        struct eword w;
        bool attempt;
        if (!parse_eword(s, len, j, &w, &attempt, &close)) {
            if (attempt)
                *defects |= MIME_DEFECT_BAD_ENCODED_WORD;
            pos = j + 2;
            continue;
        }
        if (j > tstart && !(after_word && all_blank(s + tstart, j - tstart))) {
            if ((rc = flush_pending(&pd, out, defects)) < 0 ||
                (rc = emit_text(s + tstart, j - tstart, out, defects)) < 0)
                goto done;
        }
        if ((rc = add_word(&pd, &w, out, defects)) < 0)
            goto done;
        after_word = true;
        tstart = pos = w.end;
    }
    if ((rc = flush_pending(&pd, out, defects)) < 0)
        goto done;
    if (tstart < len)
        rc = emit_text(s + tstart, len - tstart, out, defects);
done:
    envoi_buf_free(&pd.raw);
    return rc;
}

int mime_decode_unstructured(const char *s, size_t len, envoi_buf *out, unsigned *defects)
{
    unsigned scratch = 0;
    if (!defects)
        defects = &scratch;
    if (is_plain(s, len))
        return envoi_buf_append(out, s, len);
    return decode_words(s, len, out, defects);
}
