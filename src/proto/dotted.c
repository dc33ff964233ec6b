/* Dot-terminated multi-line bodies (see dotted.h). */
#include "proto/dotted.h"

#include <string.h>

#include "util/err.h"

enum {
    LINE_START, /* the next byte begins a line */
    AFTER_DOT,  /* the line began with '.' and nothing else yet */
    DOT_CR,     /* the line began with ".\r" */
    IN_LINE,    /* inside a line */
};

void envoi_undot_init(envoi_undot *u)
{
    memset(u, 0, sizeof *u);
}

static int emit(envoi_undot *u, const char *p, size_t n, envoi_write_fn write, void *ctx, int rc)
{
    if (n == 0)
        return rc;
    u->bytes += n;
    if (rc < 0 || !write)
        return rc;
    return write(ctx, p, n);
}

int envoi_undot_feed(envoi_undot *u, const char *data, size_t len, size_t *used,
                     envoi_write_fn write, void *ctx)
{
    int rc = 0;
    size_t i = 0, run = 0; /* data[run..i) is content not yet passed on */
    while (i < len && !u->done) {
        switch (u->state) {
        case LINE_START:
            if (data[i] == '.') {
                rc = emit(u, data + run, i - run, write, ctx, rc);
                run = ++i;
                u->state = AFTER_DOT;
                break;
            }
            u->state = IN_LINE;
            /* fall through */
        case IN_LINE: {
            const char *lf = memchr(data + i, '\n', len - i);
            if (!lf) {
                i = len;
                break;
            }
            i = (size_t)(lf - data) + 1;
            u->state = LINE_START;
            break;
        }
        case AFTER_DOT:
            if (data[i] == '\n') {
                u->done = true;
                run = ++i;
            } else if (data[i] == '\r') {
                u->state = DOT_CR;
                run = ++i;
            } else {
                u->state = IN_LINE; /* a stuffed dot: dropped */
            }
            break;
        case DOT_CR:
            if (data[i] == '\n') {
                u->done = true;
                run = ++i;
            } else {
                rc = emit(u, "\r", 1, write, ctx, rc); /* ".\rX": the CR is content */
                u->state = IN_LINE;
            }
            break;
        }
    }
    if (!u->done)
        rc = emit(u, data + run, i - run, write, ctx, rc);
    *used = i;
    return rc;
}

int envoi_pp_read_dotted(envoi_pp *pp, envoi_write_fn write, void *ctx)
{
    if (!pp->conn)
        return envoi_err_set(pp->err, ENVOI_ESTATE, "not connected");
    envoi_undot u;
    envoi_undot_init(&u);
    int failed = 0;
    while (!u.done) {
        const char *data;
        size_t len, used;
        int rc = envoi_conn_peek(pp->conn, &data, &len, pp->err);
        if (rc < 0) {
            if (rc == ENVOI_ECLOSED)
                envoi_err_set(pp->err, rc,
                              "the server closed the connection before the end of the "
                              "response (%zu bytes read, no terminating \".\" line)",
                              u.bytes);
            return rc;
        }
        rc = envoi_undot_feed(&u, data, len, &used, failed ? NULL : write, ctx);
        envoi_conn_consume(pp->conn, used);
        if (rc < 0 && !failed)
            failed = rc;
    }
    return failed;
}
