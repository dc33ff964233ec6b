/* Safe file names for saved attachments (see extract_name.h). */
#include "cli/extract_name.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"
#include "util/utf8.h"

/* Extensions longer than this are not worth keeping when a name is cut. */
#define EXT_MAX 16

static const struct {
    const char *type;
    const char *ext;
} type_exts[] = {
    {"text/plain", "txt"},
    {"text/html", "html"},
    {"text/csv", "csv"},
    {"text/calendar", "ics"},
    {"text/xml", "xml"},
    {"text/markdown", "md"},
    {"text/vcard", "vcf"},
    {"text/x-vcard", "vcf"},
    {"text/rtf", "rtf"},
    {"text/css", "css"},
    {"image/png", "png"},
    {"image/jpeg", "jpg"},
    {"image/gif", "gif"},
    {"image/webp", "webp"},
    {"image/svg+xml", "svg"},
    {"image/tiff", "tiff"},
    {"image/bmp", "bmp"},
    {"audio/mpeg", "mp3"},
    {"audio/ogg", "ogg"},
    {"audio/wav", "wav"},
    {"video/mp4", "mp4"},
    {"video/mpeg", "mpeg"},
    {"application/pdf", "pdf"},
    {"application/zip", "zip"},
    {"application/gzip", "gz"},
    {"application/json", "json"},
    {"application/xml", "xml"},
    {"application/rtf", "rtf"},
    {"application/msword", "doc"},
    {"application/vnd.ms-excel", "xls"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
    {"application/pgp-signature", "asc"},
    {"application/pkcs7-signature", "p7s"},
    {"application/x-pkcs7-signature", "p7s"},
    {"application/ics", "ics"},
    {"message/rfc822", "eml"},
    {"message/delivery-status", "txt"},
};

const char *cli_extension_for_type(const char *type)
{
    if (!type)
        return "bin";
    for (size_t i = 0; i < sizeof type_exts / sizeof type_exts[0]; i++)
        if (strcasecmp(type, type_exts[i].type) == 0)
            return type_exts[i].ext;
    if (strncasecmp(type, "text/", 5) == 0)
        return "txt";
    return "bin";
}

size_t cli_name_ext_offset(const char *name, size_t len)
{
    for (size_t i = len; i > 1; i--)
        if (name[i - 1] == '.')
            return i - 1;
    return len;
}

/* The code point of a well-formed UTF-8 sequence of n bytes. */
static unsigned decode_char(const unsigned char *s, size_t n)
{
    if (n == 2)
        return (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
    if (n == 3)
        return (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
    return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
           (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

/* Characters that are invisible or reorder text: they can make
 * "invoice\u202Efdp.exe" look like a PDF. C1 controls too. */
static bool is_unsafe_code_point(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

static bool is_unsafe_byte(unsigned char c)
{
    return c < 0x20 || c == 0x7f || strchr("<>:\"|?*/\\", c) != NULL;
}

/* The part after the last '/' or '\'. */
static const char *base_name(const char *name)
{
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    return base;
}

/* Copy s with unsafe characters replaced and runs of dots collapsed. */
static int clean_chars(const char *s, envoi_buf *out)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        const unsigned char *u = (const unsigned char *)s + i;
        size_t n = envoi_utf8_char_len(s + i, len - i);
        bool bad = n == 1 ? (u[0] >= 0x80 || is_unsafe_byte(u[0]))
                          : is_unsafe_code_point(decode_char(u, n));
        if (bad) {
            if (envoi_buf_append_char(out, '_') < 0)
                return ENVOI_ENOMEM;
        } else if (!(u[0] == '.' && out->len > 0 && out->data[out->len - 1] == '.')) {
            if (envoi_buf_append(out, s + i, n) < 0)
                return ENVOI_ENOMEM;
        }
        i += n;
    }
    return 0;
}

static bool is_trimmed(char c)
{
    return c == '.' || c == ' ';
}

/* The start and length of s without leading and trailing dots and spaces. */
static size_t trim(const char *s, size_t len, size_t *start)
{
    size_t a = 0;
    while (a < len && is_trimmed(s[a]))
        a++;
    while (len > a && is_trimmed(s[len - 1]))
        len--;
    *start = a;
    return len - a;
}

/* The longest prefix of s[0..len) of at most max bytes that ends on a
 * character boundary. */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
    size_t i = 0;
    while (i < len) {
        size_t n = envoi_utf8_char_len(s + i, len - i);
        if (i + n > max)
            break;
        i += n;
    }
    return i;
}

/* Append s[0..len), cut to CLI_SAFE_NAME_MAX bytes keeping a short extension. */
static int append_limited(envoi_buf *out, const char *s, size_t len)
{
    if (len <= CLI_SAFE_NAME_MAX)
        return envoi_buf_append(out, s, len);
    size_t dot = cli_name_ext_offset(s, len);
    size_t ext_len = len - dot;
    if (ext_len > EXT_MAX + 1)
        ext_len = 0;
    size_t stem = utf8_prefix(s, len - ext_len, CLI_SAFE_NAME_MAX - ext_len);
    while (stem > 0 && is_trimmed(s[stem - 1]))
        stem--;
    if (envoi_buf_append(out, s, stem) < 0 || envoi_buf_append(out, s + len - ext_len, ext_len) < 0)
        return ENVOI_ENOMEM;
    return 0;
}

static int append_fallback(envoi_buf *out, const char *type, const char *path)
{
    const char *p = path && *path ? path : "1";
    envoi_buf clean = ENVOI_BUF_INIT;
    int rc = clean_chars(p, &clean);
    if (rc == 0)
        rc = envoi_buf_printf(out, "part-%s.%s", clean.data ? clean.data : "1",
                              cli_extension_for_type(type));
    envoi_buf_free(&clean);
    return rc;
}

int cli_safe_filename(const char *name, const char *type, const char *path, envoi_buf *out)
{
    envoi_buf clean = ENVOI_BUF_INIT;
    int rc = name ? clean_chars(base_name(name), &clean) : 0;
    if (rc < 0)
        return rc;
    size_t start = 0;
    size_t len = clean.data ? trim(clean.data, clean.len, &start) : 0;
    if (len == 0)
        rc = append_fallback(out, type, path);
    else
        rc = append_limited(out, clean.data + start, len);
    envoi_buf_free(&clean);
    return rc;
}
