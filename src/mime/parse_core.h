/* The one MIME structure parser. It reads a message (or an mbox of them)
 * from chunks of any size, line by line with memchr, and runs of ordinary
 * body lines as one span (a boundary can only start at "\n--"). It builds the
 * part tree with header fields split once, and either keeps the source (parts
 * are offsets into it; bodies decoded lazily) or hands each leaf's
 * transfer-decoded body to a callback as it goes, in bounded memory.
 *
 * envoi_message_parse feeds it the whole source at once (preset: no copy);
 * envoi_stream_parser_* and the mbox/maildir readers feed it chunks. */
#ifndef ENVOI_MIME_PARSE_CORE_H
#define ENVOI_MIME_PARSE_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/parse.h"
#include "mime/part.h"
#include "mime/part_decode.h"
#include "util/buf.h"

#define MIME_CARRY_MAX (64 * 1024)    /* longest partial line carried between chunks */
#define MIME_HEADER_MAX (256 * 1024)  /* header block of one part kept when streaming */
#define MIME_DECODE_SLICE (64 * 1024) /* body bytes decoded per part_data call at most */

typedef struct mime_core {
    envoi_parse_callbacks cb;
    void *ctx;
    bool mbox;          /* "From " lines separate messages, ">From " unquoted */
    bool retain;        /* keep the source: messages come with their bodies */
    bool preset;        /* the message and its source were given (one-shot parse) */
    envoi_message *msg; /* the message being read; NULL between messages */
    envoi_part *cur;    /* the deepest open part */
    int state;
    size_t pos;     /* offset of the next byte in the message's source */
    size_t hstart;  /* first byte of the header block being read */
    envoi_buf src;  /* the source kept so far (retain, not preset) */
    envoi_buf hbuf; /* header block when not retaining */
    int hl_last;    /* class of the last header line */
    mime_hline *hl; /* the lines of the header block being read, as classified */
    size_t nhl, cap_hl, hl_bytes;
    bool hl_bad; /* hl does not cover the block: it is split again */
    bool first_line, mid_line, prev_blank;
    char held[2]; /* line end of the last body line, held until the next line shows it is not a
                     boundary's */
    size_t nheld, held_off;
    char blank[2]; /* mbox: line end of a blank line that may precede a "From " line */
    size_t nblank, blank_off;
    size_t nlive; /* multiparts whose boundary may still come */
    mime_decoder dec;
    unsigned char *scratch;
    envoi_buf carry;
    size_t high_water;        /* largest carry + header + scratch memory seen */
    size_t messages;          /* messages reported */
    int rc;                   /* first failure or callback stop, sticky */
    struct mime_core *nested; /* reading a transfer-encoded message/rfc822 from its decoded body */
    envoi_part *graft;        /* nested: the part whose child the message becomes */
} mime_core;

void mime_core_init(mime_core *c, const envoi_parse_callbacks *cb, void *ctx, bool mbox,
                    bool retain);
/* One-shot: parse msg's own source (msg->parsed->src), no callbacks. */
int mime_core_parse_preset(envoi_message *msg);
int mime_core_feed(mime_core *c, const void *data, size_t len);
int mime_core_finish(mime_core *c);
void mime_core_free(mime_core *c);
/* Bytes of buffer memory the parser held at most (for tests of the bound). */
size_t mime_core_high_water(const mime_core *c);

#endif
