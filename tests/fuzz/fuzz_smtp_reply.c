/* Fuzz the SMTP reply parser and the EHLO extension parser: arbitrary bytes
 * cut into lines, each complete reply read for its enhanced status, its
 * text and, as if it answered EHLO, its extensions. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "smtp/ehlo.h"
#include "smtp/reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    envoi_smtp_reply r = {0};
    envoi_smtp_caps caps = {0};
    envoi_buf out = ENVOI_BUF_INIT;
    envoi_error err;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len && p[len - 1] == '\r')
            len--;
        int rc = envoi_smtp_reply_add_line(&r, p, len, &err);
        if (rc <= 0) {
            if (rc == 0) {
                envoi_smtp_caps_parse(&caps, &r);
                envoi_smtp_reply_take_enhanced(&r);
                envoi_buf_clear(&out);
                envoi_smtp_reply_format(&r, &out);
            }
            envoi_smtp_reply_reset(&r);
        }
        p = nl ? nl + 1 : end;
    }
    envoi_smtp_reply_free(&r);
    envoi_smtp_caps_free(&caps);
    envoi_buf_free(&out);
    return 0;
}
