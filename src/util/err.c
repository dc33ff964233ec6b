/* Filling an envoi_error record, and the names and sentences of the codes. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int envoi_err_set(envoi_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->reply_code = 0;
    err->enhanced[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return code;
}

int envoi_err_reply(envoi_error *err, int code, int reply_code, const char *enhanced,
                    const char *text)
{
    if (!err)
        return code;
    err->code = code;
    err->reply_code = reply_code;
    snprintf(err->enhanced, sizeof err->enhanced, "%s", enhanced ? enhanced : "");
    snprintf(err->text, sizeof err->text, "%s", text ? text : "");
    return code;
}

void envoi_err_clear(envoi_error *err)
{
    memset(err, 0, sizeof *err);
}

struct code_info {
    int code;
    const char *name;
    const char *sentence;
};

static const struct code_info codes[] = {
    {ENVOI_OK, "ENVOI_OK", "success"},
    {ENVOI_ENOMEM, "ENVOI_ENOMEM", "out of memory"},
    {ENVOI_EINVAL, "ENVOI_EINVAL", "invalid argument"},
    {ENVOI_EHEADER, "ENVOI_EHEADER", "CR, LF or NUL in a header value"},
    {ENVOI_EADDRESS, "ENVOI_EADDRESS", "malformed email address"},
    {ENVOI_EFILE, "ENVOI_EFILE", "file could not be opened or read"},
    {ENVOI_ERESOLVE, "ENVOI_ERESOLVE", "host name could not be resolved"},
    {ENVOI_ECONNECT, "ENVOI_ECONNECT", "connection to the server failed"},
    {ENVOI_ETIMEDOUT, "ENVOI_ETIMEDOUT", "timed out waiting for the server"},
    {ENVOI_ECLOSED, "ENVOI_ECLOSED", "the server closed the connection"},
    {ENVOI_EIO, "ENVOI_EIO", "network read or write error"},
    {ENVOI_ETLS, "ENVOI_ETLS", "TLS failure"},
    {ENVOI_ECERT, "ENVOI_ECERT", "server certificate not accepted"},
    {ENVOI_ENOTLS, "ENVOI_ENOTLS", "TLS required but not offered by the server"},
    {ENVOI_EPROTOCOL, "ENVOI_EPROTOCOL", "the server's answer does not follow the protocol"},
    {ENVOI_EAUTH, "ENVOI_EAUTH", "authentication refused"},
    {ENVOI_ENOMECH, "ENVOI_ENOMECH", "no authentication mechanism in common with the server"},
    {ENVOI_EAUTHPLAIN, "ENVOI_EAUTHPLAIN",
     "refusing to authenticate over an unencrypted connection"},
    {ENVOI_ETEMPFAIL, "ENVOI_ETEMPFAIL", "temporary failure reported by the server"},
    {ENVOI_EPERMFAIL, "ENVOI_EPERMFAIL", "permanent failure reported by the server"},
    {ENVOI_ENORCPT, "ENVOI_ENORCPT", "no recipient was accepted"},
    {ENVOI_ETOOBIG, "ENVOI_ETOOBIG", "message larger than the server accepts"},
    {ENVOI_EUNSUPPORTED, "ENVOI_EUNSUPPORTED", "the server lacks a needed extension"},
    {ENVOI_ESTATE, "ENVOI_ESTATE", "call not valid in the session's current state"},
    {ENVOI_ECONFIG, "ENVOI_ECONFIG", "configuration error"},
    {ENVOI_EIDNA, "ENVOI_EIDNA", "domain name cannot be converted to IDNA"},
    {ENVOI_ENOTFOUND, "ENVOI_ENOTFOUND", "no such message or entry"},
    {ENVOI_EFORMAT, "ENVOI_EFORMAT", "malformed data (signature, key or S/MIME structure)"},
};

static const struct code_info *find_code(int code)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == code)
            return &codes[i];
    return NULL;
}

const char *envoi_strerror(int code)
{
    const struct code_info *c = find_code(code);
    return c ? c->sentence : "unknown error";
}

const char *envoi_err_name(int code)
{
    const struct code_info *c = find_code(code);
    return c ? c->name : "ENVOI_E?";
}

bool envoi_error_is_temporary(const envoi_error *err)
{
    switch (err->code) {
    case ENVOI_ETIMEDOUT:
    case ENVOI_ECLOSED:
    case ENVOI_EIO:
    case ENVOI_ECONNECT:
    case ENVOI_ERESOLVE:
    case ENVOI_ETEMPFAIL:
        return true;
    default:
        return err->reply_code >= 400 && err->reply_code < 500;
    }
}
