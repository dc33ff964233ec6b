/* UTF-8 checks: validity, character boundaries, pure ASCII. */
#ifndef ENVOI_UTIL_UTF8_H
#define ENVOI_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates, or
 * code points above U+10FFFF). */
bool envoi_utf8_valid(const char *s, size_t len);
/* Length in bytes (1..4) of the character starting at s, given len bytes
 * remain; 1 for a byte that does not start a well-formed character. */
size_t envoi_utf8_char_len(const char *s, size_t len);
bool envoi_is_ascii(const char *s, size_t len);

#endif
