/* The command/response engine shared by the line-based protocol clients
 * (see pp.h). */
#include "proto/pp.h"

#include <stdarg.h>
#include <string.h>

#include "util/err.h"

void envoi_pp_init(envoi_pp *pp, envoi_error *err)
{
    memset(pp, 0, sizeof *pp);
    pp->err = err;
    pp->max_line = 4096;
    pp->max_lines = 256;
    pp->max_bytes = 65536;
}

void envoi_pp_free(envoi_pp *pp)
{
    envoi_buf_wipe_free(&pp->scratch);
}

int envoi_pp_quote(envoi_buf *out, const char *data, size_t len, size_t max)
{
    bool cut = len > max;
    size_t n = cut ? max : len;
    if (envoi_buf_reserve(out, n + 3) < 0)
        return ENVOI_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        out->data[out->len++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? (char)c : '?';
    }
    out->data[out->len] = '\0';
    return cut ? envoi_buf_append(out, "...", 3) : 0;
}

static void trace_line(envoi_pp *pp, bool sent, const char *line, size_t len, size_t visible)
{
    envoi_buf_clear(&pp->scratch);
    if (envoi_pp_quote(&pp->scratch, line, visible < len ? visible : len, pp->max_line) < 0)
        return;
    if (visible < len && envoi_buf_append(&pp->scratch, "****", 4) < 0)
        return;
    pp->trace(pp->trace_ctx, sent, pp->scratch.data);
}

int envoi_pp_send(envoi_pp *pp, const char *cmd, size_t len, size_t visible)
{
    if (!pp->conn)
        return envoi_err_set(pp->err, ENVOI_ESTATE, "not connected");
    if (pp->trace)
        trace_line(pp, true, cmd, len, visible);
    int rc = envoi_conn_write(pp->conn, cmd, len, pp->err);
    if (rc < 0)
        return rc;
    return envoi_conn_write(pp->conn, "\r\n", 2, pp->err);
}

int envoi_pp_sendf(envoi_pp *pp, const char *fmt, ...)
{
    envoi_buf cmd = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    if (rc < 0)
        return envoi_err_set(pp->err, rc, "out of memory");
    rc = envoi_pp_send(pp, cmd.data, cmd.len, cmd.len);
    envoi_buf_free(&cmd);
    return rc;
}

int envoi_pp_flush(envoi_pp *pp)
{
    if (!pp->conn)
        return envoi_err_set(pp->err, ENVOI_ESTATE, "not connected");
    return envoi_conn_flush(pp->conn, pp->err);
}

int envoi_pp_read_response(envoi_pp *pp, envoi_pp_line_fn fn, void *ctx)
{
    if (!pp->conn)
        return envoi_err_set(pp->err, ENVOI_ESTATE, "not connected");
    size_t lines = 0, bytes = 0;
    for (;;) {
        const char *line;
        size_t len;
        int rc = envoi_conn_read_line(pp->conn, &line, &len, pp->max_line, pp->err);
        if (rc < 0)
            return rc;
        if (pp->trace)
            trace_line(pp, false, line, len, len);
        if (++lines > pp->max_lines || (bytes += len) > pp->max_bytes)
            return envoi_err_set(pp->err, ENVOI_EPROTOCOL,
                                 "response from the server too long (over %zu lines or %zu bytes)",
                                 pp->max_lines, pp->max_bytes);
        rc = fn(ctx, line, len, pp->err);
        if (rc <= 0)
            return rc;
    }
}

void envoi_pp_hang_up(envoi_pp *pp, envoi_conn **conn, const char *farewell)
{
    if (*conn && farewell) {
        envoi_error ignored;
        size_t len = strlen(farewell);
        envoi_pp_send(pp, farewell, len, len);
        envoi_conn_flush(*conn, &ignored);
    }
    envoi_conn_close(*conn);
    *conn = NULL;
    pp->conn = NULL;
}
