/* The address checker handle: creation, settings and their validation
 * (envoi_checker_new, _free, _set_*). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/checker.h"
#include "util/err.h"

/* This host's name for EHLO, else "localhost". */
static void default_helo(char *out, size_t size)
{
    char name[CHECKER_NAME_SIZE] = "";
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        snprintf(out, size, "localhost");
    else
        snprintf(out, size, "%s", name);
}

envoi_checker *envoi_checker_new(void)
{
    envoi_checker *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->level = ENVOI_CHECK_SYNTAX;
    c->resolver.has_server = false;
    c->resolver.timeout_ms = 0;
    c->smtp_timeout_ms = CHECKER_SMTP_TIMEOUT_MS;
    c->smtp_port = CHECKER_SMTP_PORT;
    default_helo(c->helo, sizeof c->helo);
    return c;
}

void envoi_checker_free(envoi_checker *c)
{
    free(c);
}

int envoi_checker_set_level(envoi_checker *c, envoi_check_level level)
{
    if (!c ||
        (level != ENVOI_CHECK_SYNTAX && level != ENVOI_CHECK_DOMAIN && level != ENVOI_CHECK_SERVER))
        return ENVOI_EINVAL;
    c->level = level;
    return 0;
}

/* NULL or "": the system's resolver again. The setting is unchanged on error.
 */
int envoi_checker_set_nameserver(envoi_checker *c, const char *server)
{
    if (!c)
        return ENVOI_EINVAL;
    if (!server || !*server) {
        c->resolver.has_server = false;
        return 0;
    }
    check_resolver r = c->resolver;
    envoi_error err;
    int rc = check_resolver_set_server(&r, server, &err);
    if (rc < 0)
        return rc;
    c->resolver = r;
    return 0;
}

int envoi_checker_set_dns_timeout(envoi_checker *c, int ms)
{
    if (!c || ms < 1)
        return ENVOI_EINVAL;
    c->resolver.timeout_ms = ms;
    return 0;
}

int envoi_checker_set_smtp_timeout(envoi_checker *c, int ms)
{
    if (!c || ms < 1)
        return ENVOI_EINVAL;
    c->smtp_timeout_ms = ms;
    return 0;
}

int envoi_checker_set_smtp_port(envoi_checker *c, unsigned port)
{
    if (!c || port < 1 || port > 65535)
        return ENVOI_EINVAL;
    c->smtp_port = port;
    return 0;
}

/* A host name or address literal fit for one EHLO line: printable ASCII,
 * no space, not empty. */
static int valid_helo(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len >= CHECKER_NAME_SIZE)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] <= ' ' || (unsigned char)name[i] >= 0x7f)
            return 0;
    return 1;
}

int envoi_checker_set_helo_name(envoi_checker *c, const char *name)
{
    if (!c || !name || !valid_helo(name))
        return ENVOI_EINVAL;
    snprintf(c->helo, sizeof c->helo, "%s", name);
    return 0;
}

/* NULL or "": the null reverse path. Else a bare address of valid syntax. */
int envoi_checker_set_mail_from(envoi_checker *c, const char *address)
{
    if (!c)
        return ENVOI_EINVAL;
    if (!address || !*address) {
        c->mail_from[0] = '\0';
        return 0;
    }
    envoi_check_report r;
    int rc = envoi_address_check_syntax(address, &r);
    if (rc < 0)
        return rc;
    if (r.result != ENVOI_ADDR_VALID || strlen(address) >= sizeof c->mail_from ||
        strpbrk(address, "\r\n"))
        return ENVOI_EINVAL;
    snprintf(c->mail_from, sizeof c->mail_from, "%s", address);
    return 0;
}

int checker_set_result(envoi_check_report *r, envoi_check_result result, envoi_check_level level,
                       const char *fmt, ...)
{
    r->result = result;
    r->level = level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    return 0;
}
