/* Mailbox parsing, addr-spec checks and the envelope form (see address.h). */
#include "mime/address.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"
#include "util/utf8.h"

static bool is_atext(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c >= 0x80 || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t';
}

/* Index of the quote closing the quoted-string opened at s[0], or len. */
static size_t quoted_end(const char *s, size_t len)
{
    for (size_t i = 1; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i;
    }
    return len;
}

static bool check_quoted_local(const char *s, size_t len)
{
    if (len < 2 || quoted_end(s, len) != len - 1)
        return false;
    for (size_t i = 1; i + 1 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\') {
            c = (unsigned char)s[++i];
            if (i + 1 >= len || (c < 32 && c != '\t') || c == 127)
                return false;
        } else if ((c < 32 && c != '\t') || c == 127) {
            return false;
        }
    }
    return true;
}

static bool check_dot_atom(const char *s, size_t len)
{
    if (len == 0 || s[0] == '.' || s[len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.')
                return false;
        } else if (!is_atext((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

static bool check_local(const char *s, size_t len)
{
    if (len == 0 || len > ENVOI_ADDR_LOCAL_MAX)
        return false;
    return s[0] == '"' ? check_quoted_local(s, len) : check_dot_atom(s, len);
}

static bool check_literal(const char *s, size_t len)
{
    if (len < 3 || s[len - 1] != ']')
        return false;
    for (size_t i = 1; i + 1 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\')
            return false;
    }
    return true;
}

static bool check_label(const char *s, size_t len)
{
    if (len == 0 || s[0] == '-' || s[len - 1] == '-')
        return false;
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            ascii = false;
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-'))
            return false;
    }
    return !ascii || len <= 63;
}

static bool check_domain(const char *s, size_t len)
{
    if (len == 0 || len > ENVOI_ADDR_DOMAIN_MAX)
        return false;
    if (s[0] == '[')
        return check_literal(s, len);
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (!check_label(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

/* Index of the '@' separating local part and domain, or len when none. */
static size_t find_at(const char *s, size_t len)
{
    size_t i = 0;
    if (len > 0 && s[0] == '"')
        i = quoted_end(s, len) + 1;
    for (; i < len; i++)
        if (s[i] == '@')
            return i;
    return len;
}

int envoi_address_check(const char *addr, size_t len)
{
    if (memchr(addr, '\r', len) || memchr(addr, '\n', len) || memchr(addr, '\0', len))
        return ENVOI_EHEADER;
    if (!envoi_utf8_valid(addr, len))
        return ENVOI_EADDRESS;
    size_t at = find_at(addr, len);
    if (at >= len)
        return ENVOI_EADDRESS;
    if (!check_local(addr, at) || !check_domain(addr + at + 1, len - at - 1))
        return ENVOI_EADDRESS;
    return 0;
}

bool envoi_address_local_is_ascii(const char *addr)
{
    size_t len = strlen(addr);
    return envoi_is_ascii(addr, find_at(addr, len));
}

bool envoi_address_domain_is_ascii(const char *addr)
{
    size_t len = strlen(addr);
    size_t at = find_at(addr, len);
    return at >= len || envoi_is_ascii(addr + at + 1, len - at - 1);
}

int envoi_address_to_envelope(const char *addr, char **out)
{
    size_t len = strlen(addr);
    *out = NULL;
    if (envoi_address_check(addr, len) < 0)
        return ENVOI_EADDRESS;
    if (envoi_address_domain_is_ascii(addr)) {
        *out = strdup(addr);
        return *out ? 0 : ENVOI_ENOMEM;
    }
    size_t at = find_at(addr, len);
    char *ascii = NULL;
    if (idn2_to_ascii_8z(addr + at + 1, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
        return ENVOI_EIDNA;
    size_t alen = strlen(ascii);
    char *res = malloc(at + 1 + alen + 1);
    if (!res) {
        idn2_free(ascii);
        return ENVOI_ENOMEM;
    }
    memcpy(res, addr, at + 1);
    memcpy(res + at + 1, ascii, alen + 1);
    idn2_free(ascii);
    *out = res;
    return 0;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_ws(**s))
        (*s)++, (*len)--;
    while (*len > 0 && is_ws((*s)[*len - 1]))
        (*len)--;
}

/* Index of the first '<' outside a quoted-string, or len. */
static size_t find_angle(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            i += quoted_end(s + i, len - i);
        else if (s[i] == '<')
            return i;
    }
    return len;
}

static bool has_controls(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 32 && c != '\t') || c == 127)
            return true;
    }
    return false;
}

/* The display name, unquoted when it is one quoted-string; NULL name when empty. */
static int copy_name(const char *s, size_t len, char **out)
{
    *out = NULL;
    trim(&s, &len);
    if (len == 0)
        return 0;
    if (has_controls(s, len))
        return ENVOI_EADDRESS;
    char *name = malloc(len + 1);
    if (!name)
        return ENVOI_ENOMEM;
    size_t n = 0;
    if (s[0] == '"' && quoted_end(s, len) == len - 1) {
        for (size_t i = 1; i + 1 < len; i++) {
            if (s[i] == '\\' && i + 2 < len)
                i++;
            name[n++] = s[i];
        }
    } else {
        memcpy(name, s, len);
        n = len;
    }
    name[n] = '\0';
    *out = name;
    return 0;
}

int envoi_mailbox_parse(const char *text, envoi_mailbox *out)
{
    out->name = out->addr = NULL;
    if (!text)
        return ENVOI_EADDRESS;
    size_t len = strlen(text);
    if (memchr(text, '\r', len) || memchr(text, '\n', len))
        return ENVOI_EHEADER;
    if (!envoi_utf8_valid(text, len))
        return ENVOI_EADDRESS;
    trim(&text, &len);
    const char *addr = text;
    size_t alen = len;
    size_t lt = find_angle(text, len);
    if (lt < len) {
        if (text[len - 1] != '>')
            return ENVOI_EADDRESS;
        addr = text + lt + 1;
        alen = len - lt - 2;
        trim(&addr, &alen);
    }
    int rc = envoi_address_check(addr, alen);
    if (rc < 0)
        return rc;
    if (lt < len && (rc = copy_name(text, lt, &out->name)) < 0)
        return rc;
    out->addr = strndup(addr, alen);
    if (!out->addr) {
        envoi_mailbox_clear(out);
        return ENVOI_ENOMEM;
    }
    return 0;
}

void envoi_mailbox_clear(envoi_mailbox *mb)
{
    free(mb->name);
    free(mb->addr);
    mb->name = mb->addr = NULL;
}
