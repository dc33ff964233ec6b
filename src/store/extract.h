/* What the mail store keeps of a parsed message: decoded subject, address
 * fields as display text and as bare addresses, the text to index, and each
 * attachment with the size and digest of its decoded bytes. */
#ifndef ENVOI_STORE_EXTRACT_H
#define ENVOI_STORE_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "envoi/parse.h"
#include "store/digest.h"
#include "util/buf.h"

enum { STORE_FROM, STORE_TO, STORE_CC, STORE_FIELDS };

typedef struct store_fields {
    envoi_buf text[STORE_FIELDS]; /* "Name <a@b>, c@d"; data NULL when empty */
    envoi_buf addr[STORE_FIELDS]; /* "a@b c@d" */
    envoi_buf addresses;          /* what the search indexes of all three */
    envoi_buf body;               /* main text as UTF-8 (HTML without tags when none) */
} store_fields;

typedef struct store_attachment_info {
    const char *path;
    const char *filename;
    const char *content_type;
    uint64_t size;
    char sha256[STORE_SHA256_HEX];
} store_attachment_info;

/* Fill f (all buffers start empty) from msg. 0 or ENVOI_ENOMEM. */
int store_fields_collect(const envoi_message *msg, store_fields *f);
void store_fields_free(store_fields *f);

/* Call fn for each attachment of msg in part order (depth first); stops at
 * the first negative return and returns it. */
int store_attachments_walk(const envoi_message *msg,
                           int (*fn)(void *ctx, const store_attachment_info *att), void *ctx);

#endif
