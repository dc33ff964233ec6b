/* Buffered output of a message being serialized: small pieces are gathered
 * and handed to the caller's write function in large blocks; the first
 * failure stops everything and is kept. */
#ifndef ENVOI_MIME_OUT_H
#define ENVOI_MIME_OUT_H

#include <stddef.h>

#include "envoi/message.h"

#define MIME_OUT_SIZE (64 * 1024)

typedef struct mime_out {
    envoi_write_fn fn;
    void *ctx;
    char *buf;
    size_t len;
    int rc;    /* first failure, sticky */
    char last; /* last byte written, '\n' before anything */
} mime_out;

int mime_out_init(mime_out *o, envoi_write_fn fn, void *ctx);
int mime_out_put(mime_out *o, const void *data, size_t len);
int mime_out_str(mime_out *o, const char *s);
/* Room for need (<= MIME_OUT_SIZE) bytes at the end of the buffer, flushing
 * first when needed; NULL after a failure. Follow with mime_out_commit. */
char *mime_out_space(mime_out *o, size_t need);
void mime_out_commit(mime_out *o, size_t n);
int mime_out_flush(mime_out *o);
void mime_out_free(mime_out *o);

#endif
