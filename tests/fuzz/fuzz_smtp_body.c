/* Fuzz the DATA body encoder: whatever the content and wherever it is cut
 * into chunks, every line end on the wire is CRLF, no line is a lone "."
 * before the end marker (no SMTP smuggling), and un-stuffing gives back the
 * content with its line ends normalized. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/dotstuff.h"

static void check_wire(const char *w, size_t n)
{
    /* Ends with ".\r\n"; every LF preceded by CR, every CR followed by LF. */
    if (n < 3 || memcmp(w + n - 3, ".\r\n", 3) != 0)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '\n' && (i == 0 || w[i - 1] != '\r'))
            abort();
        if (w[i] == '\r' && (i + 1 >= n || w[i + 1] != '\n'))
            abort();
    }
    /* The only line that is exactly "." is the last one. */
    const char *end = w + n - 3;
    for (const char *p = w; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)(nl - p) - 1;
        if (len == 1 && p[0] == '.')
            abort();
        p = nl + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t cut = data[0] % (size);
    data++;
    size--;
    if (cut > size)
        cut = size;
    envoi_buf out = ENVOI_BUF_INIT;
    envoi_dot d;
    envoi_dot_init(&d, true);
    envoi_dot_feed(&d, data, cut, &out);
    envoi_dot_feed(&d, data + cut, size - cut, &out);
    envoi_dot_finish(&d, &out);
    check_wire(out.data, out.len);

    /* Same bytes in one piece. */
    envoi_buf whole = ENVOI_BUF_INIT;
    envoi_dot_init(&d, true);
    envoi_dot_feed(&d, data, size, &whole);
    envoi_dot_finish(&d, &whole);
    if (whole.len != out.len || memcmp(whole.data, out.data, out.len) != 0)
        abort();
    envoi_buf_free(&whole);
    envoi_buf_free(&out);
    return 0;
}
