/* The "get all" half of the reading model the POP3 and IMAP sessions share:
 * each retrieved message's bytes gathered, parsed, handed to the caller's
 * callback (which may keep the message), and progress counted. */
#ifndef ENVOI_PROTO_GATHER_H
#define ENVOI_PROTO_GATHER_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/error.h"
#include "envoi/message.h"
#include "util/buf.h"

/* Hands one parsed message to the caller: *keep set to true keeps it (the
 * caller frees it), else it is freed after the call. */
typedef int (*proto_deliver_fn)(void *ctx, envoi_message *msg, bool *keep);
typedef int (*proto_progress_fn)(void *ctx, size_t done, size_t total, unsigned long long bytes);

typedef struct proto_gather {
    envoi_buf src;
    size_t done, total;
    unsigned long long bytes;
    envoi_error *err;
} proto_gather;

/* An envoi_write_fn appending to the envoi_buf ctx. */
int proto_gather_write(void *ctx, const void *data, size_t len);
/* Parse src into *out; on failure err says why. */
int proto_gather_parse(const envoi_buf *src, envoi_message **out, envoi_error *err);

/* One message: begin (forget the last bytes), data..., then end: parse,
 * deliver, count, report progress. status < 0 (the retrieval failed) is
 * returned as it is. */
void proto_gather_begin(proto_gather *g);
int proto_gather_data(proto_gather *g, const void *data, size_t len);
int proto_gather_end(proto_gather *g, int status, proto_deliver_fn deliver, void *deliver_ctx,
                     proto_progress_fn progress, void *progress_ctx);
void proto_gather_free(proto_gather *g);

#endif
