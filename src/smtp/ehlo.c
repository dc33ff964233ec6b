/* Parsing the EHLO reply into extension flags (see ehlo.h). */
#include "smtp/ehlo.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "envoi/smtp.h"

void envoi_smtp_caps_reset(envoi_smtp_caps *c)
{
    c->ext = 0;
    c->size = 0;
    envoi_buf_clear(&c->auth);
    envoi_buf_clear(&c->lines);
}

void envoi_smtp_caps_free(envoi_smtp_caps *c)
{
    envoi_buf_free(&c->auth);
    envoi_buf_free(&c->lines);
    c->ext = 0;
    c->size = 0;
}

static const struct {
    const char *word;
    int flag;
} keywords[] = {
    {"SIZE", ENVOI_SMTP_EXT_SIZE},
    {"PIPELINING", ENVOI_SMTP_EXT_PIPELINING},
    {"8BITMIME", ENVOI_SMTP_EXT_8BITMIME},
    {"SMTPUTF8", ENVOI_SMTP_EXT_SMTPUTF8},
    {"DSN", ENVOI_SMTP_EXT_DSN},
    {"CHUNKING", ENVOI_SMTP_EXT_CHUNKING},
    {"STARTTLS", ENVOI_SMTP_EXT_STARTTLS},
    {"AUTH", ENVOI_SMTP_EXT_AUTH},
    {"ENHANCEDSTATUSCODES", ENVOI_SMTP_EXT_ENHANCEDSTATUSCODES},
    {"BINARYMIME", ENVOI_SMTP_EXT_BINARYMIME},
};

static bool has_mech(const envoi_buf *auth, const char *m, size_t n)
{
    const char *p = auth->data ? auth->data : "";
    while (*p) {
        size_t k = strcspn(p, " ");
        if (k == n && memcmp(p, m, n) == 0)
            return true;
        p += k;
        while (*p == ' ')
            p++;
    }
    return false;
}

/* Mechanism names: upper case letters, digits, '-' and '_' (RFC 4422). */
static int add_mechs(envoi_smtp_caps *c, const char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && p[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && p[i] != ' ')
            i++;
        size_t n = i - start;
        if (!n || n > 20)
            continue;
        char m[21];
        bool ok = true;
        for (size_t k = 0; k < n; k++) {
            char ch = (char)toupper((unsigned char)p[start + k]);
            ok = ok && (isalnum((unsigned char)ch) || ch == '-' || ch == '_');
            m[k] = ch;
        }
        if (!ok || has_mech(&c->auth, m, n))
            continue;
        if ((c->auth.len && envoi_buf_append_char(&c->auth, ' ') < 0) ||
            envoi_buf_append(&c->auth, m, n) < 0)
            return ENVOI_ENOMEM;
    }
    return 0;
}

static unsigned long parse_size(const char *p, size_t len)
{
    unsigned long v = 0;
    for (size_t i = 0; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (~0UL - d) / 10)
            return ~0UL;
        v = v * 10 + d;
    }
    return v;
}

static int parse_line(envoi_smtp_caps *c, const char *p, size_t len)
{
    size_t k = 0;
    while (k < len && p[k] != ' ' && p[k] != '=')
        k++;
    const char *arg = k < len ? p + k + 1 : p + len;
    size_t arglen = k < len ? len - k - 1 : 0;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (strlen(keywords[i].word) != k || strncasecmp(keywords[i].word, p, k) != 0)
            continue;
        /* "AUTH=PLAIN LOGIN" is the old form some servers still send. */
        if (k < len && p[k] == '=' && keywords[i].flag != ENVOI_SMTP_EXT_AUTH)
            return 0;
        c->ext |= keywords[i].flag;
        if (keywords[i].flag == ENVOI_SMTP_EXT_SIZE)
            c->size = parse_size(arg, arglen);
        if (keywords[i].flag == ENVOI_SMTP_EXT_AUTH)
            return add_mechs(c, arg, arglen);
        return 0;
    }
    return 0;
}

int envoi_smtp_caps_parse(envoi_smtp_caps *c, const envoi_smtp_reply *r)
{
    envoi_smtp_caps_reset(c);
    const char *p = r->text.data ? r->text.data : "";
    const char *nl = strchr(p, '\n');
    if (!nl)
        return envoi_buf_append(&c->lines, "", 0);
    p = nl + 1;
    if (envoi_buf_append_str(&c->lines, p) < 0)
        return ENVOI_ENOMEM;
    while (c->lines.len && c->lines.data[c->lines.len - 1] == '\n')
        c->lines.data[--c->lines.len] = '\0';
    while (*p) {
        size_t n = strcspn(p, "\n");
        int rc = parse_line(c, p, n);
        if (rc < 0)
            return rc;
        p += n;
        if (*p == '\n')
            p++;
    }
    return 0;
}
