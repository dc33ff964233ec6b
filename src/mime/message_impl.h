/* The inside of an envoi_message, shared by the files of mime/ that build,
 * check and serialize it. */
#ifndef ENVOI_MIME_MESSAGE_IMPL_H
#define ENVOI_MIME_MESSAGE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "envoi/error.h"
#include "envoi/message.h"
#include "mime/address.h"
#include "util/buf.h"

/* A mailbox as the message keeps it. */
typedef struct mime_mbox {
    envoi_mailbox mb;
    char *header_addr; /* as written in headers: domain in A-labels when the local part is ASCII */
} mime_mbox;

typedef struct mime_mbox_list {
    mime_mbox *items;
    size_t len, cap;
} mime_mbox_list;

typedef struct mime_str_list {
    char **items;
    size_t len, cap;
} mime_str_list;

typedef struct mime_attachment {
    char *path;          /* file attachment: read when writing; NULL for data */
    unsigned char *data; /* in-memory attachment */
    size_t len;
    char *name; /* file name shown, UTF-8 */
    char *type; /* "type/subtype" */
    char *cid;  /* Content-ID without brackets; NULL when none */
    bool is_inline;
} mime_attachment;

typedef struct mime_header {
    char *name;
    char *value;
} mime_header;

#define MIME_BOUNDARY_SIZE 40

struct envoi_message {
    mime_mbox from, sender, receipt; /* mb.addr NULL when unset */
    mime_mbox_list reply_to, to, cc, bcc;
    bool write_bcc;
    char *subject;
    time_t date;
    bool date_set; /* set by the caller, or fixed at the first write */
    char *message_id;
    char *in_reply_to;
    mime_str_list references;
    envoi_buf text, html; /* line ends normalized to CRLF */
    bool has_text, has_html;
    mime_attachment *parts;
    size_t nparts, cap_parts;
    mime_header *headers;
    size_t nheaders, cap_headers;
    envoi_priority priority;
    envoi_sensitivity sensitivity;
    char boundary[3][MIME_BOUNDARY_SIZE]; /* mixed, alternative, related; fixed at first write */
    bool boundaries_set;
    envoi_error err;
};

void mime_mbox_clear(mime_mbox *m);

#endif
