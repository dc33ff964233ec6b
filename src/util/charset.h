/* Converting text from a declared charset to UTF-8 with iconv: charset
 * aliases as mail uses them, and a fallback when the label lies. */
#ifndef ENVOI_UTIL_CHARSET_H
#define ENVOI_UTIL_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum charset_result {
    CHARSET_OK = 0,
    CHARSET_UNKNOWN = 1,  /* label unknown: read as UTF-8 if valid, else windows-1252 */
    CHARSET_MISMATCH = 2, /* bytes invalid in that charset: fallback used */
};

/* Append the UTF-8 form of in[0..len) to out. charset NULL or "" means
 * us-ascii. Returns ENVOI_ENOMEM, or a CHARSET_... value (>= 0). The result is
 * always valid UTF-8. Thread-safe; caches iconv descriptors per thread. */
int envoi_charset_to_utf8(const char *charset, const void *in, size_t len, envoi_buf *out);
/* The canonical name for a label ("latin1" -> "ISO-8859-1", "utf8" -> "UTF-8",
 * "ks_c_5601-1987" -> "CP949", "gb2312" -> "GB18030"...). */
const char *envoi_charset_canonical(const char *label);

#endif
