/* Reading one message or an mbox from a descriptor (see mbox.h). */
#include "mime/mbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mime/parse_core.h"
#include "util/fdio.h"

bool mime_looks_like_mbox(const void *data, size_t len)
{
    return len >= 5 && memcmp(data, "From ", 5) == 0;
}

/* Feed the core what is already in buf[0..have), then the rest of fd. */
static int pump(int fd, mime_core *c, char *buf, size_t have)
{
    int rc = have ? mime_core_feed(c, buf, have) : 0;
    while (rc == 0) {
        ssize_t n = envoi_read_some(fd, buf, MIME_READ_CHUNK);
        if (n < 0)
            return ENVOI_EFILE;
        if (n == 0)
            break;
        rc = mime_core_feed(c, buf, (size_t)n);
    }
    return rc == 0 ? mime_core_finish(c) : rc;
}

static int read_with(int fd, bool mbox, bool bodies, const envoi_parse_callbacks *cb, void *ctx,
                     char *buf, size_t have)
{
    mime_core c;
    mime_core_init(&c, cb, ctx, mbox, bodies);
    int rc = pump(fd, &c, buf, have);
    mime_core_free(&c);
    return rc;
}

int mime_read_fd(int fd, bool mbox, bool bodies, const envoi_parse_callbacks *cb, void *ctx)
{
    char *buf = malloc(MIME_READ_CHUNK);
    if (!buf)
        return ENVOI_ENOMEM;
    int rc = read_with(fd, mbox, bodies, cb, ctx, buf, 0);
    free(buf);
    return rc;
}

int mime_read_fd_auto(int fd, bool bodies, const envoi_parse_callbacks *cb, void *ctx,
                      bool *was_mbox)
{
    char *buf = malloc(MIME_READ_CHUNK);
    if (!buf)
        return ENVOI_ENOMEM;
    size_t have = 0;
    /* Enough bytes to see "From " even from a pipe that gives them one by one. */
    while (have < 5) {
        ssize_t n = envoi_read_some(fd, buf + have, MIME_READ_CHUNK - have);
        if (n < 0) {
            free(buf);
            return ENVOI_EFILE;
        }
        if (n == 0)
            break;
        have += (size_t)n;
    }
    bool mbox = mime_looks_like_mbox(buf, have);
    if (was_mbox)
        *was_mbox = mbox;
    int rc = read_with(fd, mbox, bodies, cb, ctx, buf, have);
    free(buf);
    return rc;
}
