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

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Charsets read without iconv. */
enum builtin {
    BUILTIN_NONE,
    BUILTIN_UTF8,
    BUILTIN_LATIN1,
    BUILTIN_CP1252,
    BUILTIN_TABLE, /* a single-byte charset of single_byte[] */
};

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

/* Single-byte charsets common in mail whose every byte is assigned, read
 * without iconv: the code points of bytes 0x80..0xFF, exactly as glibc iconv
 * gives them (ASCII maps to itself). */
static const uint16_t koi8_r_high[128] = {
    0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518, 0x251C, 0x2524, 0x252C, 0x2534, 0x253C, 0x2580,
    0x2584, 0x2588, 0x258C, 0x2590, 0x2591, 0x2592, 0x2593, 0x2320, 0x25A0, 0x2219, 0x221A, 0x2248,
    0x2264, 0x2265, 0x00A0, 0x2321, 0x00B0, 0x00B2, 0x00B7, 0x00F7, 0x2550, 0x2551, 0x2552, 0x0451,
    0x2553, 0x2554, 0x2555, 0x2556, 0x2557, 0x2558, 0x2559, 0x255A, 0x255B, 0x255C, 0x255D, 0x255E,
    0x255F, 0x2560, 0x2561, 0x0401, 0x2562, 0x2563, 0x2564, 0x2565, 0x2566, 0x2567, 0x2568, 0x2569,
    0x256A, 0x256B, 0x256C, 0x00A9, 0x044E, 0x0430, 0x0431, 0x0446, 0x0434, 0x0435, 0x0444, 0x0433,
    0x0445, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F, 0x044F, 0x0440, 0x0441,
    0x0442, 0x0443, 0x0436, 0x0432, 0x044C, 0x044B, 0x0437, 0x0448, 0x044D, 0x0449, 0x0447, 0x044A,
    0x042E, 0x0410, 0x0411, 0x0426, 0x0414, 0x0415, 0x0424, 0x0413, 0x0425, 0x0418, 0x0419, 0x041A,
    0x041B, 0x041C, 0x041D, 0x041E, 0x041F, 0x042F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0416, 0x0412,
    0x042C, 0x042B, 0x0417, 0x0428, 0x042D, 0x0429, 0x0427, 0x042A,
};
static const uint16_t iso8859_2_high[128] = {
    0x0080, 0x0081, 0x0082, 0x0083, 0x0084, 0x0085, 0x0086, 0x0087, 0x0088, 0x0089, 0x008A, 0x008B,
    0x008C, 0x008D, 0x008E, 0x008F, 0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097,
    0x0098, 0x0099, 0x009A, 0x009B, 0x009C, 0x009D, 0x009E, 0x009F, 0x00A0, 0x0104, 0x02D8, 0x0141,
    0x00A4, 0x013D, 0x015A, 0x00A7, 0x00A8, 0x0160, 0x015E, 0x0164, 0x0179, 0x00AD, 0x017D, 0x017B,
    0x00B0, 0x0105, 0x02DB, 0x0142, 0x00B4, 0x013E, 0x015B, 0x02C7, 0x00B8, 0x0161, 0x015F, 0x0165,
    0x017A, 0x02DD, 0x017E, 0x017C, 0x0154, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x0139, 0x0106, 0x00C7,
    0x010C, 0x00C9, 0x0118, 0x00CB, 0x011A, 0x00CD, 0x00CE, 0x010E, 0x0110, 0x0143, 0x0147, 0x00D3,
    0x00D4, 0x0150, 0x00D6, 0x00D7, 0x0158, 0x016E, 0x00DA, 0x0170, 0x00DC, 0x00DD, 0x0162, 0x00DF,
    0x0155, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x013A, 0x0107, 0x00E7, 0x010D, 0x00E9, 0x0119, 0x00EB,
    0x011B, 0x00ED, 0x00EE, 0x010F, 0x0111, 0x0144, 0x0148, 0x00F3, 0x00F4, 0x0151, 0x00F6, 0x00F7,
    0x0159, 0x016F, 0x00FA, 0x0171, 0x00FC, 0x00FD, 0x0163, 0x02D9,
};
static const uint16_t iso8859_15_high[128] = {
    0x0080, 0x0081, 0x0082, 0x0083, 0x0084, 0x0085, 0x0086, 0x0087, 0x0088, 0x0089, 0x008A, 0x008B,
    0x008C, 0x008D, 0x008E, 0x008F, 0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097,
    0x0098, 0x0099, 0x009A, 0x009B, 0x009C, 0x009D, 0x009E, 0x009F, 0x00A0, 0x00A1, 0x00A2, 0x00A3,
    0x20AC, 0x00A5, 0x0160, 0x00A7, 0x0161, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x017D, 0x00B5, 0x00B6, 0x00B7, 0x017E, 0x00B9, 0x00BA, 0x00BB,
    0x0152, 0x0153, 0x0178, 0x00BF, 0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF, 0x00D0, 0x00D1, 0x00D2, 0x00D3,
    0x00D4, 0x00D5, 0x00D6, 0x00D7, 0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF,
    0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7, 0x00E8, 0x00E9, 0x00EA, 0x00EB,
    0x00EC, 0x00ED, 0x00EE, 0x00EF, 0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF,
};

static const struct {
    const char *canonical;
    const uint16_t *high;
} single_byte[] = {
    {"KOI8-R", koi8_r_high},
    {"ISO-8859-2", iso8859_2_high},
    {"ISO-8859-15", iso8859_15_high},
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

/* The charset's built-in reading; *table gets the code points of bytes
 * 0x80..0xFF for BUILTIN_TABLE. */
static enum builtin builtin_of(const char *canonical, const uint16_t **table)
{
    if (strcmp(canonical, "UTF-8") == 0 || strcmp(canonical, "US-ASCII") == 0)
        return BUILTIN_UTF8;
    if (strcmp(canonical, "ISO-8859-1") == 0)
        return BUILTIN_LATIN1;
    if (strcmp(canonical, "WINDOWS-1252") == 0)
        return BUILTIN_CP1252;
    for (size_t i = 0; i < sizeof single_byte / sizeof single_byte[0]; i++)
        if (strcmp(canonical, single_byte[i].canonical) == 0) {
            *table = single_byte[i].high;
            return BUILTIN_TABLE;
        }
    return BUILTIN_NONE;
}

/* Offset of the first 8-bit byte of the eight bytes in w (little-endian
 * order), 8 when there is none. */
static size_t first_high_byte(uint64_t w)
{
    uint64_t m = w & 0x8080808080808080ull;
    return m ? (size_t)__builtin_ctzll(m) / 8 : 8;
}

/* Length of the leading pure-ASCII run: sixteen bytes at a time (the last
 * sixteen overlapping), else eight, never a byte at a time past the first
 * eight. */
static size_t ascii_prefix(const unsigned char *p, size_t len)
{
    size_t i = 0;
#ifdef __SSE2__
    if (len >= 16) {
        for (; i + 16 <= len; i += 16) {
            unsigned m = (unsigned)_mm_movemask_epi8(
                _mm_loadu_si128((const __m128i *)(const void *)(p + i)));
            if (m)
                return i + (size_t)__builtin_ctz(m);
        }
        if (i == len)
            return len;
        unsigned m = (unsigned)_mm_movemask_epi8(
                         _mm_loadu_si128((const __m128i *)(const void *)(p + len - 16))) >>
                     (16 - (len - i));
        return m ? i + (size_t)__builtin_ctz(m) : len;
    }
#endif
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        size_t k = first_high_byte(w);
        if (k < 8)
            return i + k;
    }
    if (len - i >= 1 && len >= 8) { /* the last eight, overlapping */
        uint64_t w;
        memcpy(&w, p + len - 8, 8);
        size_t k = first_high_byte(w >> (8 * (8 - (len - i))));
        return k < len - i ? i + k : len;
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

/* A single-byte charset of single_byte[] to UTF-8. */
static int append_table(const uint16_t *high, const unsigned char *p, size_t len, envoi_buf *out)
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
            o += put_utf8(o, high[p[i++] - 0x80]);
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
    const uint16_t *table = NULL;
    enum builtin b = builtin_of(canonical, &table);
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
    case BUILTIN_TABLE:
        return append_table(table, p, len, out) < 0 ? ENVOI_ENOMEM : CHARSET_OK;
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
