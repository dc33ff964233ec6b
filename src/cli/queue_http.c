/* The HTTP/1.1 client of "envoi queue" and "envoi send --async": one
 * request per connection, the answer read whole within fixed bounds. */
#include "cli/queue_http.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/conn.h"
#include "util/err.h"

#define MAX_LINE 8192
#define MAX_HEADERS 100

/* ---- the address ------------------------------------------------------------------------------
 */

static int bad_address(envoi_error *err, const char *where, const char *why)
{
    return envoi_err_set(err, ENVOI_EINVAL, "spooler address '%.200s': %s", where, why);
}

static int parse_port(const char *text, size_t len, unsigned *out)
{
    if (len == 0 || len > 5)
        return ENVOI_EINVAL;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return ENVOI_EINVAL;
        v = v * 10 + (unsigned)(text[i] - '0');
    }
    if (v == 0 || v > 65535)
        return ENVOI_EINVAL;
    *out = v;
    return 0;
}

/* Split "host:port" or "[v6]:port" (rest of the text: end or "/"). */
static int split_host_port(const char *s, const char **host, size_t *hlen, const char **port,
                           size_t *plen)
{
    size_t end = strcspn(s, "/");
    if (*s == '[') {
        const char *close = memchr(s, ']', end);
        if (!close || close[1] != ':')
            return ENVOI_EINVAL;
        *host = s + 1;
        *hlen = (size_t)(close - s - 1);
        *port = close + 2;
    } else {
        const char *colon = NULL;
        for (size_t i = 0; i < end; i++)
            if (s[i] == ':')
                colon = s + i;
        if (!colon)
            return ENVOI_EINVAL;
        *host = s;
        *hlen = (size_t)(colon - s);
        *port = colon + 1;
    }
    *plen = (size_t)(s + end - *port);
    if (s[end] == '/' && s[end + 1] != '\0')
        return ENVOI_EINVAL; /* no path prefix: envoid serves /v1 at its root */
    return *hlen == 0 || memchr(*host, '/', *hlen) ? ENVOI_EINVAL : 0;
}

static bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '%';
}

int cli_spooler_set_address(cli_spooler *sp, const char *where, envoi_error *err)
{
    const char *s = where;
    if (strncasecmp(s, "https://", 8) == 0)
        return bad_address(err, where, "envoid speaks plain HTTP on loopback; use http://");
    if (strncasecmp(s, "http://", 7) == 0)
        s += 7;
    else if (strstr(s, "://"))
        return bad_address(err, where, "expected http://HOST:PORT");
    const char *host, *port;
    size_t hlen, plen;
    unsigned portnum = 0;
    if (split_host_port(s, &host, &hlen, &port, &plen) < 0)
        return bad_address(err, where,
                           "expected HOST:PORT or http://HOST:PORT, e.g. 127.0.0.1:8025");
    if (parse_port(port, plen, &portnum) < 0)
        return bad_address(err, where, "the port must be a number from 1 to 65535");
    for (size_t i = 0; i < hlen; i++)
        if (!is_host_char(host[i]))
            return bad_address(err, where, "the host has a character hosts do not have");
    bool v6 = memchr(host, ':', hlen) != NULL;
    char *h = NULL;
    if (hlen == 7 && memcmp(host, "0.0.0.0", 7) == 0)
        h = strdup("127.0.0.1");
    else if (hlen == 2 && memcmp(host, "::", 2) == 0)
        h = strdup("::1");
    else
        h = strndup(host, hlen);
    envoi_buf label = ENVOI_BUF_INIT;
    if (!h || envoi_buf_printf(&label, v6 ? "[%s]:%u" : "%s:%u", h, portnum) < 0) {
        free(h);
        envoi_buf_free(&label);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    free(sp->host);
    free(sp->label);
    sp->host = h;
    sp->port = portnum;
    sp->label = envoi_buf_steal(&label, NULL);
    return 0;
}

void cli_spooler_free(cli_spooler *sp)
{
    if (sp->token) {
        explicit_bzero(sp->token, strlen(sp->token));
        free(sp->token);
    }
    free(sp->host);
    free(sp->label);
    memset(sp, 0, sizeof *sp);
}

int cli_http_escape(envoi_buf *out, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
        int rc = plain ? envoi_buf_append_char(out, (char)*p)
                       : envoi_buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- the request ------------------------------------------------------------------------------
 */

static int send_request(envoi_conn *c, const cli_spooler *sp, const char *method,
                        const char *target, const char *content_type, const void *body, size_t len,
                        envoi_error *err)
{
    int rc = envoi_conn_printf(c, err,
                               "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: envoi\r\n"
                               "Accept: application/json\r\nConnection: close\r\n",
                               method, target, sp->label);
    if (rc == 0 && sp->token) {
        rc = envoi_conn_write(c, "Authorization: Bearer ", 22, err);
        if (rc == 0)
            rc = envoi_conn_write(c, sp->token, strlen(sp->token), err);
        if (rc == 0)
            rc = envoi_conn_write(c, "\r\n", 2, err);
    }
    if (rc == 0 && content_type)
        rc = envoi_conn_printf(c, err, "Content-Type: %s\r\n", content_type);
    if (rc == 0 && (body || strcmp(method, "POST") == 0))
        rc = envoi_conn_printf(c, err, "Content-Length: %zu\r\n", body ? len : 0);
    if (rc == 0)
        rc = envoi_conn_write(c, "\r\n", 2, err);
    if (rc == 0 && body && len)
        rc = envoi_conn_write(c, body, len, err);
    if (rc == 0)
        rc = envoi_conn_flush(c, err);
    return rc;
}

/* ---- the answer -------------------------------------------------------------------------------
 */

typedef struct answer {
    bool chunked;
    bool has_length;
    size_t length;
} answer;

static int not_http(envoi_error *err, const cli_spooler *sp, const char *what)
{
    return envoi_err_set(err, ENVOI_EPROTOCOL, "%s did not answer as envoid does: %s", sp->label,
                         what);
}

static int read_status(envoi_conn *c, const cli_spooler *sp, unsigned *status, envoi_error *err)
{
    const char *line;
    size_t len;
    int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
    if (rc == ENVOI_ECLOSED)
        return envoi_err_set(err, rc, "%s closed the connection without an answer", sp->label);
    if (rc < 0)
        return rc;
    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ')
        return not_http(err, sp, "no HTTP status line");
    unsigned v = 0;
    for (size_t i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9')
            return not_http(err, sp, "a malformed HTTP status");
        v = v * 10 + (unsigned)(line[i] - '0');
    }
    if (v < 100 || (len > 12 && line[12] != ' '))
        return not_http(err, sp, "a malformed HTTP status");
    *status = v;
    return 0;
}

static bool header_is(const char *line, size_t len, const char *name, const char **value,
                      size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
        return false;
    size_t i = n + 1;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t end = len;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    *value = line + i;
    *vlen = end - i;
    return true;
}

static int read_length(const char *v, size_t n, size_t *out)
{
    if (n == 0 || n > 19)
        return ENVOI_EPROTOCOL;
    size_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return ENVOI_EPROTOCOL;
        x = x * 10 + (size_t)(v[i] - '0');
    }
    *out = x;
    return 0;
}

static int read_headers(envoi_conn *c, const cli_spooler *sp, answer *a, envoi_error *err)
{
    for (size_t count = 0;; count++) {
        const char *line, *v;
        size_t len, vlen;
        int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
        if (rc < 0)
            return rc;
        if (len == 0)
            return 0;
        if (count >= MAX_HEADERS)
            return not_http(err, sp, "more than 100 header fields");
        if (header_is(line, len, "Content-Length", &v, &vlen)) {
            if (read_length(v, vlen, &a->length) < 0)
                return not_http(err, sp, "a malformed Content-Length");
            a->has_length = true;
        } else if (header_is(line, len, "Transfer-Encoding", &v, &vlen)) {
            if (vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0)
                a->chunked = true;
            else
                return not_http(err, sp, "a transfer encoding other than chunked");
        }
    }
}

static int too_big(envoi_error *err, const cli_spooler *sp)
{
    return envoi_err_set(err, ENVOI_ETOOBIG, "the answer of %s is over %zu MiB", sp->label,
                         CLI_HTTP_MAX_BODY >> 20);
}

/* Read n bytes into out. */
static int read_bytes(envoi_conn *c, envoi_buf *out, size_t n, envoi_error *err)
{
    while (n > 0) {
        const char *data;
        size_t avail;
        int rc = envoi_conn_peek(c, &data, &avail, err);
        if (rc < 0)
            return rc;
        size_t take = avail < n ? avail : n;
        if (envoi_buf_append(out, data, take) < 0)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        envoi_conn_consume(c, take);
        n -= take;
    }
    return 0;
}

static int read_to_close(envoi_conn *c, const cli_spooler *sp, envoi_buf *out, envoi_error *err)
{
    for (;;) {
        const char *data;
        size_t avail;
        int rc = envoi_conn_peek(c, &data, &avail, err);
        if (rc == ENVOI_ECLOSED)
            return 0;
        if (rc < 0)
            return rc;
        if (avail > CLI_HTTP_MAX_BODY - out->len)
            return too_big(err, sp);
        if (envoi_buf_append(out, data, avail) < 0)
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        envoi_conn_consume(c, avail);
    }
}

static int read_chunk_size(const char *line, size_t len, size_t *out)
{
    size_t x = 0, i = 0;
    for (; i < len && i < 16; i++) {
        char ch = line[i];
        unsigned d;
        if (ch >= '0' && ch <= '9')
            d = (unsigned)(ch - '0');
        else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
            d = (unsigned)((ch | 0x20) - 'a' + 10);
        else
            break;
        x = x * 16 + d;
    }
    if (i == 0 || (i < len && line[i] != ';' && line[i] != ' '))
        return ENVOI_EPROTOCOL;
    *out = x;
    return 0;
}

static int read_chunked(envoi_conn *c, const cli_spooler *sp, envoi_buf *out, envoi_error *err)
{
    for (;;) {
        const char *line;
        size_t len, size;
        int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
        if (rc < 0)
            return rc;
        if (read_chunk_size(line, len, &size) < 0)
            return not_http(err, sp, "a malformed chunk size");
        if (size == 0)
            break;
        if (size > CLI_HTTP_MAX_BODY - out->len)
            return too_big(err, sp);
        if ((rc = read_bytes(c, out, size, err)) < 0)
            return rc;
        if ((rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err)) < 0)
            return rc;
        if (len != 0)
            return not_http(err, sp, "a chunk longer than its size");
    }
    for (size_t count = 0;; count++) { /* trailer fields, then the empty line */
        const char *line;
        size_t len;
        int rc = envoi_conn_read_line(c, &line, &len, MAX_LINE, err);
        if (rc < 0)
            return rc;
        if (len == 0)
            return 0;
        if (count >= MAX_HEADERS)
            return not_http(err, sp, "more than 100 trailer fields");
    }
}

static int read_answer(envoi_conn *c, const cli_spooler *sp, cli_http_reply *rep, envoi_error *err)
{
    int rc;
    do { /* 1xx interim answers come before the real one */
        answer a = {0};
        if ((rc = read_status(c, sp, &rep->status, err)) < 0 ||
            (rc = read_headers(c, sp, &a, err)) < 0)
            return rc;
        if (rep->status < 200)
            continue;
        if (rep->status == 204 || rep->status == 304)
            break;
        if (a.chunked)
            rc = read_chunked(c, sp, &rep->body, err);
        else if (a.has_length && a.length > CLI_HTTP_MAX_BODY)
            rc = too_big(err, sp);
        else if (a.has_length)
            rc = read_bytes(c, &rep->body, a.length, err);
        else
            rc = read_to_close(c, sp, &rep->body, err);
    } while (rc == 0 && rep->status < 200);
    if (rc == ENVOI_ECLOSED)
        envoi_err_set(err, rc, "%s closed the connection in the middle of its answer", sp->label);
    if (rc == 0 && envoi_buf_append(&rep->body, "", 0) < 0) /* NUL-terminated even when empty */
        rc = envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return rc;
}

int cli_http_request(const cli_spooler *sp, const char *method, const char *target,
                     const char *content_type, const void *body, size_t len, cli_http_reply *rep,
                     envoi_error *err)
{
    rep->status = 0;
    envoi_buf_clear(&rep->body);
    envoi_conn *c = NULL;
    int ms = sp->timeout_ms > 0 ? sp->timeout_ms : CLI_HTTP_TIMEOUT_MS;
    int rc = envoi_conn_open(&c, sp->host, sp->port, ms, ms, err);
    if (rc == 0)
        rc = send_request(c, sp, method, target, content_type, body, len, err);
    if (rc == 0)
        rc = read_answer(c, sp, rep, err);
    envoi_conn_close(c);
    return rc;
}

void cli_http_reply_free(cli_http_reply *rep)
{
    envoi_buf_free(&rep->body);
    rep->status = 0;
}
