/* The syntax level of the address checks: the address split at its @ into a
 * local part and a domain, each checked, then the lengths of the whole. */
#include "check/syntax.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { MAX_ADDRESS = 254 };

bool check_syntax_refuse(envoi_check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    if (r->result == ENVOI_ADDR_VALID)
        r->result = ENVOI_ADDR_SYNTAX;
    return false;
}

const char *check_syntax_char_name(unsigned char c, char *buf, size_t size)
{
    if (c == ' ')
        snprintf(buf, size, "a space");
    else if (c == '\t')
        snprintf(buf, size, "a tab");
    else if (c < 0x20 || c == 0x7F)
        snprintf(buf, size, "the control character 0x%02X", (unsigned)c);
    else if (c >= 0x80)
        snprintf(buf, size, "the byte 0x%02X", (unsigned)c);
    else if (c == '\'')
        snprintf(buf, size, "\"'\"");
    else
        snprintf(buf, size, "'%c'", c);
    return buf;
}

bool check_syntax_is_literal(const char *domain)
{
    return domain && domain[0] == '[';
}

/* An address that ends in '>' and has a '<' is a name-addr ("Jane <j@x.org>")
 * or an angle-addr: no domain or literal ends in '>', so it is never valid. */
static bool looks_like_name_addr(const char *a, size_t len)
{
    return len > 0 && a[len - 1] == '>' && memchr(a, '<', len) != NULL;
}

/* Where the local part ends (*end): after the closing quote of a quoted
 * string, else at the first @. False with a reason when there is no end. */
static bool find_local_end(const char *a, size_t *end, envoi_check_report *r)
{
    if (a[0] != '"') {
        const char *at = strchr(a, '@');
        if (!at)
            return check_syntax_refuse(r, "the address has no @ sign and domain");
        *end = (size_t)(at - a);
        return true;
    }
    for (size_t i = 1; a[i]; i++) {
        if (a[i] == '\\') {
            if (!a[i + 1])
                break;
            i++;
        } else if (a[i] == '"') {
            *end = i + 1;
            return true;
        }
    }
    return check_syntax_refuse(r, "unbalanced quote in the local part");
}

static bool check_split(const char *a, size_t *local_len, envoi_check_report *r)
{
    size_t n = 0;
    if (!find_local_end(a, &n, r))
        return false;
    if (a[n] != '@') {
        if (a[n] == '\0')
            return check_syntax_refuse(r, "the address has no @ sign and domain");
        return check_syntax_refuse(r, "text follows the closing quote of the local part "
                                      "where the @ sign should be");
    }
    if (strchr(a + n + 1, '@'))
        return check_syntax_refuse(r, "the address has more than one @ sign (an @ in the "
                                      "local part must be quoted)");
    *local_len = n;
    return true;
}

static bool check_address(const char *a, envoi_check_report *r)
{
    size_t len = strlen(a);
    if (len == 0)
        return check_syntax_refuse(r, "the address is empty");
    if (looks_like_name_addr(a, len))
        return check_syntax_refuse(r, "a display name or angle brackets are not part of a bare "
                                      "address (write only name@domain)");
    size_t local_len = 0;
    if (!check_split(a, &local_len, r))
        return false;
    if (!check_syntax_local(a, local_len, r))
        return false;
    char domain[256];
    if (!check_syntax_domain(a + local_len + 1, domain, sizeof domain, r))
        return false;
    size_t ascii_len = local_len + 1 + strlen(domain);
    if (len > MAX_ADDRESS || ascii_len > MAX_ADDRESS)
        return check_syntax_refuse(r, "the address is longer than %d octets", MAX_ADDRESS);
    memcpy(r->local_part, a, local_len);
    r->local_part[local_len] = '\0';
    snprintf(r->domain, sizeof r->domain, "%s", domain);
    return true;
}

int check_syntax(const char *address, envoi_check_report *r)
{
    if (!address || !r)
        return ENVOI_EINVAL;
    memset(r, 0, sizeof *r);
    r->result = ENVOI_ADDR_VALID;
    r->level = ENVOI_CHECK_SYNTAX;
    if (!check_address(address, r)) {
        r->local_part[0] = '\0';
        r->domain[0] = '\0';
        if (r->result == ENVOI_ADDR_VALID)
            r->result = ENVOI_ADDR_SYNTAX;
    }
    return 0;
}

int envoi_address_check_syntax(const char *address, envoi_check_report *report)
{
    return check_syntax(address, report);
}

const char *envoi_check_result_name(envoi_check_result result)
{
    switch (result) {
    case ENVOI_ADDR_VALID:
        return "valid";
    case ENVOI_ADDR_SYNTAX:
        return "syntax";
    case ENVOI_ADDR_REFUSED:
        return "refused";
    case ENVOI_ADDR_ERROR:
        return "error";
    }
    return "unknown";
}

const char *envoi_check_level_name(envoi_check_level level)
{
    switch (level) {
    case ENVOI_CHECK_SYNTAX:
        return "syntax";
    case ENVOI_CHECK_DOMAIN:
        return "domain";
    case ENVOI_CHECK_SERVER:
        return "server";
    }
    return "unknown";
}
