/* Envelope addresses and xtext (see envelope.h). */
#include "smtp/envelope.h"

#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "proto/pp.h"
#include "util/err.h"

/* The addr-spec: inside the last <...> when there is one, else trimmed. */
static void extract(const char *addr, const char **start, size_t *len)
{
    const char *lt = strrchr(addr, '<');
    if (lt) {
        const char *gt = strchr(lt, '>');
        *start = lt + 1;
        *len = gt ? (size_t)(gt - lt - 1) : strlen(lt + 1);
        return;
    }
    while (*addr == ' ' || *addr == '\t')
        addr++;
    size_t n = strlen(addr);
    while (n && (addr[n - 1] == ' ' || addr[n - 1] == '\t'))
        n--;
    *start = addr;
    *len = n;
}

/* The '@' between local part and domain (the last one outside quotes). */
static const char *find_at(const char *p, size_t len)
{
    const char *at = NULL;
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"' && (i == 0 || p[i - 1] != '\\'))
            quoted = !quoted;
        else if (p[i] == '@' && !quoted)
            at = p + i;
    }
    return at;
}

bool envoi_smtp_addr_needs_utf8(const char *addr)
{
    const char *p;
    size_t len;
    extract(addr, &p, &len);
    const char *at = find_at(p, len);
    size_t local = at ? (size_t)(at - p) : len;
    for (size_t i = 0; i < local; i++)
        if ((unsigned char)p[i] >= 0x80)
            return true;
    return false;
}

static int bad_address(const char *addr, envoi_error *err, const char *why)
{
    envoi_buf q = ENVOI_BUF_INIT;
    envoi_pp_quote(&q, addr, strlen(addr), 200);
    envoi_err_set(err, ENVOI_EADDRESS, "bad envelope address \"%s\": %s", q.data ? q.data : "",
                  why);
    envoi_buf_free(&q);
    return ENVOI_EADDRESS;
}

static bool has_non_ascii(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] >= 0x80)
            return true;
    return false;
}

static int append_domain(const char *addr, const char *d, size_t n, bool utf8, envoi_buf *out,
                         envoi_error *err)
{
    if (utf8 || !has_non_ascii(d, n))
        return envoi_buf_append(out, d, n);
    char *in = strndup(d, n), *ascii = NULL;
    if (!in)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    int rc = idn2_to_ascii_8z(in, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK)
        rc = idn2_to_ascii_8z(in, &ascii, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
    free(in);
    if (rc != IDN2_OK) {
        envoi_buf q = ENVOI_BUF_INIT;
        envoi_pp_quote(&q, addr, strlen(addr), 200);
        envoi_err_set(err, ENVOI_EIDNA, "domain of \"%s\" cannot be converted to IDNA: %s",
                      q.data ? q.data : "", idn2_strerror(rc));
        envoi_buf_free(&q);
        return ENVOI_EIDNA;
    }
    rc = envoi_buf_append_str(out, ascii);
    idn2_free(ascii);
    return rc < 0 ? envoi_err_set(err, ENVOI_ENOMEM, "out of memory") : 0;
}

int envoi_smtp_addr_format(const char *addr, bool allow_empty, bool utf8, envoi_buf *out,
                           envoi_error *err)
{
    if (!addr)
        return allow_empty ? 0 : bad_address("", err, "missing");
    for (const char *c = addr; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return bad_address(addr, err, "control character");
    const char *p;
    size_t len;
    extract(addr, &p, &len);
    if (len == 0)
        return allow_empty ? 0 : bad_address(addr, err, "empty");
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c == 0x7f || c == '<' || c == '>')
            return bad_address(addr, err, "control character or angle bracket");
        if (c == '"' && (i == 0 || p[i - 1] != '\\'))
            quoted = !quoted;
        if ((c == ' ' || c == '\t') && !quoted)
            return bad_address(addr, err, "space outside quotes");
    }
    const char *at = find_at(p, len);
    if (!at || at == p || at == p + len - 1)
        return bad_address(addr, err, "no local part, '@' and domain");
    if (envoi_buf_append(out, p, (size_t)(at + 1 - p)) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return append_domain(addr, at + 1, (size_t)(p + len - at - 1), utf8, out, err);
}

int envoi_smtp_xtext(const char *s, envoi_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int rc;
        if (*p >= '!' && *p <= '~' && *p != '+' && *p != '=') {
            rc = envoi_buf_append_char(out, (char)*p);
        } else {
            char esc[3] = {'+', hex[*p >> 4], hex[*p & 15]};
            rc = envoi_buf_append(out, esc, 3);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}
