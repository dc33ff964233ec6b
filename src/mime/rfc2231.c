/* Header parameters, RFC 2231 and RFC 2047 file names (see rfc2231.h). */
#include "mime/rfc2231.h"

#include <stdbool.h>
#include <string.h>

#include "envoi/error.h"

#define PARAM_SIMPLE_MAX 60  /* a quoted value up to this long is written as is */
#define PARAM_SECTION_MAX 50 /* percent-encoded characters per RFC 2231 section */
#define PARAM_EW_MAX 60      /* encoded-words inside a quoted name= */

static bool is_token_char(unsigned char c)
{
    return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c);
}

static bool is_attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$&+-.^_`|~", c));
}

static bool is_simple(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > PARAM_SIMPLE_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 32 || c >= 127)
            return false;
        if (c == '=' && s[i + 1] == '?')
            return false;
    }
    return true;
}

static void put_param(mime_hdr *h, envoi_buf *w)
{
    if (h->rc == 0 && !w->data)
        h->rc = envoi_buf_reserve(w, 0);
    mime_hdr_raw(h, ";", 1);
    if (h->rc == 0)
        mime_hdr_word(h, " ", 1, w->data, w->len);
    envoi_buf_clear(w);
}

static int append_quoted(envoi_buf *w, const char *s)
{
    int rc = envoi_buf_append_char(w, '"');
    for (; rc == 0 && *s; s++) {
        if (*s == '"' || *s == '\\')
            rc = envoi_buf_append_char(w, '\\');
        if (rc == 0)
            rc = envoi_buf_append_char(w, *s);
    }
    return rc ? rc : envoi_buf_append_char(w, '"');
}

void mime_hdr_param(mime_hdr *h, const char *attr, const char *value)
{
    envoi_buf w = ENVOI_BUF_INIT;
    bool token = *value != '\0';
    for (const char *p = value; *p; p++)
        token = token && is_token_char((unsigned char)*p);
    int rc = envoi_buf_printf(&w, "%s=", attr);
    if (rc == 0)
        rc = token ? envoi_buf_append_str(&w, value) : append_quoted(&w, value);
    if (rc == 0)
        put_param(h, &w);
    else
        h->rc = rc;
    envoi_buf_free(&w);
}

static int percent_encode(const char *s, envoi_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = 0;
    for (const unsigned char *p = (const unsigned char *)s; rc == 0 && *p; p++) {
        if (is_attr_char(*p))
            rc = envoi_buf_append_char(out, (char)*p);
        else
            rc = envoi_buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
    return rc;
}

void mime_hdr_param_2231(mime_hdr *h, const char *attr, const char *utf8)
{
    if (is_simple(utf8)) {
        mime_hdr_param(h, attr, utf8);
        return;
    }
    envoi_buf pct = ENVOI_BUF_INIT, w = ENVOI_BUF_INIT;
    int rc = percent_encode(utf8, &pct);
    if (rc == 0 && pct.len <= PARAM_SECTION_MAX) {
        rc = envoi_buf_printf(&w, "%s*=utf-8''%s", attr, pct.data);
        if (rc == 0)
            put_param(h, &w);
    }
    for (size_t pos = 0, i = 0; rc == 0 && pct.len > PARAM_SECTION_MAX && pos < pct.len; i++) {
        size_t n = pct.len - pos < PARAM_SECTION_MAX ? pct.len - pos : PARAM_SECTION_MAX;
        /* Never cut a %XX triplet. */
        if (n < pct.len - pos) {
            if (pct.data[pos + n - 1] == '%')
                n -= 1;
            else if (n >= 2 && pct.data[pos + n - 2] == '%')
                n -= 2;
        }
        rc = envoi_buf_printf(&w, "%s*%zu*=%s%.*s", attr, i, i == 0 ? "utf-8''" : "", (int)n,
                              pct.data + pos);
        if (rc == 0)
            put_param(h, &w);
        pos += n;
    }
    if (rc < 0)
        h->rc = rc;
    envoi_buf_free(&pct);
    envoi_buf_free(&w);
}

void mime_hdr_param_2047(mime_hdr *h, const char *attr, const char *utf8)
{
    if (is_simple(utf8)) {
        mime_hdr_param(h, attr, utf8);
        return;
    }
    size_t len = strlen(utf8), pos = 0;
    bool use_b = mime_ew_prefer_b(utf8, len);
    envoi_buf w = ENVOI_BUF_INIT;
    int rc = envoi_buf_printf(&w, "%s=\"", attr);
    mime_hdr_raw(h, ";", 1);
    while (rc == 0 && pos < len) {
        rc = mime_ew_next(utf8, len, &pos, use_b, PARAM_EW_MAX, &w);
        if (rc == 0 && pos == len)
            rc = envoi_buf_append_char(&w, '"');
        if (rc == 0)
            mime_hdr_word(h, " ", 1, w.data, w.len);
        envoi_buf_clear(&w);
    }
    if (rc < 0)
        h->rc = rc;
    envoi_buf_free(&w);
}
