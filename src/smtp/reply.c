/* SMTP reply parsing (see reply.h). */
#include "smtp/reply.h"

#include <stdio.h>
#include <string.h>

#include "proto/pp.h"
#include "util/err.h"

void envoi_smtp_reply_reset(envoi_smtp_reply *r)
{
    r->code = 0;
    r->enhanced[0] = '\0';
    r->lines = 0;
    envoi_buf_clear(&r->text);
}

void envoi_smtp_reply_free(envoi_smtp_reply *r)
{
    envoi_buf_free(&r->text);
    r->code = 0;
    r->lines = 0;
}

static int garbage(const char *line, size_t len, envoi_error *err, const char *why)
{
    envoi_buf q = ENVOI_BUF_INIT;
    envoi_pp_quote(&q, line, len, 120);
    envoi_err_set(err, ENVOI_EPROTOCOL, "the server's reply is not SMTP (%s): \"%s\"", why,
                  q.data ? q.data : "");
    envoi_buf_free(&q);
    return ENVOI_EPROTOCOL;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int envoi_smtp_reply_add_line(envoi_smtp_reply *r, const char *line, size_t len, envoi_error *err)
{
    if (len < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '5' ||
        !is_digit(line[2]))
        return garbage(line, len, err, "no reply code");
    if (len > 3 && line[3] != ' ' && line[3] != '-')
        return garbage(line, len, err, "no separator after the code");
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (r->lines && code != r->code)
        return garbage(line, len, err, "reply code changed between lines");
    r->code = code;
    size_t start = len > 3 ? 4 : 3;
    if (r->lines && envoi_buf_append_char(&r->text, '\n') < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    if (envoi_pp_quote(&r->text, line + start, len - start, len) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    r->lines++;
    return len > 3 && line[3] == '-' ? 1 : 0;
}

/* Length of "d.ddd.ddd" at p (then a space or the end), 0 when not one. */
static size_t enhanced_len(const char *p, size_t avail, char cls)
{
    if (avail < 5 || p[0] != cls || p[1] != '.')
        return 0;
    size_t i = 2, n = 0;
    while (i < avail && is_digit(p[i]) && n < 3)
        i++, n++;
    if (!n || i >= avail || p[i] != '.')
        return 0;
    i++;
    n = 0;
    while (i < avail && is_digit(p[i]) && n < 3)
        i++, n++;
    if (!n || (i < avail && p[i] != ' '))
        return 0;
    return i;
}

void envoi_smtp_reply_take_enhanced(envoi_smtp_reply *r)
{
    if (!r->text.data || !r->code)
        return;
    char cls = (char)('0' + r->code / 100);
    size_t n = enhanced_len(r->text.data, strcspn(r->text.data, "\n"), cls);
    if (!n || n >= sizeof r->enhanced)
        return;
    memcpy(r->enhanced, r->text.data, n);
    r->enhanced[n] = '\0';
    /* Strip it from each line that starts with it, in place. */
    char *src = r->text.data, *dst = r->text.data, *end = r->text.data + r->text.len;
    while (src < end) {
        char *nl = memchr(src, '\n', (size_t)(end - src));
        size_t linelen = nl ? (size_t)(nl - src) : (size_t)(end - src);
        if (linelen >= n && memcmp(src, r->enhanced, n) == 0 && (linelen == n || src[n] == ' ')) {
            size_t skip = linelen == n ? n : n + 1;
            src += skip;
            linelen -= skip;
        }
        memmove(dst, src, linelen + (nl ? 1 : 0));
        dst += linelen + (nl ? 1 : 0);
        src += linelen + (nl ? 1 : 0);
    }
    r->text.len = (size_t)(dst - r->text.data);
    r->text.data[r->text.len] = '\0';
}

int envoi_smtp_reply_words(const envoi_smtp_reply *r, envoi_buf *out)
{
    size_t from = out->len;
    if (r->text.len && envoi_buf_append(out, r->text.data, r->text.len) < 0)
        return ENVOI_ENOMEM;
    for (size_t i = from; i < out->len; i++)
        if (out->data[i] == '\n')
            out->data[i] = ' ';
    return 0;
}

int envoi_smtp_reply_format(const envoi_smtp_reply *r, envoi_buf *out)
{
    int rc = envoi_buf_printf(out, "%03d", r->code);
    if (rc == 0 && r->enhanced[0])
        rc = envoi_buf_printf(out, " %s", r->enhanced);
    if (rc == 0 && r->text.len)
        rc = envoi_buf_append_char(out, ' ');
    return rc ? rc : envoi_smtp_reply_words(r, out);
}
