/* The domain of an address: an address literal, or a domain name (letters,
 * digits and hyphens, or U-labels) converted to A-labels through libidn2
 * (IDNA2008), with the RFC 1035 lengths and the public suffix list. */
#include "check/syntax.h"

#include <idn2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

enum { MAX_DOMAIN = 255, MAX_LABEL = 63 };

static bool is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static bool is_all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return len > 0;
}

static bool refuse_char(unsigned char c, envoi_check_report *r)
{
    char name[48];
    if (c == '(' || c == ')')
        return check_syntax_refuse(r,
                                   "the domain has a comment or %s: comments are not "
                                   "allowed in an address sent over SMTP",
                                   check_syntax_char_name(c, name, sizeof name));
    return check_syntax_refuse(r, "the domain has %s, which is not allowed in a domain name",
                               check_syntax_char_name(c, name, sizeof name));
}

/* How much of a label (valid UTF-8) a reason quotes: all of it up to 60
 * octets, else its start, cut between characters and followed by "...". */
static int quoted_len(const char *s, size_t len)
{
    if (len <= 60)
        return (int)len;
    size_t n = 0;
    while (n < len) {
        size_t c = envoi_utf8_char_len(s + n, len - n);
        if (n + c > 57)
            break;
        n += c;
    }
    return (int)n;
}

/* One label s[0..len) as written: ASCII letters, digits, hyphens (not first
 * or last), or UTF-8 for a U-label; an ASCII label at most 63 octets. */
static bool check_label(const char *s, size_t len, envoi_check_report *r)
{
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t n = envoi_utf8_char_len(s + i, len - i);
            if (n < 2)
                return check_syntax_refuse(r, "the domain is not valid UTF-8");
            ascii = false;
            i += n - 1;
        } else if (!is_ldh(c)) {
            return refuse_char(c, r);
        }
    }
    int shown = quoted_len(s, len);
    const char *more = (size_t)shown < len ? "..." : "";
    if (s[0] == '-')
        return check_syntax_refuse(r, "the domain label \"%.*s%s\" starts with a hyphen", shown, s,
                                   more);
    if (s[len - 1] == '-')
        return check_syntax_refuse(r, "the domain label \"%.*s%s\" ends with a hyphen", shown, s,
                                   more);
    if (ascii && len > MAX_LABEL)
        return check_syntax_refuse(r, "a label of the domain is longer than %d octets", MAX_LABEL);
    if (ascii && len >= 4 && s[2] == '-' && s[3] == '-' && strncasecmp(s, "xn", 2) != 0)
        return check_syntax_refuse(r,
                                   "the domain label \"%.*s%s\" has hyphens in its third and "
                                   "fourth positions, which are reserved for IDNA",
                                   shown, s, more);
    return true;
}

/* The name as written, label by label. */
static bool check_labels(const char *s, envoi_check_report *r)
{
    size_t len = strlen(s);
    if (len == 0)
        return check_syntax_refuse(r, "the domain is empty once IDNA has mapped its characters");
    if (s[0] == '.')
        return check_syntax_refuse(r, "the domain starts with a dot");
    if (s[len - 1] == '.')
        return check_syntax_refuse(r, "the domain ends with a dot");
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        if (i == start)
            return check_syntax_refuse(r, "the domain has two dots in a row");
        if (!check_label(s + start, i - start, r))
            return false;
        start = i + 1;
    }
    return true;
}

/* The A-label form: the labels again (IDNA maps characters such as the
 * ideographic full stop to a dot, and checks no length), the whole length,
 * and a top-level domain that is not numeric. */
static bool check_ascii_form(const char *a, envoi_check_report *r)
{
    size_t len = strlen(a);
    if (len > MAX_DOMAIN)
        return check_syntax_refuse(r, "the domain is longer than %d octets", MAX_DOMAIN);
    if (!check_labels(a, r))
        return false;
    size_t start = 0, labels = 0;
    bool numeric = true;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && a[i] != '.')
            continue;
        if (!is_all_digits(a + start, i - start))
            numeric = false;
        labels++;
        start = i + 1;
    }
    const char *dot = strrchr(a, '.');
    const char *tld = dot ? dot + 1 : a;
    if (numeric && labels == 4)
        return check_syntax_refuse(r, "an IP address must be written in brackets, as [%s]", a);
    if (is_all_digits(tld, strlen(tld)))
        return check_syntax_refuse(r, "the top-level domain .%s is all digits", tld);
    return true;
}

static bool convert(const char *s, char *out, size_t outsize, envoi_check_report *r)
{
    char *ascii = NULL;
    int rc = idn2_to_ascii_8z(s, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
        if (rc == IDN2_TOO_BIG_LABEL)
            return check_syntax_refuse(r,
                                       "a label of the domain is longer than %d octets "
                                       "as an A-label",
                                       MAX_LABEL);
        if (rc == IDN2_TOO_BIG_DOMAIN)
            return check_syntax_refuse(r, "the domain is longer than %d octets as A-labels",
                                       MAX_DOMAIN);
        if (envoi_is_ascii(s, strlen(s)) && strstr(s, "--"))
            return check_syntax_refuse(r,
                                       "the domain has a label that is not a valid A-label "
                                       "(%s)",
                                       idn2_strerror(rc));
        return check_syntax_refuse(r,
                                   "the domain is not a valid internationalized domain "
                                   "name (IDNA2008: %s)",
                                   idn2_strerror(rc));
    }
    size_t n = strlen(ascii);
    bool fits = n < outsize;
    if (fits)
        memcpy(out, ascii, n + 1);
    idn2_free(ascii);
    if (!fits)
        return check_syntax_refuse(r, "the domain is longer than %d octets", MAX_DOMAIN);
    return true;
}

bool check_syntax_domain(const char *s, char *out, size_t outsize, envoi_check_report *r)
{
    size_t len = strlen(s);
    if (len == 0)
        return check_syntax_refuse(r, "the domain (after the @) is empty");
    if (s[0] == '[') {
        if (!check_syntax_literal(s, len, r))
            return false;
        if (len >= outsize)
            return check_syntax_refuse(r, "the address literal is too long");
        memcpy(out, s, len + 1);
        return true;
    }
    if (len > 4 * MAX_DOMAIN)
        return check_syntax_refuse(r, "the domain is longer than %d octets", MAX_DOMAIN);
    if (!check_labels(s, r) || !convert(s, out, outsize, r) || !check_ascii_form(out, r))
        return false;
    return check_syntax_psl(out, r);
}
