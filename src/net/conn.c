/* A connection (see conn.h): a socket, optionally wrapped in TLS, with a read
 * buffer for line and exact-size reads and a write buffer flushed on demand. */
#include "net/conn.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/tcp.h"
#include "net/tls.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/secret.h"

#define OUT_SIZE (32 * 1024) /* writes are gathered up to this much per send */
#define READ_CHUNK (16 * 1024)

struct envoi_conn {
    int fd;
    int io_ms;
    char *host;     /* as the caller named it: SNI and certificate checks */
    char *peer;     /* "host port N", for error texts */
    envoi_tls *tls; /* NULL while plain */
    envoi_buf in;   /* received bytes; those before in_pos are consumed */
    size_t in_pos;
    size_t scanned; /* bytes after in_pos already known to hold no LF */
    size_t out_len;
    char out[OUT_SIZE];
};

/* "[::1]" is how URLs and configs write an IPv6 literal; resolve "::1". */
static char *copy_host(const char *host)
{
    size_t len = strlen(host);
    if (len > 2 && host[0] == '[' && host[len - 1] == ']')
        return strndup(host + 1, len - 2);
    return strdup(host);
}

int envoi_conn_open(envoi_conn **out, const char *host, unsigned port, int connect_ms, int io_ms,
                    envoi_error *err)
{
    *out = NULL;
    if (!host || !*host || port == 0 || port > 65535)
        return envoi_err_set(err, ENVOI_EINVAL, "invalid server address %s port %u",
                             host ? host : "(null)", port);
    envoi_conn *c = calloc(1, sizeof *c);
    envoi_buf peer = ENVOI_BUF_INIT;
    if (!c || !(c->host = copy_host(host)) || envoi_buf_printf(&peer, "%s port %u", host, port)) {
        if (c)
            free(c->host);
        free(c);
        envoi_buf_free(&peer);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    c->peer = envoi_buf_steal(&peer, NULL);
    c->io_ms = io_ms;
    int rc = envoi_tcp_connect(&c->fd, c->host, port, connect_ms, err);
    if (rc < 0) {
        c->fd = -1;
        envoi_conn_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

void envoi_conn_close(envoi_conn *c)
{
    if (!c)
        return;
    envoi_tls_close(c->tls);
    if (c->fd >= 0)
        close(c->fd);
    envoi_wipe(c->out, c->out_len); /* may hold credentials */
    envoi_buf_wipe_free(&c->in);    /* and answers carrying tokens */
    free(c->host);
    free(c->peer);
    free(c);
}

void envoi_conn_set_timeout(envoi_conn *c, int io_ms)
{
    c->io_ms = io_ms;
}

bool envoi_conn_is_tls(const envoi_conn *c)
{
    return c->tls != NULL;
}

size_t envoi_conn_pending(const envoi_conn *c)
{
    size_t n = c->in.len - c->in_pos;
    return c->tls ? n + envoi_tls_pending(c->tls) : n;
}

static ssize_t transport_recv(envoi_conn *c, void *buf, size_t n, envoi_error *err)
{
    if (c->tls)
        return envoi_tls_recv(c->tls, buf, n, c->io_ms, c->peer, err);
    return envoi_tcp_recv(c->fd, buf, n, c->io_ms, c->peer, err);
}

static int transport_send(envoi_conn *c, const void *buf, size_t n, envoi_error *err)
{
    if (c->tls)
        return envoi_tls_send_all(c->tls, buf, n, c->io_ms, c->peer, err);
    return envoi_tcp_send_all(c->fd, buf, n, c->io_ms, c->peer, err);
}

/* Drop the consumed bytes, then append what one receive brings. */
static int fill(envoi_conn *c, envoi_error *err)
{
    if (c->in_pos > 0) {
        envoi_buf_consume(&c->in, c->in_pos);
        c->in_pos = 0;
    }
    if (envoi_buf_reserve(&c->in, READ_CHUNK) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    size_t room = c->in.cap - c->in.len - 1;
    ssize_t got = transport_recv(c, c->in.data + c->in.len, room, err);
    if (got < 0)
        return (int)got;
    c->in.len += (size_t)got;
    c->in.data[c->in.len] = '\0';
    return 0;
}

static void consume(envoi_conn *c, size_t n)
{
    c->in_pos += n;
    c->scanned = 0;
}

static int line_too_long(envoi_conn *c, size_t max, envoi_error *err)
{
    return envoi_err_set(err, ENVOI_EPROTOCOL, "line from %s longer than %zu bytes", c->peer, max);
}

int envoi_conn_read_line(envoi_conn *c, const char **line, size_t *len, size_t max,
                         envoi_error *err)
{
    for (;;) {
        char *data = c->in.data ? c->in.data + c->in_pos : NULL;
        size_t avail = c->in.len - c->in_pos;
        char *lf = avail > c->scanned ? memchr(data + c->scanned, '\n', avail - c->scanned) : NULL;
        if (lf) {
            size_t n = (size_t)(lf - data);
            consume(c, n + 1);
            if (n > 0 && data[n - 1] == '\r')
                n--;
            if (n > max)
                return line_too_long(c, max, err);
            *line = data;
            *len = n;
            return 0;
        }
        c->scanned = avail;
        if (avail > max && avail - max > 1) /* room for a CR is the only slack */
            return line_too_long(c, max, err);
        int rc = fill(c, err);
        if (rc == ENVOI_ECLOSED && avail > 0)
            return envoi_err_set(err, rc, "%s closed the connection in the middle of a line",
                                 c->peer);
        if (rc < 0)
            return rc;
    }
}

int envoi_conn_peek(envoi_conn *c, const char **data, size_t *len, envoi_error *err)
{
    while (c->in.len == c->in_pos) {
        int rc = fill(c, err);
        if (rc < 0)
            return rc;
    }
    *data = c->in.data + c->in_pos;
    *len = c->in.len - c->in_pos;
    return 0;
}

void envoi_conn_consume(envoi_conn *c, size_t n)
{
    size_t avail = c->in.len - c->in_pos;
    consume(c, n < avail ? n : avail);
}

int envoi_conn_read_exact(envoi_conn *c, void *dst, size_t n, envoi_error *err)
{
    char *p = dst;
    while (n > 0) {
        size_t avail = c->in.len - c->in_pos;
        if (avail > 0) {
            size_t take = avail < n ? avail : n;
            memcpy(p, c->in.data + c->in_pos, take);
            consume(c, take);
            p += take;
            n -= take;
            continue;
        }
        if (n >= READ_CHUNK) { /* large reads skip the buffer */
            ssize_t got = transport_recv(c, p, n, err);
            if (got < 0)
                return (int)got;
            p += got;
            n -= (size_t)got;
            continue;
        }
        int rc = fill(c, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int envoi_conn_flush(envoi_conn *c, envoi_error *err)
{
    if (c->out_len == 0)
        return 0;
    int rc = transport_send(c, c->out, c->out_len, err);
    envoi_wipe(c->out, c->out_len);
    c->out_len = 0;
    return rc;
}

int envoi_conn_write(envoi_conn *c, const void *data, size_t len, envoi_error *err)
{
    if (len > OUT_SIZE - c->out_len) {
        int rc = envoi_conn_flush(c, err);
        if (rc < 0)
            return rc;
        if (len >= OUT_SIZE) /* would fill the buffer at once: send it as is */
            return transport_send(c, data, len, err);
    }
    if (len > 0)
        memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    return 0;
}

int envoi_conn_printf(envoi_conn *c, envoi_error *err, const char *fmt, ...)
{
    envoi_buf text = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&text, fmt, ap);
    va_end(ap);
    if (rc < 0)
        rc = envoi_err_set(err, rc, "cannot format a command for %s", c->peer);
    else
        rc = envoi_conn_write(c, text.data, text.len, err);
    envoi_buf_wipe_free(&text); /* commands may carry credentials */
    return rc;
}

/* STARTTLS injection defense: whatever arrived before the handshake was sent
 * in the clear by someone, possibly not the server; none of it may be read
 * later as if it had come through TLS. That is our buffer, and whatever the
 * socket already holds (a server in TLS mode sends nothing before it has our
 * hello, so those bytes are not part of the handshake). */
static void discard_unread(envoi_conn *c)
{
    envoi_buf_clear(&c->in);
    c->in_pos = 0;
    c->scanned = 0;
    char junk[4096];
    for (int i = 0; i < 16; i++)
        if (recv(c->fd, junk, sizeof junk, MSG_DONTWAIT) <= 0)
            break;
}

int envoi_conn_start_tls(envoi_conn *c, const envoi_tls_config *cfg, envoi_error *err)
{
    if (c->tls)
        return envoi_err_set(err, ENVOI_ESTATE, "TLS is already active with %s", c->peer);
    int rc = envoi_conn_flush(c, err); /* written in the clear: goes out in the clear */
    if (rc < 0)
        return rc;
    discard_unread(c);
    return envoi_tls_open(&c->tls, c->fd, c->host, cfg, c->io_ms, c->peer, err);
}
