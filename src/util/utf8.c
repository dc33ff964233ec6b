/* UTF-8 checks (see utf8.h). */
#include "util/utf8.h"

static bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t envoi_utf8_char_len(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (len == 0 || p[0] < 0x80)
        return 1;
    size_t n;
    unsigned min;
    unsigned cp;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2, min = 0x80, cp = p[0] & 0x1F;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3, min = 0x800, cp = p[0] & 0x0F;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4, min = 0x10000, cp = p[0] & 0x07;
    } else {
        return 1;
    }
    if (len < n)
        return 1;
    for (size_t i = 1; i < n; i++) {
        if (!is_cont(p[i]))
            return 1;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 1;
    return n;
}

bool envoi_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = envoi_utf8_char_len(s + i, len - i);
        if (n == 1 && c >= 0x80)
            return false;
        i += n;
    }
    return true;
}

bool envoi_is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}
