/* The local part of an address: an RFC 5321 dot-string or quoted string,
 * with UTF-8 characters allowed as RFC 6531 extends both. */
#include "check/syntax.h"

#include <string.h>

#include "util/utf8.h"

enum { MAX_LOCAL = 64 };

/* atext of RFC 5322 (RFC 5321 Atom): letters, digits and these. */
static bool is_atext(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* A non-ASCII character at s[i]: its length, or 0 with a reason when it is
 * not UTF-8 or is a C1 control character (U+0080 to U+009F, encoded C2 80
 * to C2 9F), invisible and never part of a name. */
static size_t utf8_len_at(const char *s, size_t len, size_t i, envoi_check_report *r)
{
    size_t n = envoi_utf8_char_len(s + i, len - i);
    if (n < 2) {
        check_syntax_refuse(r, "the local part is not valid UTF-8");
        return 0;
    }
    unsigned char c0 = (unsigned char)s[i], c1 = (unsigned char)s[i + 1];
    if (c0 == 0xC2 && c1 < 0xA0) {
        check_syntax_refuse(r, "the local part has the control character U+%04X", (unsigned)c1);
        return 0;
    }
    return n;
}

static bool refuse_unquoted(unsigned char c, envoi_check_report *r)
{
    char name[48];
    if (c == '(' || c == ')')
        return check_syntax_refuse(r,
                                   "the local part has a comment or %s: comments are not "
                                   "allowed in an address sent over SMTP",
                                   check_syntax_char_name(c, name, sizeof name));
    if (c < 0x20 || c == 0x7F)
        return check_syntax_refuse(r, "the local part has %s",
                                   check_syntax_char_name(c, name, sizeof name));
    return check_syntax_refuse(r, "the local part has %s, which is only allowed in quotes",
                               check_syntax_char_name(c, name, sizeof name));
}

static bool check_dot_string(const char *s, size_t len, envoi_check_report *r)
{
    if (s[0] == '.')
        return check_syntax_refuse(r, "the local part starts with a dot");
    if (s[len - 1] == '.')
        return check_syntax_refuse(r, "the local part ends with a dot");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (s[i + 1] == '.')
                return check_syntax_refuse(r, "the local part has two dots in a row");
        } else if (c >= 0x80) {
            size_t n = utf8_len_at(s, len, i, r);
            if (n == 0)
                return false;
            i += n - 1;
        } else if (!is_atext(c)) {
            return refuse_unquoted(c, r);
        }
    }
    return true;
}

/* s[0..len) is '"' ... '"' (the split found the closing quote). */
static bool check_quoted(const char *s, size_t len, envoi_check_report *r)
{
    char name[48];
    for (size_t i = 1; i + 1 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\') {
            unsigned char e = (unsigned char)s[i + 1];
            if (i + 2 >= len || e < 0x20 || e > 0x7E)
                return check_syntax_refuse(
                    r,
                    "a backslash in the quoted local part escapes "
                    "%s; only printable ASCII can be escaped",
                    i + 2 >= len ? "nothing" : check_syntax_char_name(e, name, sizeof name));
            i++;
        } else if (c >= 0x80) {
            size_t n = utf8_len_at(s, len - 1, i, r);
            if (n == 0)
                return false;
            i += n - 1;
        } else if (c < 0x20 || c == 0x7F) {
            return check_syntax_refuse(r, "the quoted local part has %s",
                                       check_syntax_char_name(c, name, sizeof name));
        }
    }
    return true;
}

bool check_syntax_local(const char *s, size_t len, envoi_check_report *r)
{
    if (len == 0)
        return check_syntax_refuse(r, "the local part (before the @) is empty");
    if (len > MAX_LOCAL)
        return check_syntax_refuse(r, "the local part is longer than %d octets", MAX_LOCAL);
    if (s[0] == '"')
        return check_quoted(s, len, r);
    return check_dot_string(s, len, r);
}
