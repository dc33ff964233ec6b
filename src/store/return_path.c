/* Finding the Return-Path of a raw message: a bounded scan of its header
 * block that never reads past len and never writes past cap. */
#include "store/return_path.h"

#include <string.h>
#include <strings.h>

#define FIELD "return-path"
#define FIELD_LEN (sizeof FIELD - 1)

/* The end of the line that starts at pos (after its LF, or len). */
static size_t line_end(const char *m, size_t len, size_t pos)
{
    const char *nl = memchr(m + pos, '\n', len - pos);
    return nl ? (size_t)(nl - m) + 1 : len;
}

static bool is_blank_line(const char *m, size_t pos, size_t end)
{
    return end == pos || m[pos] == '\n' || (end - pos == 2 && m[pos] == '\r');
}

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

/* The value's address, trimmed and out of its angle brackets. */
static bool take_address(const char *v, size_t n, char *out, size_t cap)
{
    const char *lt = memchr(v, '<', n);
    if (lt) {
        const char *gt = memchr(lt, '>', n - (size_t)(lt - v));
        if (!gt)
            return false;
        v = lt + 1;
        n = (size_t)(gt - v);
    }
    while (n && (is_wsp(*v) || *v == '\r' || *v == '\n'))
        v++, n--;
    while (n && (is_wsp(v[n - 1]) || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    if (n == 0 || n >= cap)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= ' ' || v[i] == 0x7f)
            return false;
    memcpy(out, v, n);
    out[n] = '\0';
    return true;
}

bool store_return_path(const char *message, size_t len, char *out, size_t cap)
{
    if (cap)
        out[0] = '\0';
    if (!message || cap < 2)
        return false;
    for (size_t pos = 0; pos < len;) {
        size_t end = line_end(message, len, pos);
        if (is_blank_line(message, pos, end))
            return false; /* the end of the header block */
        size_t n = end - pos;
        if (n > FIELD_LEN && strncasecmp(message + pos, FIELD, FIELD_LEN) == 0) {
            size_t colon = pos + FIELD_LEN;
            while (colon < end && is_wsp(message[colon]))
                colon++;
            if (colon < end && message[colon] == ':') {
                /* The value, with its folded continuation lines. */
                size_t vend = end;
                while (vend < len && is_wsp(message[vend]))
                    vend = line_end(message, len, vend);
                return take_address(message + colon + 1, vend - colon - 1, out, cap);
            }
        }
        pos = end;
    }
    return false;
}
