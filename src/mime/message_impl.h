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
    struct mime_parsed *parsed; /* set when the message came from the parser (mime/part.h) */
    unsigned changed;           /* MIME_CHANGED_... fields set by the caller after parsing */
};

/* Top-level field bits the caller changed through the setters of message.h. */
enum mime_changed {
    MIME_CHANGED_FROM = 1u << 0,
    MIME_CHANGED_SENDER = 1u << 1,
    MIME_CHANGED_REPLY_TO = 1u << 2,
    MIME_CHANGED_TO = 1u << 3,
    MIME_CHANGED_CC = 1u << 4,
    MIME_CHANGED_BCC = 1u << 5,
    MIME_CHANGED_SUBJECT = 1u << 6,
    MIME_CHANGED_DATE = 1u << 7,
    MIME_CHANGED_MESSAGE_ID = 1u << 8,
    MIME_CHANGED_IN_REPLY_TO = 1u << 9,
    MIME_CHANGED_REFERENCES = 1u << 10,
    MIME_CHANGED_PRIORITY = 1u << 11,
    MIME_CHANGED_SENSITIVITY = 1u << 12,
    MIME_CHANGED_RECEIPT = 1u << 13,
    MIME_CHANGED_HEADERS = 1u << 14, /* custom headers added */
    MIME_CHANGED_BODY = 1u << 15,    /* text, HTML, attachments: not supported on parsed messages */
};

/* Parsed messages (mime/part.h): release the parsed state; before the first
 * change of a list field, fill it from the source; remember what changed. */
void mime_parsed_free(struct mime_parsed *pm);
int mime_parsed_seed(envoi_message *msg, unsigned changed_bit);

void mime_mbox_clear(mime_mbox *m);

#endif
