/* The mailto handle: recipient lists, subject, body and other header fields,
 * each checked as it comes in so no CR or LF reaches a header. */
#include <stdlib.h>
#include <string.h>

#include "mime/mailto_impl.h"
#include "util/utf8.h"

envoi_mailto *envoi_mailto_new(void)
{
    return calloc(1, sizeof(envoi_mailto));
}

static void free_strs(mailto_strs *a)
{
    for (size_t i = 0; i < a->len; i++)
        free(a->items[i]);
    free(a->items);
    a->items = NULL;
    a->len = a->cap = 0;
}

void envoi_mailto_free(envoi_mailto *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < 3; i++)
        free_strs(&m->lists[i]);
    free_strs(&m->names);
    free_strs(&m->values);
    free(m->subject);
    free(m->body);
    free(m);
}

int mailto_strs_push(mailto_strs *a, const char *s, size_t len)
{
    if (a->len == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4;
        char **items = realloc(a->items, cap * sizeof *items);
        if (!items)
            return ENVOI_ENOMEM;
        a->items = items;
        a->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return ENVOI_ENOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    a->items[a->len++] = copy;
    return 0;
}

int mailto_check_value(const char *s, size_t len, bool body)
{
    int rc = envoi_utf8_valid(s, len) ? 0 : ENVOI_EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\0')
            rc = ENVOI_EINVAL;
        else if ((c == '\r' || c == '\n') && !body)
            return ENVOI_EHEADER;
        else if (!body && ((c < 0x20 && c != '\t') || c == 0x7f))
            rc = ENVOI_EINVAL; /* RFC 5322: no controls in a header field */
    }
    return rc;
}

int mailto_check_name(const char *name, size_t len)
{
    if (len == 0)
        return ENVOI_EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '\r' || c == '\n')
            return ENVOI_EHEADER;
        if (c <= ' ' || c >= 0x7f || c == ':')
            return ENVOI_EINVAL;
    }
    return 0;
}

bool mailto_name_is(const char *name, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

/* Push text[start..end) without its surrounding spaces and tabs, if any. */
static int push_trimmed(mailto_strs *a, const char *text, size_t start, size_t end, size_t *added)
{
    while (start < end && (text[start] == ' ' || text[start] == '\t'))
        start++;
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        end--;
    if (start == end)
        return 0;
    int rc = mailto_strs_push(a, text + start, end - start);
    if (rc == 0)
        (*added)++;
    return rc;
}

int mailto_split_into(envoi_mailto *m, envoi_mailto_list list, const char *text, size_t len,
                      size_t *added)
{
    mailto_strs *a = &m->lists[list];
    bool quoted = false;
    size_t angle = 0, start = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (quoted) {
            if (c == '\\' && i + 1 < len)
                i++;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            angle++;
        } else if (c == '>' && angle > 0) {
            angle--;
        } else if (c == ',' && angle == 0) {
            int rc = push_trimmed(a, text, start, i, added);
            if (rc < 0)
                return rc;
            start = i + 1;
        }
    }
    return push_trimmed(a, text, start, len, added);
}

int envoi_mailto_add(envoi_mailto *m, envoi_mailto_list list, const char *text)
{
    if (!m || !text || (unsigned)list > ENVOI_MAILTO_BCC)
        return ENVOI_EINVAL;
    size_t len = strlen(text);
    int rc = mailto_check_value(text, len, false);
    if (rc < 0)
        return rc;
    size_t added = 0;
    rc = mailto_split_into(m, list, text, len, &added);
    if (rc < 0)
        return rc;
    return added ? 0 : ENVOI_EINVAL;
}

size_t envoi_mailto_count(const envoi_mailto *m, envoi_mailto_list list)
{
    if (!m || (unsigned)list > ENVOI_MAILTO_BCC)
        return 0;
    return m->lists[list].len;
}

const char *envoi_mailto_get(const envoi_mailto *m, envoi_mailto_list list, size_t i)
{
    if (i >= envoi_mailto_count(m, list))
        return NULL;
    return m->lists[list].items[i];
}

/* Copy s[0..len) into out (room for it), line ends made CRLF when crlf;
 * returns the length written. With out NULL only counts. */
static size_t copy_text(char *out, const char *s, size_t len, bool crlf)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (crlf && (s[i] == '\r' || s[i] == '\n')) {
            if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
                i++;
            if (out)
                memcpy(out + n, "\r\n", 2);
            n += 2;
        } else {
            if (out)
                out[n] = s[i];
            n++;
        }
    }
    return n;
}

int mailto_store(char **field, const char *s, size_t len, bool crlf)
{
    size_t n = copy_text(NULL, s, len, crlf);
    char *copy = malloc(n + 1);
    if (!copy)
        return ENVOI_ENOMEM;
    copy_text(copy, s, len, crlf);
    copy[n] = '\0';
    free(*field);
    *field = copy;
    return 0;
}

int envoi_mailto_set_subject(envoi_mailto *m, const char *subject)
{
    if (!m)
        return ENVOI_EINVAL;
    if (!subject) {
        free(m->subject);
        m->subject = NULL;
        return 0;
    }
    size_t len = strlen(subject);
    int rc = mailto_check_value(subject, len, false);
    return rc < 0 ? rc : mailto_store(&m->subject, subject, len, false);
}

const char *envoi_mailto_subject(const envoi_mailto *m)
{
    return m ? m->subject : NULL;
}

int envoi_mailto_set_body(envoi_mailto *m, const char *body)
{
    if (!m)
        return ENVOI_EINVAL;
    if (!body) {
        free(m->body);
        m->body = NULL;
        return 0;
    }
    size_t len = strlen(body);
    int rc = mailto_check_value(body, len, true);
    return rc < 0 ? rc : mailto_store(&m->body, body, len, false);
}

const char *envoi_mailto_body(const envoi_mailto *m)
{
    return m ? m->body : NULL;
}

int envoi_mailto_add_header(envoi_mailto *m, const char *name, const char *value)
{
    if (!m || !name || !value)
        return ENVOI_EINVAL;
    size_t nlen = strlen(name);
    int rc = mailto_check_name(name, nlen);
    if (rc < 0)
        return rc;
    if (mailto_name_is(name, nlen, "to"))
        return envoi_mailto_add(m, ENVOI_MAILTO_TO, value);
    if (mailto_name_is(name, nlen, "cc"))
        return envoi_mailto_add(m, ENVOI_MAILTO_CC, value);
    if (mailto_name_is(name, nlen, "bcc"))
        return envoi_mailto_add(m, ENVOI_MAILTO_BCC, value);
    if (mailto_name_is(name, nlen, "subject"))
        return envoi_mailto_set_subject(m, value);
    if (mailto_name_is(name, nlen, "body"))
        return envoi_mailto_set_body(m, value);
    size_t vlen = strlen(value);
    rc = mailto_check_value(value, vlen, false);
    if (rc < 0)
        return rc;
    rc = mailto_strs_push(&m->names, name, nlen);
    if (rc == 0 && (rc = mailto_strs_push(&m->values, value, vlen)) < 0)
        free(m->names.items[--m->names.len]);
    return rc;
}

size_t envoi_mailto_header_count(const envoi_mailto *m)
{
    return m ? m->names.len : 0;
}

int envoi_mailto_header(const envoi_mailto *m, size_t i, const char **name, const char **value)
{
    if (i >= envoi_mailto_header_count(m))
        return ENVOI_ENOTFOUND;
    if (name)
        *name = m->names.items[i];
    if (value)
        *value = m->values.items[i];
    return 0;
}
