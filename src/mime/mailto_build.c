/* Writing a mailto: URI (RFC 6068): each field percent-encoded as UTF-8,
 * only unreserved characters and the allowed some-delims left raw. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mime/mailto_impl.h"
#include "util/buf.h"

/* Where a byte is written: what stays raw differs between addresses (','
 * separates them, ';' is refused in an addr-spec) and other values. */
typedef enum encode_as {
    ENCODE_ADDRESS,
    ENCODE_VALUE,
    ENCODE_BODY, /* a value whose line ends become %0D%0A */
} encode_as;

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static bool stays_raw(unsigned char c, encode_as as)
{
    if (is_unreserved(c) || strchr("!$'()*+:@", c) != NULL)
        return c != '\0';
    return as != ENCODE_ADDRESS && (c == ',' || c == ';');
}

static int append_escape(envoi_buf *b, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
    return envoi_buf_append(b, esc, 3);
}

static int append_encoded(envoi_buf *b, const char *s, encode_as as)
{
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (as == ENCODE_BODY && (c == '\r' || c == '\n')) {
            if (c == '\r' && s[i + 1] == '\n')
                i++;
            rc = envoi_buf_append(b, "%0D%0A", 6);
        } else if (stays_raw(c, as)) {
            rc = envoi_buf_append_char(b, (char)c);
        } else {
            rc = append_escape(b, c);
        }
        if (rc < 0)
            return ENVOI_ENOMEM;
    }
    return 0;
}

/* An address that cannot change how a list splits may share a field with
 * others; one with quotes or angle brackets goes alone. */
static bool is_plain(const char *address)
{
    return strpbrk(address, "\"<>") == NULL;
}

/* "?" before the first header field, "&" before the others. */
static int append_field_start(envoi_buf *b, bool *first, const char *name)
{
    int rc = envoi_buf_append_char(b, *first ? '?' : '&');
    *first = false;
    if (rc == 0)
        rc = append_encoded(b, name, ENCODE_VALUE);
    if (rc == 0)
        rc = envoi_buf_append_char(b, '=');
    return rc < 0 ? ENVOI_ENOMEM : 0;
}

/* list[from..] as name=..., plain neighbours joined by commas. */
static int append_list(envoi_buf *b, bool *first, const char *name, const mailto_strs *list,
                       size_t from)
{
    for (size_t i = from; i < list->len; i++) {
        bool joined = i > from && is_plain(list->items[i]) && is_plain(list->items[i - 1]);
        int rc = joined ? envoi_buf_append_char(b, ',') : append_field_start(b, first, name);
        if (rc == 0)
            rc = append_encoded(b, list->items[i], ENCODE_ADDRESS);
        if (rc < 0)
            return ENVOI_ENOMEM;
    }
    return 0;
}

/* An addr-spec, fit for the path: no angle brackets, no space outside quotes. */
static bool is_addr_spec(const char *address)
{
    bool quoted = false;
    for (const char *c = address; *c; c++) {
        if (quoted && *c == '\\' && c[1])
            c++;
        else if (*c == '"')
            quoted = !quoted;
        else if (*c == '<' || *c == '>' || (!quoted && (*c == ' ' || *c == '\t')))
            return false;
    }
    return true;
}

/* The leading to addresses that are addr-specs, as the path (a quoted one
 * alone); returns how many. */
static size_t append_path(envoi_buf *b, const mailto_strs *to, int *rc)
{
    size_t n = 0;
    while (n < to->len && *rc == 0 && is_addr_spec(to->items[n]) &&
           (n == 0 || (is_plain(to->items[n]) && is_plain(to->items[n - 1])))) {
        if (n > 0)
            *rc = envoi_buf_append_char(b, ',');
        if (*rc == 0)
            *rc = append_encoded(b, to->items[n], ENCODE_ADDRESS);
        n++;
    }
    return n;
}

static int append_fields(envoi_buf *b, const envoi_mailto *m)
{
    bool first = true;
    int rc = 0;
    size_t in_path = append_path(b, &m->lists[ENVOI_MAILTO_TO], &rc);
    if (rc == 0)
        rc = append_list(b, &first, "to", &m->lists[ENVOI_MAILTO_TO], in_path);
    if (rc == 0)
        rc = append_list(b, &first, "cc", &m->lists[ENVOI_MAILTO_CC], 0);
    if (rc == 0)
        rc = append_list(b, &first, "bcc", &m->lists[ENVOI_MAILTO_BCC], 0);
    if (rc == 0 && m->subject && (rc = append_field_start(b, &first, "subject")) == 0)
        rc = append_encoded(b, m->subject, ENCODE_VALUE);
    for (size_t i = 0; rc == 0 && i < m->names.len; i++)
        if ((rc = append_field_start(b, &first, m->names.items[i])) == 0)
            rc = append_encoded(b, m->values.items[i], ENCODE_VALUE);
    if (rc == 0 && m->body && (rc = append_field_start(b, &first, "body")) == 0)
        rc = append_encoded(b, m->body, ENCODE_BODY);
    return rc < 0 ? ENVOI_ENOMEM : 0;
}

int envoi_mailto_build(const envoi_mailto *m, char **uri)
{
    if (!m || !uri)
        return ENVOI_EINVAL;
    *uri = NULL;
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = envoi_buf_append_str(&b, "mailto:");
    if (rc == 0)
        rc = append_fields(&b, m);
    if (rc < 0) {
        envoi_buf_free(&b);
        return ENVOI_ENOMEM;
    }
    *uri = envoi_buf_steal(&b, NULL);
    return 0;
}
