/* Cutting a message into the header fields that stay outside the S/MIME
 * structure and the content entity that goes inside, with CRLF line ends. */
#include <string.h>
#include <strings.h>

#include "smime/smime_impl.h"

int smime_crlf(const char *src, size_t len, envoi_buf *out)
{
    if (envoi_buf_reserve(out, len + len / 16 + 2) < 0)
        return ENVOI_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        int rc;
        if (c == '\r') {
            rc = envoi_buf_append(out, "\r\n", 2);
            if (i + 1 < len && src[i + 1] == '\n')
                i++;
        } else if (c == '\n') {
            rc = envoi_buf_append(out, "\r\n", 2);
        } else {
            rc = envoi_buf_append_char(out, c);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

size_t smime_next_line(const char *s, size_t len, size_t i)
{
    const char *nl = memchr(s + i, '\n', len - i);
    return nl ? (size_t)(nl - s) + 1 : len;
}

bool smime_is_delimiter(const char *s, size_t len, size_t i, const char *b, size_t blen)
{
    if (len - i < blen + 2 || s[i] != '-' || s[i + 1] != '-' || memcmp(s + i + 2, b, blen) != 0)
        return false;
    size_t j = i + 2 + blen;
    if (j + 1 < len && s[j] == '-' && s[j + 1] == '-')
        j += 2;
    while (j < len && (s[j] == ' ' || s[j] == '\t'))
        j++;
    return j == len || s[j] == '\r' || s[j] == '\n';
}

size_t smime_header_end(const char *s, size_t len)
{
    if (len >= 2 && s[0] == '\r' && s[1] == '\n')
        return 2;
    for (size_t i = 0; i + 3 < len; i++) {
        if (s[i] == '\r' && s[i + 1] == '\n' && s[i + 2] == '\r' && s[i + 3] == '\n')
            return i + 4;
    }
    return len;
}

/* The end of the field starting at i (just past its last CRLF, folded
 * lines included). */
static size_t field_end(const char *s, size_t hlen, size_t i)
{
    while (i < hlen) {
        const char *nl = memchr(s + i, '\n', hlen - i);
        if (!nl)
            return hlen;
        i = (size_t)(nl - s) + 1;
        if (i >= hlen || (s[i] != ' ' && s[i] != '\t'))
            return i;
    }
    return hlen;
}

static bool field_is(const char *f, size_t flen, const char *name)
{
    size_t n = strlen(name);
    return flen > n && strncasecmp(f, name, n) == 0 && f[n] == ':';
}

static bool field_is_content(const char *f, size_t flen)
{
    return flen > 8 && strncasecmp(f, "Content-", 8) == 0;
}

int smime_header_get(const char *s, size_t hlen, const char *name, envoi_buf *out)
{
    envoi_buf_clear(out);
    size_t nlen = strlen(name);
    for (size_t i = 0; i < hlen;) {
        size_t e = field_end(s, hlen, i);
        if (field_is(s + i, e - i, name)) {
            for (size_t j = i + nlen + 1; j < e; j++) {
                if (s[j] == '\r' || s[j] == '\n')
                    continue;
                if (envoi_buf_append_char(out, s[j]) < 0)
                    return ENVOI_ENOMEM;
            }
            size_t a = 0;
            while (a < out->len && (out->data[a] == ' ' || out->data[a] == '\t'))
                a++;
            envoi_buf_consume(out, a);
            while (out->len && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\t'))
                envoi_buf_truncate(out, out->len - 1);
            if (!out->data && envoi_buf_append(out, "", 0) < 0)
                return ENVOI_ENOMEM;
            return 0;
        }
        i = e;
    }
    return ENVOI_ENOTFOUND;
}

static bool has_8bit(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

int smime_split_message(const char *src, size_t len, smime_split *sp)
{
    memset(sp, 0, sizeof *sp);
    envoi_buf all = ENVOI_BUF_INIT;
    int rc = smime_crlf(src, len, &all);
    if (rc < 0)
        return rc;
    if (all.len && all.data[all.len - 1] != '\n' && envoi_buf_append(&all, "\r\n", 2) < 0) {
        envoi_buf_free(&all);
        return ENVOI_ENOMEM;
    }
    const char *s = all.data ? all.data : "";
    size_t body = smime_header_end(s, all.len);
    size_t hlen = body;
    bool type_seen = false;
    envoi_buf fields = ENVOI_BUF_INIT;
    for (size_t i = 0; i < hlen && rc == 0;) {
        size_t e = field_end(s, hlen, i);
        if (e - i == 2 && s[i] == '\r')
            break; /* the empty line */
        if (field_is_content(s + i, e - i)) {
            type_seen |= field_is(s + i, e - i, "Content-Type");
            rc = envoi_buf_append(&fields, s + i, e - i);
        } else if (!field_is(s + i, e - i, "MIME-Version")) {
            rc = envoi_buf_append(&sp->outer, s + i, e - i);
        }
        i = e;
    }
    if (rc == 0 && !type_seen)
        rc = envoi_buf_append_str(&sp->content,
                                  has_8bit(s + body, all.len - body)
                                      ? "Content-Type: text/plain; charset=utf-8\r\n"
                                      : "Content-Type: text/plain; charset=us-ascii\r\n");
    if (rc == 0 && fields.len)
        rc = envoi_buf_append(&sp->content, fields.data, fields.len);
    if (rc == 0)
        rc = envoi_buf_append(&sp->content, "\r\n", 2);
    if (rc == 0 && body < all.len)
        rc = envoi_buf_append(&sp->content, s + body, all.len - body);
    envoi_buf_free(&fields);
    envoi_buf_free(&all);
    if (rc < 0)
        smime_split_free(sp);
    return rc;
}

void smime_split_free(smime_split *sp)
{
    envoi_buf_free(&sp->outer);
    envoi_buf_free(&sp->content);
}
