/* Fuzz RFC 2047 decoding and charset conversion: arbitrary bytes as an
 * unstructured header value, and (after the first line, which names the
 * charset) as text in a declared charset. Every result must be valid UTF-8,
 * and decoded header text must hold no NUL. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime/decode.h"
#include "util/charset.h"
#include "util/utf8.h"

static void check_utf8(const envoi_buf *b, int allow_nul)
{
    if (!b->len)
        return;
    if (!envoi_utf8_valid(b->data, b->len))
        abort();
    if (!allow_nul && memchr(b->data, '\0', b->len))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    envoi_buf out = ENVOI_BUF_INIT;
    unsigned defects = 0;
    if (mime_decode_unstructured(s, size, &out, &defects) == 0)
        check_utf8(&out, 0);
    envoi_buf_clear(&out);

    const char *nl = memchr(s, '\n', size);
    if (nl && nl - s < 64) {
        char label[64];
        size_t n = (size_t)(nl - s);
        memcpy(label, s, n);
        label[n] = '\0';
        if (!memchr(label, '\0', n)) {
            int rc = envoi_charset_to_utf8(label, nl + 1, size - n - 1, &out);
            if (rc >= 0)
                check_utf8(&out, 1);
        }
    }
    envoi_buf_free(&out);
    return 0;
}
