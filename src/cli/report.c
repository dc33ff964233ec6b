/* One-line descriptions of failures, naming the server and quoting its
 * reply (code, enhanced status, text) when there is one. */
#include "cli/report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sysexits.h>

#include "cli/help.h"

/* The phrase for failures that involve the server; NULL for local ones. */
static const char *server_phrase(int code)
{
    switch (code) {
    case ENVOI_ERESOLVE:
        return "cannot resolve the name of %s";
    case ENVOI_ECONNECT:
        return "cannot connect to %s";
    case ENVOI_ETIMEDOUT:
        return "timed out waiting for %s";
    case ENVOI_ECLOSED:
        return "connection closed by %s";
    case ENVOI_EIO:
        return "network error with %s";
    case ENVOI_ETLS:
        return "TLS failure with %s";
    case ENVOI_ECERT:
        return "certificate of %s not accepted";
    case ENVOI_ENOTLS:
        return "%s offers no STARTTLS, which --security starttls requires";
    case ENVOI_EPROTOCOL:
        return "answer from %s does not follow the protocol";
    case ENVOI_EAUTH:
        return "authentication refused by %s";
    case ENVOI_ENOMECH:
        return "no authentication mechanism in common with %s";
    case ENVOI_EAUTHPLAIN:
        return "refusing to send a password over the unencrypted connection to %s "
               "(use --security starttls or tls, or --allow-plaintext-auth)";
    case ENVOI_ETEMPFAIL:
        return "temporary failure reported by %s";
    case ENVOI_EPERMFAIL:
        return "refused by %s";
    case ENVOI_ENORCPT:
        return "no recipient accepted by %s";
    case ENVOI_ETOOBIG:
        return "message larger than %s accepts";
    case ENVOI_EUNSUPPORTED:
        return "%s lacks an extension the message needs";
    default:
        return NULL;
    }
}

static int append_details(envoi_buf *out, const envoi_error *err)
{
    if (err->reply_code > 0) {
        int rc = envoi_buf_printf(out, ": %d", err->reply_code);
        if (rc == 0 && err->enhanced[0])
            rc = envoi_buf_printf(out, " %s", err->enhanced);
        if (rc == 0 && err->text[0])
            rc = envoi_buf_printf(out, " %s", err->text);
        return rc;
    }
    if (err->text[0])
        return envoi_buf_printf(out, ": %s", err->text);
    return 0;
}

/* True when text already names the host of server ("host:port" or
 * "[v6]:port"). */
static bool names_host(const char *text, const char *server)
{
    const char *start = server[0] == '[' ? server + 1 : server;
    const char *end = strrchr(start, server[0] == '[' ? ']' : ':');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    return len > 0 && memmem(text, strlen(text), start, len) != NULL;
}

int cli_describe_error(envoi_buf *out, const envoi_error *err, const char *server)
{
    const char *phrase = server ? server_phrase(err->code) : NULL;
    if (!phrase || (err->reply_code == 0 && err->text[0])) {
        /* No reply: the library's words describe the failure best. */
        int rc = envoi_buf_append_str(out, err->text[0] ? err->text : envoi_strerror(err->code));
        if (rc == 0 && phrase && !names_host(err->text, server))
            rc = envoi_buf_printf(out, " (%s)", server);
        return rc;
    }
    /* The phrase names the server where it says %s. */
    const char *mark = strstr(phrase, "%s");
    int rc = envoi_buf_append(out, phrase, (size_t)(mark - phrase));
    if (rc == 0)
        rc = envoi_buf_append_str(out, server);
    if (rc == 0)
        rc = envoi_buf_append_str(out, mark + 2);
    return rc < 0 ? rc : append_details(out, err);
}

void cli_report(FILE *out, const char *command, const char *fmt, ...)
{
    fprintf(out, "envoi: %s%s", command ? command : "", command ? ": " : "");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

int cli_usage_error(FILE *out, const char *command, const char *fmt, ...)
{
    fprintf(out, "envoi: %s: ", command);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    cli_help_hint(out, command);
    return EX_USAGE;
}
