/* Checks on header text, ids, file names, MIME types and header names (see validate.h). */
#include "mime/validate.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"
#include "util/utf8.h"

static bool has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

int mime_check_text(const char *s)
{
    if (has_crlf(s))
        return ENVOI_EHEADER;
    return envoi_utf8_valid(s, strlen(s)) ? 0 : ENVOI_EINVAL;
}

int mime_copy_id(const char *id, char **out)
{
    *out = NULL;
    if (has_crlf(id))
        return ENVOI_EHEADER;
    size_t len = strlen(id);
    if (len >= 2 && id[0] == '<' && id[len - 1] == '>')
        id++, len -= 2;
    if (len == 0 || len > MIME_ID_MAX)
        return ENVOI_EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c < 33 || c > 126 || strchr("<>\"()", c))
            return ENVOI_EINVAL;
    }
    *out = strndup(id, len);
    return *out ? 0 : ENVOI_ENOMEM;
}

int mime_check_file_name(const char *name)
{
    if (has_crlf(name))
        return ENVOI_EHEADER;
    size_t len = strlen(name);
    if (len == 0 || len > MIME_FILE_NAME_MAX || !envoi_utf8_valid(name, len))
        return ENVOI_EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 32 || c == 127)
            return ENVOI_EINVAL;
    }
    return 0;
}

static bool is_token_char(unsigned char c)
{
    return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* Length of the token at s (0 when none). */
static size_t token_len(const char *s)
{
    size_t n = 0;
    while (s[n] && is_token_char((unsigned char)s[n]))
        n++;
    return n;
}

int mime_check_type(const char *type)
{
    if (has_crlf(type))
        return ENVOI_EHEADER;
    size_t a = token_len(type);
    if (a == 0 || type[a] != '/')
        return ENVOI_EINVAL;
    size_t b = token_len(type + a + 1);
    if (b == 0 || type[a + 1 + b] != '\0' || a + 1 + b > 127)
        return ENVOI_EINVAL;
    return 0;
}

static const char *const reserved[] = {
    "Date", "From",    "Sender",     "Reply-To",    "To",         "Cc",
    "Bcc",  "Subject", "Message-ID", "In-Reply-To", "References", "MIME-Version",
};

int mime_check_header_name(const char *name)
{
    if (has_crlf(name))
        return ENVOI_EHEADER;
    size_t len = strlen(name);
    if (len == 0 || len > MIME_HEADER_NAME_MAX)
        return ENVOI_EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 33 || c > 126 || c == ':')
            return ENVOI_EINVAL;
    }
    if (strncasecmp(name, "Content-", 8) == 0)
        return ENVOI_EINVAL;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcasecmp(name, reserved[i]) == 0)
            return ENVOI_EINVAL;
    return 0;
}
