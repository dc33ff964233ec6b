/* Text in a declared charset to UTF-8: aliases as mail writes them, fast paths
 * for UTF-8, ASCII, Latin-1 and windows-1252, iconv for the rest (descriptors
 * cached per thread), and a UTF-8-else-windows-1252 fallback when a label lies. */
#include "util/charset.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"

/* Charsets read without iconv. */
enum builtin { BUILTIN_NONE, BUILTIN_UTF8, BUILTIN_LATIN1, BUILTIN_CP1252 };

struct alias {
    const char *label; /* lowercase */
    const char *canonical;
};

/* Labels seen in mail mapped to what glibc iconv knows; where a label names a
 * subset that writers routinely exceed, the superset (as browsers do). */
static const struct alias aliases[] = {
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"unicode-1-1-utf-8", "UTF-8"},
    {"x-unicode20utf8", "UTF-8"},
    {"us-ascii", "US-ASCII"},
    {"ascii", "US-ASCII"},
    {"ansi_x3.4-1968", "US-ASCII"},
    {"ansi_x3.4-1986", "US-ASCII"},
    {"iso646-us", "US-ASCII"},
    {"us", "US-ASCII"},
    {"iso-ir-6", "US-ASCII"},
    {"cp367", "US-ASCII"},
    {"ibm367", "US-ASCII"},
    {"iso-8859-1", "ISO-8859-1"},
    {"iso8859-1", "ISO-8859-1"},
    {"iso_8859-1", "ISO-8859-1"},
    {"iso_8859-1:1987", "ISO-8859-1"},
    {"iso-ir-100", "ISO-8859-1"},
    {"latin1", "ISO-8859-1"},
    {"latin-1", "ISO-8859-1"},
    {"l1", "ISO-8859-1"},
    {"cp819", "ISO-8859-1"},
    {"ibm819", "ISO-8859-1"},
    {"iso88591", "ISO-8859-1"},
    {"windows-1252", "WINDOWS-1252"},
    {"cp1252", "WINDOWS-1252"},
    {"x-cp1252", "WINDOWS-1252"},
    {"win-1252", "WINDOWS-1252"},
    {"ms-ansi", "WINDOWS-1252"},
    {"windows-1250", "WINDOWS-1250"},
    {"cp1250", "WINDOWS-1250"},
    {"x-cp1250", "WINDOWS-1250"},
    {"windows-1251", "WINDOWS-1251"},
    {"cp1251", "WINDOWS-1251"},
    {"x-cp1251", "WINDOWS-1251"},
    {"windows-1253", "WINDOWS-1253"},
    {"cp1253", "WINDOWS-1253"},
    {"windows-1254", "WINDOWS-1254"},
    {"cp1254", "WINDOWS-1254"},
    {"windows-1255", "WINDOWS-1255"},
    {"cp1255", "WINDOWS-1255"},
    {"windows-1256", "WINDOWS-1256"},
    {"cp1256", "WINDOWS-1256"},
    {"windows-1257", "WINDOWS-1257"},
    {"cp1257", "WINDOWS-1257"},
    {"windows-1258", "WINDOWS-1258"},
    {"cp1258", "WINDOWS-1258"},
    {"windows-874", "WINDOWS-874"},
    {"cp874", "WINDOWS-874"},
    {"tis-620", "WINDOWS-874"},
    {"tis620", "WINDOWS-874"},
    {"iso-8859-11", "WINDOWS-874"},
    {"latin2", "ISO-8859-2"},
    {"l2", "ISO-8859-2"},
    {"iso8859-2", "ISO-8859-2"},
    {"latin9", "ISO-8859-15"},
    {"iso8859-15", "ISO-8859-15"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"iso-8859-6-i", "ISO-8859-6"},
    {"ks_c_5601-1987", "CP949"},
    {"ks_c_5601", "CP949"},
    {"ksc5601", "CP949"},
    {"ksc_5601", "CP949"},
    {"euc-kr", "CP949"},
    {"euckr", "CP949"},
    {"cp949", "CP949"},
    {"windows-949", "CP949"},
    {"uhc", "CP949"},
    {"gb2312", "GB18030"},
    {"gbk", "GB18030"},
    {"x-gbk", "GB18030"},
    {"cp936", "GB18030"},
    {"windows-936", "GB18030"},
    {"gb18030", "GB18030"},
    {"euc-cn", "GB18030"},
    {"x-euc-cn", "GB18030"},
    {"csgb2312", "GB18030"},
    {"chinese", "GB18030"},
    {"big5", "BIG5-HKSCS"},
    {"big-5", "BIG5-HKSCS"},
    {"x-x-big5", "BIG5-HKSCS"},
    {"cn-big5", "BIG5-HKSCS"},
    {"big5-hkscs", "BIG5-HKSCS"},
    {"cp950", "BIG5-HKSCS"},
    {"shift_jis", "CP932"},
    {"shift-jis", "CP932"},
    {"x-sjis", "CP932"},
    {"sjis", "CP932"},
    {"ms_kanji", "CP932"},
    {"csshiftjis", "CP932"},
    {"windows-31j", "CP932"},
    {"cp932", "CP932"},
    {"euc-jp", "EUC-JP-MS"},
    {"x-euc-jp", "EUC-JP-MS"},
    {"eucjp", "EUC-JP-MS"},
    {"iso-2022-jp", "ISO-2022-JP-2"},
    {"csiso2022jp", "ISO-2022-JP-2"},
    {"iso-2022-jp-2", "ISO-2022-JP-2"},
    {"koi8-r", "KOI8-R"},
    {"koi8r", "KOI8-R"},
    {"koi8-u", "KOI8-U"},
    {"koi8-ru", "KOI8-U"},
    {"unicode-1-1-utf-7", "UTF-7"},
    {"utf-7", "UTF-7"},
    {"utf7", "UTF-7"},
    {"x-mac-roman", "MACINTOSH"},
    {"macintosh", "MACINTOSH"},
    {"mac", "MACINTOSH"},
};

/* windows-1252 0x80..0x9F; the five unassigned bytes keep their C1 code point. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

#define LABEL_MAX 64

/* Lowercase, trimmed of blanks and quotes, into buf; false when it does not fit. */
static bool normalize_label(const char *label, char *buf, size_t size)
{
    size_t len = strlen(label);
    while (len && (label[0] == ' ' || label[0] == '\t' || label[0] == '"' || label[0] == '\''))
        label++, len--;
    while (len && (label[len - 1] == ' ' || label[len - 1] == '\t' || label[len - 1] == '"' ||
                   label[len - 1] == '\''))
        len--;
    if (len >= size)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = label[i];
        buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    buf[len] = '\0';
    return true;
}

static const char *lookup_alias(const char *lower)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].label, lower) == 0)
            return aliases[i].canonical;
    return NULL;
}

/* Labels looked up lately, per thread: mail repeats a few labels. */
#define RECENT_SLOTS 16
#define RECENT_LABEL 32
struct recent_label {
    char label[RECENT_LABEL]; /* as given; "" when free */
    const char *canonical;    /* NULL: the label is its own name */
};
static _Thread_local struct recent_label recent[RECENT_SLOTS];
static _Thread_local unsigned recent_next;

static const char *canonical_uncached(const char *label)
{
    char lower[LABEL_MAX];
    if (!label || !*label)
        return "US-ASCII";
    /* The labels nearly all mail uses, without the table walk. */
    if (strcasecmp(label, "utf-8") == 0)
        return "UTF-8";
    if (strcasecmp(label, "us-ascii") == 0)
        return "US-ASCII";
    if (strcasecmp(label, "iso-8859-1") == 0)
        return "ISO-8859-1";
    if (!normalize_label(label, lower, sizeof lower))
        return label;
    if (!*lower)
        return "US-ASCII";
    const char *c = lookup_alias(lower);
    return c ? c : label;
}

const char *envoi_charset_canonical(const char *label)
{
    if (!label || !*label)
        return "US-ASCII";
    if (strcasecmp(label, "utf-8") == 0)
        return "UTF-8";
    for (size_t i = 0; i < RECENT_SLOTS && recent[i].label[0]; i++)
        if (strcmp(recent[i].label, label) == 0)
            return recent[i].canonical ? recent[i].canonical : label;
    const char *c = canonical_uncached(label);
    size_t n = strlen(label);
    if (n < RECENT_LABEL) {
        struct recent_label *r = &recent[recent_next++ % RECENT_SLOTS];
        memcpy(r->label, label, n + 1);
        r->canonical = c == label ? NULL : c;
    }
    return c;
}

static enum builtin builtin_of(const char *canonical)
{
    if (strcmp(canonical, "UTF-8") == 0 || strcmp(canonical, "US-ASCII") == 0)
        return BUILTIN_UTF8;
    if (strcmp(canonical, "ISO-8859-1") == 0)
        return BUILTIN_LATIN1;
    if (strcmp(canonical, "WINDOWS-1252") == 0)
        return BUILTIN_CP1252;
    return BUILTIN_NONE;
}

/* Length of the leading pure-ASCII run, eight bytes at a time. */
static size_t ascii_prefix(const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull)
            break;
        i += 8;
    }
    while (i < len && p[i] < 0x80)
        i++;
    return i;
}

/* Length (2..4) of the well-formed multibyte UTF-8 character at p (p[0] >=
 * 0x80), given len bytes remain; 1 when it is not one (RFC 3629 table: no
 * overlongs, surrogates, or code points above U+10FFFF). */
static size_t utf8_seq_len(const unsigned char *p, size_t len)
{
    unsigned char c = p[0];
    if (c >= 0xC2 && c <= 0xDF)
        return len >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 1;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return len >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 1;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return len >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
                       (p[3] & 0xC0) == 0x80
                   ? 4
                   : 1;
    }
    return 1;
}

/* True when in[0..len) is well-formed UTF-8; ASCII runs skipped in words. */
static bool utf8_valid(const unsigned char *p, size_t len)
{
    size_t i = 0;
    for (;;) {
        i += ascii_prefix(p + i, len - i);
        if (i >= len)
            return true;
        size_t n = utf8_seq_len(p + i, len - i);
        if (n == 1)
            return false;
        i += n;
        while (i < len && p[i] >= 0x80) { /* non-Latin text: characters in a row */
            if ((n = utf8_seq_len(p + i, len - i)) == 1)
                return false;
            i += n;
        }
    }
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static unsigned cp1252_code_point(unsigned char c)
{
    return (c >= 0x80 && c < 0xA0) ? cp1252_c1[c - 0x80] : c;
}

/* Single-byte windows-1252 (a superset of Latin-1 for text) to UTF-8. */
static int append_cp1252(const unsigned char *p, size_t len, envoi_buf *out)
{
    if (len > SIZE_MAX / 3 || envoi_buf_reserve(out, len * 3) != 0)
        return ENVOI_ENOMEM;
    char *o = out->data + out->len;
    size_t i = 0;
    while (i < len) {
        size_t run = ascii_prefix(p + i, len - i);
        memcpy(o, p + i, run);
        o += run;
        i += run;
        if (i < len)
            o += put_utf8(o, cp1252_code_point(p[i++]));
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    return 0;
}

/* The fallback: well-formed UTF-8 sequences kept, every other byte read as
 * windows-1252, so mostly-UTF-8 text with a stray Latin-1 byte survives. */
static int append_fallback(const unsigned char *p, size_t len, envoi_buf *out)
{
    if (len > SIZE_MAX / 3 || envoi_buf_reserve(out, len * 3) != 0)
        return ENVOI_ENOMEM;
    char *o = out->data + out->len;
    size_t i = 0;
    while (i < len) {
        size_t run = ascii_prefix(p + i, len - i);
        memcpy(o, p + i, run);
        o += run;
        i += run;
        if (i >= len)
            break;
        size_t n = utf8_seq_len(p + i, len - i);
        if (n > 1) {
            memcpy(o, p + i, n);
            o += n;
            i += n;
        } else {
            o += put_utf8(o, cp1252_code_point(p[i++]));
        }
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    return 0;
}

static int fallback(const unsigned char *p, size_t len, envoi_buf *out, int result)
{
    int rc = append_fallback(p, len, out);
    return rc < 0 ? rc : result;
}

/* ---- iconv descriptors, cached per thread ---- */

#define CACHE_SLOTS 6

struct cd_slot {
    char name[LABEL_MAX]; /* canonical name as passed to iconv_open; "" when free */
    iconv_t cd;           /* (iconv_t)-1 when iconv does not know the name */
    unsigned long used;
};

struct cd_cache {
    struct cd_slot slot[CACHE_SLOTS];
    unsigned long clock;
    bool registered;
};

static _Thread_local struct cd_cache cache;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static bool cache_key_ok;

static void close_slot(struct cd_slot *s)
{
    if (s->name[0] && s->cd != (iconv_t)-1)
        iconv_close(s->cd);
    s->name[0] = '\0';
    s->cd = (iconv_t)-1;
}

/* Thread exit: close the descriptors the thread opened. */
static void cache_destroy(void *arg)
{
    struct cd_cache *c = arg;
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        close_slot(&c->slot[i]);
}

static void cache_key_create(void)
{
    cache_key_ok = pthread_key_create(&cache_key, cache_destroy) == 0;
}

static void cache_register(void)
{
    if (cache.registered)
        return;
    cache.registered = true;
    pthread_once(&cache_once, cache_key_create);
    if (cache_key_ok)
        pthread_setspecific(cache_key, &cache);
}

/* Names go to iconv_open only when made of the characters charset names use. */
static bool plausible_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len >= LABEL_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == ':' || c == '+';
        if (!ok)
            return false;
    }
    return true;
}

/* The cached descriptor for name, opened on first use; (iconv_t)-1 when
 * iconv does not know the charset (remembered too). */
static iconv_t get_cd(const char *name)
{
    struct cd_slot *victim = &cache.slot[0];
    cache.clock++;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        struct cd_slot *s = &cache.slot[i];
        if (s->name[0] && strcmp(s->name, name) == 0) {
            s->used = cache.clock;
            return s->cd;
        }
        if (!s->name[0] || s->used < victim->used)
            victim = s;
    }
    cache_register();
    if (victim->name[0])
        close_slot(victim);
    iconv_t cd = iconv_open("UTF-8", name);
    size_t n = strlen(name);
    memcpy(victim->name, name, n + 1);
    victim->cd = cd;
    victim->used = cache.clock;
    return cd;
}

/* 0, ENVOI_ENOMEM, or 1 when the bytes are not valid in the charset (out
 * left as it was). */
static int convert_iconv(iconv_t cd, const unsigned char *p, size_t len, envoi_buf *out)
{
    size_t start = out->len;
    iconv(cd, NULL, NULL, NULL, NULL);
    char *in = (char *)p;
    size_t inleft = len;
    size_t room = len < SIZE_MAX / 4 ? len * 2 + 16 : len;
    bool flushing = false; /* input done: write a stateful encoding's final shift */
    for (;;) {
        if (envoi_buf_reserve(out, room) != 0) {
            out->len = start;
            if (out->data)
                out->data[start] = '\0';
            return ENVOI_ENOMEM;
        }
        char *o = out->data + out->len;
        size_t oleft = out->cap - out->len - 1;
        size_t r =
            flushing ? iconv(cd, NULL, NULL, &o, &oleft) : iconv(cd, &in, &inleft, &o, &oleft);
        out->len = (size_t)(o - out->data);
        if (r == (size_t)-1) {
            if (errno == E2BIG) {
                room = out->cap - out->len + 64;
                continue;
            }
            out->len = start;
            out->data[start] = '\0';
            return 1;
        }
        if (flushing)
            break;
        flushing = true;
    }
    out->data[out->len] = '\0';
    return 0;
}

int envoi_charset_to_utf8(const char *charset, const void *in, size_t len, envoi_buf *out)
{
    const unsigned char *p = in;
    const char *canonical = envoi_charset_canonical(charset);
    enum builtin b = builtin_of(canonical);
    size_t ascii = ascii_prefix(p, len);
    if (ascii == len && b != BUILTIN_NONE)
        return envoi_buf_append(out, p, len) < 0 ? ENVOI_ENOMEM : CHARSET_OK;
    switch (b) {
    case BUILTIN_UTF8:
        if (utf8_valid(p + ascii, len - ascii))
            return envoi_buf_append(out, p, len) < 0 ? ENVOI_ENOMEM : CHARSET_OK;
        return fallback(p, len, out, CHARSET_MISMATCH);
    case BUILTIN_LATIN1:
    case BUILTIN_CP1252:
        return append_cp1252(p, len, out) < 0 ? ENVOI_ENOMEM : CHARSET_OK;
    case BUILTIN_NONE:
        break;
    }
    char name[LABEL_MAX];
    if (canonical == charset) {
        /* Not an alias: give iconv the label as written, trimmed. */
        if (!normalize_label(charset, name, sizeof name) || !plausible_name(name))
            return fallback(p, len, out, CHARSET_UNKNOWN);
        canonical = name;
    }
    iconv_t cd = get_cd(canonical);
    if (cd == (iconv_t)-1)
        return fallback(p, len, out, CHARSET_UNKNOWN);
    int rc = convert_iconv(cd, p, len, out);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return fallback(p, len, out, CHARSET_MISMATCH);
    return CHARSET_OK;
}
